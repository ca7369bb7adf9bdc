from piezomethod.cli import main

raise SystemExit(main())
