"""Sphinx configuration for the piezomethod documentation."""

from importlib.metadata import version as _version

project = "piezomethod"
author = "piezomethod contributors"
release = _version("piezomethod")
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.intersphinx",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build"]
myst_enable_extensions = ["colon_fence"]
myst_heading_anchors = 3

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": True}

# No network in CI: intersphinx mappings stay empty so the build never fetches inventories.
intersphinx_mapping: dict[str, tuple[str, str | None]] = {}

html_theme = "furo"
html_title = "piezomethod"
language = "en"
