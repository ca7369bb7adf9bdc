"""One error tree for the whole library, the registry of codes, and the problem records that
validation returns.

Every error the library raises on bad input is a :class:`PiezoError`. Each one also subclasses
the builtin exception that fits (``ValueError`` for a value that breaks a rule, ``TypeError``
for a value of the wrong type), so code that already catches builtins keeps working; a refused
consent (:class:`ConsentError`) is not bad input and subclasses no builtin. Every error carries
a stable machine-readable ``code`` and, where known, the ``field`` and the ``participant_id``
it is about. Errors survive pickling (they cross process boundaries in parallel pipelines),
and their messages never echo personal free text such as names, reasons or notes.

Every code the library uses — on an error, an :class:`Issue` or a dataset problem — is a member
of :class:`Code`, the one registry, which says per code what it means in Dutch and English.

Whole-history and whole-dataset validation does not raise at the first problem; it returns a
list of :class:`Issue` records instead.

>>> from piezomethod.errors import Code, FieldError, PiezoError
>>> err = FieldError("date must be a datetime.date", code=Code.INVALID_DATE, field="date")
>>> isinstance(err, PiezoError) and isinstance(err, ValueError)
True
>>> err.code, err.field
(<Code.INVALID_DATE: 'invalid_date'>, 'date')
>>> err.code.meaning(lang="en")
'not a valid calendar date, or not a date at all'
"""

from __future__ import annotations

import enum
import typing
from collections.abc import Callable, Iterable
from typing import Any

import attrs

from piezomethod._i18n import Labelled, Lang, check_lang

__all__ = [
    "Code",
    "CodeArea",
    "ConsentError",
    "FieldError",
    "FieldTypeError",
    "InstrumentError",
    "Issue",
    "PiezoError",
    "PolicyError",
    "Problem",
    "SchemaVersionError",
    "ScoringError",
    "SerializationError",
    "Severity",
    "TransitionError",
    "codes",
]


class Severity(Labelled):
    """How bad an :class:`Issue` is. Errors make a history unusable; warnings do not."""

    ERROR = "error"
    WARNING = "warning"


class CodeArea(enum.StrEnum):
    """The part of the library a :class:`Code` belongs to (for grouping, as in the docs)."""

    GENERAL = "general"
    """Rules every object's fields follow: types, blank text, dates, closed vocabularies."""
    PHASES = "phases"
    """The phase model, transition policies and whole histories."""
    OUTCOMES = "outcomes"
    """Instruments, responses, scoring and FHIR."""
    PASSPORT = "passport"
    """The development passport and the skills catalogue."""
    CONSENT = "consent"
    """Consent, portfolios and pseudonyms."""
    RECORDS = "records"
    """Participants, participant records and cohorts."""
    MECHANISMS = "mechanisms"
    """The working-mechanisms framework and assessments."""
    WIRE = "wire"
    """The JSON wire format."""
    DATASET = "dataset"
    """Loading and validating datasets of tables."""
    GUIDANCE = "guidance"
    """The coach's work: intake, coach assignments, contacts, referrals, aftercare."""
    ANALYTICS = "analytics"
    """Cohort analytics and the report."""


_G, _PH, _OUT, _PP = CodeArea.GENERAL, CodeArea.PHASES, CodeArea.OUTCOMES, CodeArea.PASSPORT
_CON, _REC, _MECH = CodeArea.CONSENT, CodeArea.RECORDS, CodeArea.MECHANISMS
_WIRE, _DATA, _AN = CodeArea.WIRE, CodeArea.DATASET, CodeArea.ANALYTICS
_GUI = CodeArea.GUIDANCE


@enum.unique
class Code(enum.StrEnum):
    """Every code the library uses, with its area and its meaning in Dutch and English.

    A code is stable: machines filter, count and translate by it. ``meaning`` says in one line
    what the rule is; an error's or problem's ``message`` adds where and what exactly.

    >>> Code.SAME_PHASE.area, Code.SAME_PHASE.meaning(lang="nl")
    (<CodeArea.PHASES: 'phases'>, 'een faseovergang naar de fase waarin de deelnemer al zit')
    """

    area: CodeArea
    nl: str
    en: str

    def __new__(cls, value: str, area: CodeArea, nl: str, en: str) -> Code:
        member = str.__new__(cls, value)
        member._value_ = value
        member.area = area
        member.nl = nl
        member.en = en
        return member

    def meaning(self, *, lang: Lang = "nl") -> str:
        """What the code means, in Dutch (canonical) or English."""
        return self.nl if check_lang(lang) == "nl" else self.en

    @classmethod
    def of(cls, value: object) -> Code:
        """The registered code ``value`` (a ``Code`` or its string), or a ``FieldError``."""
        if not isinstance(value, str):
            raise FieldTypeError("code must be a Code", code=Code.WRONG_TYPE, field="code")
        found = cls._value2member_map_.get(value)
        if found is None:
            raise FieldError(
                "code must be a registered code (see piezomethod.errors.Code)",
                code=Code.UNKNOWN_CODE,
                field="code",
            )
        return typing.cast(Code, found)

    # -- the root codes of the error classes ----------------------------------------------
    PIEZO_ERROR = ("piezo_error", _G, "een fout in de invoer", "an error in the input")
    INVALID_FIELD = (
        "invalid_field",
        _G,
        "een waarde voldoet niet aan de regel van haar veld",
        "a value breaks the rule of its field",
    )
    WRONG_TYPE = (
        "wrong_type",
        _G,
        "een waarde is van het verkeerde type",
        "a value is of the wrong type",
    )
    BLANK_TEXT = (
        "blank_text",
        _G,
        "een tekst is leeg of bestaat alleen uit spaties",
        "a text is empty or only spaces",
    )
    INVALID_DATE = (
        "invalid_date",
        _G,
        "geen geldige kalenderdatum, of helemaal geen datum",
        "not a valid calendar date, or not a date at all",
    )
    UNKNOWN_VALUE = (
        "unknown_value",
        _G,
        "de waarde hoort niet bij de toegestane codes van dit veld",
        "the value is not one of the codes this field allows",
    )
    UNKNOWN_LANGUAGE = (
        "unknown_language",
        _G,
        "de taal is niet 'nl' of 'en'",
        "the language is not 'nl' or 'en'",
    )
    UNKNOWN_CODE = (
        "unknown_code",
        _G,
        "een code die niet in het register van codes staat",
        "a code that is not in the registry of codes",
    )
    EMPTY = (
        "empty",
        _G,
        "een verzameling die minstens één element nodig heeft, is leeg",
        "a collection that needs at least one element is empty",
    )
    LENGTH_MISMATCH = (
        "length_mismatch",
        _G,
        "twee lijsten die even lang moeten zijn, zijn dat niet",
        "two lists that must be equally long are not",
    )
    DATE_ORDER = (
        "date_order",
        _G,
        "een datum ligt vóór de datum waar hij op moet volgen",
        "a date lies before the date it must follow",
    )
    TOO_LARGE = (
        "too_large",
        _G,
        "de invoer is groter dan de bibliotheek leest",
        "the input is larger than the library reads",
    )
    NO_SUCH_FILE = (
        "no_such_file",
        _G,
        "het bestand of de map bestaat niet of is niet te lezen",
        "the file or folder does not exist or cannot be read",
    )
    # -- phases ------------------------------------------------------------------------------
    UNKNOWN_PHASE = ("unknown_phase", _PH, "geen fase: gebruik 0 t/m 4", "not a phase: use 0 to 4")
    INVALID_COLOUR = (
        "invalid_colour",
        _PH,
        "een kleur is geen '#RRGGBB'-code",
        "a colour is not a '#RRGGBB' code",
    )
    NOT_A_MOVE = (
        "not_a_move",
        _PH,
        "een beweging zonder fase aan een van beide kanten",
        "a move without a phase on either side",
    )
    AS_OF_REQUIRED = (
        "as_of_required",
        _PH,
        "een periode loopt nog: geef een peildatum (as_of) op",
        "a spell is still open: pass the day to judge on (as_of)",
    )
    INVALID_POLICY = (
        "invalid_policy",
        _PH,
        "een overgangsbeleid is niet consistent",
        "a transition policy is inconsistent",
    )
    INVALID_TRANSITION = (
        "invalid_transition",
        _PH,
        "een gebeurtenis of geschiedenis breekt het fasemodel of het beleid",
        "an event or a history breaks the phase model or the policy",
    )
    NOT_AN_EVENT = (
        "not_an_event",
        _PH,
        "een element van de geschiedenis is geen aanmelding, faseovergang of uitstroom",
        "an item of the history is not an enrolment, phase change or exit",
    )
    FIRST_NOT_ENROLMENT = (
        "first_not_enrolment",
        _PH,
        "de geschiedenis begint niet met een aanmelding (instroom)",
        "the history does not start with an enrolment",
    )
    DATE_BACKWARDS = (
        "date_backwards",
        _PH,
        "een gebeurtenis is eerder gedateerd dan de gebeurtenis ervoor",
        "an event is dated before the event before it",
    )
    NOT_ENROLLED = (
        "not_enrolled",
        _PH,
        "de deelnemer is op dat moment niet ingeschreven",
        "the participant is not enrolled at that time",
    )
    ALREADY_ENROLLED = (
        "already_enrolled",
        _PH,
        "een aanmelding terwijl de deelnemer al ingeschreven is",
        "an enrolment while the participant is enrolled",
    )
    SAME_PHASE = (
        "same_phase",
        _PH,
        "een faseovergang naar de fase waarin de deelnemer al zit",
        "a phase change to the phase the participant is already in",
    )
    MOVE_NOT_ALLOWED = (
        "move_not_allowed",
        _PH,
        "het beleid staat deze instroom, overgang of uitstroom niet toe",
        "the policy does not allow this entry, move or exit",
    )
    REASON_REQUIRED = (
        "reason_required",
        _PH,
        "het beleid vraagt een reden (of verwijzer) voor dit soort beweging",
        "the policy requires a reason (or referrer) for this kind of move",
    )
    # -- outcomes ----------------------------------------------------------------------------
    INVALID_INSTRUMENT = (
        "invalid_instrument",
        _OUT,
        "een vragenlijst (instrument) breekt de regels van het model",
        "an instrument definition breaks the rules of the model",
    )
    INVALID_RESPONSE = (
        "invalid_response",
        _OUT,
        "antwoorden passen niet bij de vragenlijst en zijn niet te scoren",
        "a response does not fit the instrument and cannot be scored",
    )
    INSTRUMENT_MISMATCH = (
        "instrument_mismatch",
        _OUT,
        "scores of antwoorden horen bij een andere vragenlijst of versie",
        "scores or answers belong to another instrument or version",
    )
    UNKNOWN_INSTRUMENT = (
        "unknown_instrument",
        _OUT,
        "een onbekende vragenlijst",
        "an unknown instrument",
    )
    UNKNOWN_INSTRUMENT_VERSION = (
        "unknown_instrument_version",
        _OUT,
        "een versie van de vragenlijst die niet bekend is",
        "a version of the instrument that is not known",
    )
    UNKNOWN_INSTRUMENT_ITEM = (
        "unknown_instrument_item",
        _OUT,
        "de vragenlijst heeft geen vraag met dit id",
        "the instrument has no item with this id",
    )
    UNKNOWN_RESPONSE_SCALE = (
        "unknown_response_scale",
        _OUT,
        "de vragenlijst heeft geen antwoordschaal met dit id",
        "the instrument has no response scale with this id",
    )
    UNKNOWN_SCALE = (
        "unknown_scale",
        _OUT,
        "er is geen schaal met dit id",
        "there is no scale with this id",
    )
    UNKNOWN_INDICATOR = (
        "unknown_indicator",
        _OUT,
        "er is geen indicator met dit id",
        "there is no indicator with this id",
    )
    UNKNOWN_INTERPRETATION = (
        "unknown_interpretation",
        _OUT,
        "de schaal heeft geen interpretatie met dit id",
        "the scale has no interpretation with this id",
    )
    NO_BAND = (
        "no_band",
        _OUT,
        "de score valt in geen enkele band (geen score, of geen zulke interpretatie)",
        "the score falls in no band (no score, or no such interpretation)",
    )
    ANSWER_OUT_OF_SCALE = (
        "answer_out_of_scale",
        _OUT,
        "een antwoord dat niet op de antwoordschaal van de vraag staat",
        "an answer that is not on the item's response scale",
    )
    DUPLICATE_ANSWER = (
        "duplicate_answer",
        _OUT,
        "een tweede antwoord op dezelfde vraag in dezelfde afname",
        "a second answer to the same item in the same response",
    )
    ANSWER_NOT_ASKED = (
        "answer_not_asked",
        _OUT,
        "een antwoord op een vraag die volgens een eerder antwoord niet gesteld wordt",
        "an answer to an item that an earlier answer says is not asked",
    )
    # -- passport ----------------------------------------------------------------------------
    INVALID_CATALOGUE = (
        "invalid_catalogue",
        _PP,
        "de vaardighedencatalogus is niet consistent (dubbele ids, onbekende soorten)",
        "the skills catalogue is inconsistent (ids used twice, unknown categories)",
    )
    UNKNOWN_SKILL = (
        "unknown_skill",
        _PP,
        "een vaardigheid die niet in de catalogus staat",
        "a skill that is not in the catalogue",
    )
    UNKNOWN_SKILL_CATEGORY = (
        "unknown_skill_category",
        _PP,
        "een soort vaardigheid die niet in de catalogus staat",
        "a skill category that is not in the catalogue",
    )
    ID_COLLISION = (
        "id_collision",
        _PP,
        "een uitbreiding van de catalogus gebruikt een id dat al bestaat",
        "an extension of the catalogue reuses an existing id",
    )
    INVALID_RANK = (
        "invalid_rank",
        _PP,
        "een rang van een talent is niet 1, 2 of 3",
        "a talent's rank is not 1, 2 or 3",
    )
    MISSING_DATE = (
        "missing_date",
        _PP,
        "een behaald doel heeft geen datum van behalen",
        "an achieved goal has no date it was achieved on",
    )
    UNEXPECTED_DATE = (
        "unexpected_date",
        _PP,
        "een doel dat niet behaald is, heeft een datum van behalen",
        "a goal that is not achieved has a date it was achieved on",
    )
    ACHIEVED_BEFORE_SET = (
        "achieved_before_set",
        _PP,
        "een doel is behaald vóór het gesteld werd",
        "a goal is achieved before it was set",
    )
    EVIDENCE_BEFORE_SET = (
        "evidence_before_set",
        _PP,
        "bewijs is gedateerd vóór het doel gesteld werd",
        "evidence is dated before the goal was set",
    )
    INVALID_GOAL_MOVE = (
        "invalid_goal_move",
        _PP,
        "een doel kan niet van deze status naar die status",
        "a goal cannot move from this status to that one",
    )
    UNKNOWN_GOAL = (
        "unknown_goal",
        _PP,
        "het paspoort heeft geen doel met dit id",
        "the passport has no goal with this id",
    )
    END_BEFORE_START = (
        "end_before_start",
        _PP,
        "een plaatsing eindigt vóór ze begint",
        "a placement ends before it starts",
    )
    INVALID_HOURS = (
        "invalid_hours",
        _PP,
        "uren per week liggen niet tussen 0 en 80",
        "hours per week are not between 0 and 80",
    )
    TOO_MANY_RANKED = (
        "too_many_ranked",
        _PP,
        "meer dan drie talenten hebben een rang: spreek een top 3 af",
        "more than three talents are ranked: agree a top 3",
    )
    DUPLICATE_RANK = (
        "duplicate_rank",
        _PP,
        "dezelfde rang is aan meer dan één talent gegeven",
        "the same rank is given to more than one talent",
    )
    DUPLICATE_ID = (
        "duplicate_id",
        _PP,
        "een id wordt twee keer gebruikt",
        "an id is used twice",
    )
    PLACEMENT_PHASE = (
        "placement_phase",
        _PP,
        "een soort plaatsing die ongebruikelijk is in haar fase",
        "a kind of placement that is unusual in its phase",
    )
    UNKNOWN_MILESTONE = (
        "unknown_milestone",
        _PP,
        "een viering van een mijlpaal die niet bestaat",
        "a celebration of a milestone that does not exist",
    )
    CELEBRATED_BEFORE = (
        "celebrated_before",
        _PP,
        "een mijlpaal is gevierd vóór hij bereikt werd",
        "a milestone is celebrated before it happened",
    )
    # -- consent -----------------------------------------------------------------------------
    NO_CONSENT = (
        "no_consent",
        _CON,
        "geen geldige toestemming dekt dit delen",
        "no valid consent covers this sharing",
    )
    WEAK_KEY = (
        "weak_key",
        _CON,
        "de sleutel voor pseudoniemen is te kort (minstens 16 bytes)",
        "the pseudonym key is too short (at least 16 bytes)",
    )
    # -- records -----------------------------------------------------------------------------
    INVALID_YEAR = (
        "invalid_year",
        _REC,
        "een geboortejaar ligt niet tussen 1900 en 2100",
        "a birth year is not between 1900 and 2100",
    )
    PARTICIPANT_MISMATCH = (
        "participant_mismatch",
        _REC,
        "een onderdeel hoort bij een andere deelnemer",
        "a part belongs to another participant",
    )
    DUPLICATE_PARTICIPANT = (
        "duplicate_participant",
        _REC,
        "een deelnemer staat er twee keer in",
        "a participant appears twice",
    )
    # -- mechanisms --------------------------------------------------------------------------
    INVALID_FRAMEWORK = (
        "invalid_framework",
        _MECH,
        "het kader van werkzame mechanismen is niet consistent",
        "the working-mechanisms framework is inconsistent",
    )
    UNKNOWN_CHECKLIST_ITEM = (
        "unknown_checklist_item",
        _MECH,
        "het kader heeft geen checklistpunt met dit id",
        "the framework has no checklist item with this id",
    )
    WRONG_LEVEL = (
        "wrong_level",
        _MECH,
        "een checklistpunt is voor een ander niveau",
        "a checklist item is for another level",
    )
    WRONG_PHASE = (
        "wrong_phase",
        _MECH,
        "een checklistpunt geldt niet in deze fase",
        "a checklist item does not apply to this phase",
    )
    ANSWERED_TWICE = (
        "answered_twice",
        _MECH,
        "een checklistpunt is twee keer beantwoord",
        "a checklist item is answered twice",
    )
    # -- wire format -------------------------------------------------------------------------
    INVALID_DATA = (
        "invalid_data",
        _WIRE,
        "de gegevens (JSON) passen niet bij het formaat",
        "the data (JSON) does not fit the format",
    )
    INVALID_JSON = (
        "invalid_json",
        _WIRE,
        "de tekst is geen geldige JSON",
        "the text is not valid JSON",
    )
    UNSUPPORTED_SCHEMA_VERSION = (
        "unsupported_schema_version",
        _WIRE,
        "de gegevens zijn van een nieuwere versie van het formaat: werk piezomethod bij",
        "the data is from a newer version of the format: upgrade piezomethod",
    )
    UNSUPPORTED_TYPE = (
        "unsupported_type",
        _WIRE,
        "dit type heeft geen draadformaat",
        "this type has no wire format",
    )
    # -- datasets ----------------------------------------------------------------------------
    MISSING_TABLE = (
        "missing_table",
        _DATA,
        "een verplichte tabel ontbreekt",
        "a required table is missing",
    )
    UNKNOWN_TABLE = (
        "unknown_table",
        _DATA,
        "een tabel die niet tot de vijf vaste tabellen hoort; ze wordt niet gelezen",
        "a table that is not one of the five canonical tables; it is not read",
    )
    UNREADABLE_TABLE = (
        "unreadable_table",
        _DATA,
        "een tabel is niet te lezen",
        "a table cannot be read",
    )
    DUPLICATE_TABLE = (
        "duplicate_table",
        _DATA,
        "twee bestanden of bladen zijn dezelfde tabel; geen van beide wordt gelezen",
        "two files or sheets are the same table; neither is read",
    )
    UNREADABLE_SOURCE = (
        "unreadable_source",
        _DATA,
        "de bron is geen map, werkmap, database of gegevensbestand dat de bibliotheek leest",
        "the source is not a folder, workbook, database or data file the library reads",
    )
    NEEDS_EXTRA = (
        "needs_extra",
        _DATA,
        "deze bron vraagt een optioneel pakket: installeer de genoemde extra",
        "this source needs an optional package: install the extra named",
    )
    GUESSED_ENCODING = (
        "guessed_encoding",
        _DATA,
        "het bestand is geen UTF-8 en is als Windows-1252 gelezen",
        "the file is not UTF-8 and was read as Windows-1252",
    )
    INVALID_MAPPING = (
        "invalid_mapping",
        _DATA,
        "de namentabel (mapping) is niet bruikbaar",
        "the name mapping cannot be used",
    )
    UNKNOWN_ENCODING = (
        "unknown_encoding",
        _DATA,
        "geen tekencodering die Python kent",
        "not a text encoding Python knows",
    )
    TABLE_EXISTS = (
        "table_exists",
        _DATA,
        "de tabel bestaat al in de database; er wordt niets overschreven",
        "the table already exists in the database; nothing is overwritten",
    )
    DATABASE_ERROR = (
        "database_error",
        _DATA,
        "de database weigerde het schrijven; er is niets geschreven",
        "the database refused the write; nothing was written",
    )
    CELL_TOO_LONG = (
        "cell_too_long",
        _DATA,
        "een cel is langer dan een spreadsheetcel kan zijn (32.767 tekens)",
        "a cell is longer than a spreadsheet cell can be (32,767 characters)",
    )
    UNNAMED_COLUMN = (
        "unnamed_column",
        _DATA,
        "een kolom zonder naam bevat waarden; ze worden niet gelezen",
        "a column without a name holds values; they are not read",
    )
    MISSING_COLUMN = (
        "missing_column",
        _DATA,
        "een verplichte kolom ontbreekt",
        "a required column is missing",
    )
    DUPLICATE_COLUMN = (
        "duplicate_column",
        _DATA,
        "een kolom komt twee keer voor",
        "a column appears twice",
    )
    UNKNOWN_COLUMN = (
        "unknown_column",
        _DATA,
        "een kolom die de tabel niet kent; ze wordt niet gelezen",
        "a column the table does not define; it is not read",
    )
    MISSING_VALUE = (
        "missing_value",
        _DATA,
        "een verplichte cel is leeg",
        "a required cell is empty",
    )
    INVALID_VALUE = (
        "invalid_value",
        _DATA,
        "een cel heeft een waarde die niet past bij haar kolom",
        "a cell holds a value that does not fit its column",
    )
    IGNORED_VALUE = (
        "ignored_value",
        _DATA,
        "een waarde in een kolom die dit soort rij niet gebruikt; ze wordt genegeerd",
        "a value in a column this kind of row does not use; it is ignored",
    )
    UNKNOWN_PARTICIPANT = (
        "unknown_participant",
        _DATA,
        "een rij over een deelnemer die niet in de deelnemerstabel staat",
        "a row about a participant the participants table does not have",
    )
    NO_EVENTS = (
        "no_events",
        _DATA,
        "een deelnemer zonder gebeurtenissen",
        "a participant without any event",
    )
    # -- guidance --------------------------------------------------------------------------
    CONTACT_OUTSIDE_ENROLMENT = (
        "contact_outside_enrolment",
        _GUI,
        "een begeleidingscontact terwijl de deelnemer niet ingeschreven is",
        "a guidance contact while the participant is not enrolled",
    )
    AFTERCARE_BEFORE_EXIT = (
        "aftercare_before_exit",
        _GUI,
        "nazorg vóór enige uitstroom",
        "aftercare before any exit",
    )
    AFTERCARE_OUTSIDE_WINDOW = (
        "aftercare_outside_window",
        _GUI,
        "nazorg later dan de nazorgperiode na de uitstroom",
        "aftercare later than the aftercare window after the exit",
    )
    REFERRAL_OUTCOME_BEFORE_REFERRAL = (
        "referral_outcome_before_referral",
        _GUI,
        "de uitkomst van een doorverwijzing is gedateerd vóór de doorverwijzing",
        "a referral's outcome is dated before the referral",
    )
    UNKNOWN_LIFE_DOMAIN = (
        "unknown_life_domain",
        _GUI,
        "een levensdomein dat niet in de lijst staat",
        "a life domain that is not in the list",
    )
    NO_SUCH_CHANGE = (
        "no_such_change",
        _GUI,
        "een gesprek besliste over een faseovergang die er op die dag niet is",
        "a talk decided a phase change that is not there on that day",
    )
    TALK_OUTSIDE_WINDOW = (
        "talk_outside_window",
        _GUI,
        "het ontwikkelgesprek valt niet in de periode vóór de faseovergang",
        "the development talk is not within the window before the phase change",
    )
    TRANSITION_WITHOUT_TALK = (
        "transition_without_talk",
        _GUI,
        "een faseovergang zonder ontwikkelgesprek dat erover besliste",
        "a phase change without a development talk that decided it",
    )
    COACH_OVERLAP = (
        "coach_overlap",
        _GUI,
        "twee trajectbegeleiders tegelijk, terwijl het beleid geen co-begeleider toestaat",
        "two coaches at the same time, where the policy allows no co-coach",
    )
    NO_RECENT_CONTACT = (
        "no_recent_contact",
        _GUI,
        "geen begeleidingscontact binnen de termijn van het beleid",
        "no guidance contact within the policy's interval",
    )
    INTAKE_MISSING = (
        "intake_missing",
        _GUI,
        "een ingeschreven deelnemer zonder intake",
        "an enrolled participant without an intake",
    )
    INTAKE_INCOMPLETE = (
        "intake_incomplete",
        _GUI,
        "de intake bracht niet alle levensdomeinen in kaart",
        "the intake did not map every life domain",
    )
    MEASUREMENT_DUE = (
        "measurement_due",
        _GUI,
        "een vragenlijst moet nu worden afgenomen",
        "a questionnaire is due now",
    )
    MEASUREMENT_MISSING = (
        "measurement_missing",
        _GUI,
        "een vragenlijst is niet afgenomen binnen haar periode",
        "a questionnaire was not taken within its window",
    )
    GOAL_STALLED = (
        "goal_stalled",
        _GUI,
        "een ontwikkeldoel zonder bewijs of verandering sinds lange tijd",
        "a development goal without evidence or change for a long time",
    )
    AFTERCARE_DUE = (
        "aftercare_due",
        _GUI,
        "nazorg na de uitstroom is nog niet gegeven",
        "aftercare after the exit has not been given yet",
    )
    REFERRAL_OPEN = (
        "referral_open",
        _GUI,
        "een doorverwijzing zonder uitkomst",
        "a referral without an outcome",
    )
    # -- analytics and the report ------------------------------------------------------------
    INVALID_DURATION = (
        "invalid_duration",
        _AN,
        "een duur is geen eindig getal van 0 of meer",
        "a duration is not a finite number of 0 or more",
    )
    INVALID_ALPHA = (
        "invalid_alpha",
        _AN,
        "alpha ligt niet tussen 0 en 1",
        "alpha does not lie between 0 and 1",
    )
    UNKNOWN_CAUSE = (
        "unknown_cause",
        _AN,
        "een oorzaak die niet bij de opgegeven namen hoort",
        "a cause that is not among the names given",
    )
    SHAPE = (
        "shape",
        _AN,
        "de aantallen hebben niet het aantal rijen en kolommen van de tabel",
        "the counts do not have the table's rows and columns",
    )
    INVALID_COUNT = (
        "invalid_count",
        _AN,
        "een aantal is geen geheel getal van 0 of meer",
        "a count is not a whole number of 0 or more",
    )
    INVALID_THRESHOLD = (
        "invalid_threshold",
        _AN,
        "een drempel is geen geheel getal van 1 of meer",
        "a threshold is not a whole number of 1 or more",
    )


def codes(area: CodeArea | None = None) -> tuple[Code, ...]:
    """Every registered code, or those of one ``area``, in registry order.

    >>> [c.value for c in codes(CodeArea.MECHANISMS)][:2]
    ['invalid_framework', 'unknown_checklist_item']
    """
    if area is not None and not isinstance(area, CodeArea):
        raise FieldTypeError("area must be a CodeArea or None", code=Code.WRONG_TYPE, field="area")
    return tuple(c for c in Code if area is None or c.area is area)


def _rebuild(cls: type[PiezoError], message: str, state: dict[str, Any]) -> PiezoError:
    """Recreate an error from its pickled message and attributes."""
    err = cls.__new__(cls)
    Exception.__init__(err, message)
    err.message = message
    for name, value in state.items():
        setattr(err, name, value)
    return err


class PiezoError(Exception):
    """The root of every error the library raises on bad input.

    Catch this to catch them all. ``code`` is a stable identifier of the rule that was broken;
    each subclass has a default and a raise site may name a more specific one.
    """

    default_code: Code = Code.PIEZO_ERROR

    code: Code
    field: str | None
    participant_id: str | None
    message: str

    def __init__(
        self,
        message: str,
        *,
        code: Code | None = None,
        field: str | None = None,
        participant_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = self.default_code if code is None else code
        self.field = field
        self.participant_id = participant_id

    def _state(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if k != "message"}

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.message, self._state()))

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, code={self.code!r})"


class FieldError(PiezoError, ValueError):
    """A single object was built with a field value that breaks a rule."""

    default_code = Code.INVALID_FIELD


class FieldTypeError(FieldError, TypeError):
    """A single object was built with a field value of the wrong type."""

    default_code = Code.WRONG_TYPE


class PolicyError(PiezoError, ValueError):
    """A transition policy was defined inconsistently (for example a move to the same phase)."""

    default_code = Code.INVALID_POLICY


class TransitionError(PiezoError, ValueError):
    """An event, or a whole history, breaks the rules of the phase model or of the policy.

    ``issues`` holds every error-severity :class:`Issue` that was found, so a caller can show
    all of them at once. The message summarises the first.
    """

    default_code = Code.INVALID_TRANSITION
    issues: tuple[Issue, ...]

    def __init__(
        self,
        message: str,
        *,
        issues: Iterable[Issue] = (),
        code: Code | None = None,
        field: str | None = None,
        participant_id: str | None = None,
    ) -> None:
        super().__init__(message, code=code, field=field, participant_id=participant_id)
        self.issues = tuple(issues)

    @classmethod
    def from_issues(
        cls, issues: Iterable[Issue], *, participant_id: str | None = None
    ) -> TransitionError:
        """Build the error for a list of issues: the first one's code, all of them attached."""
        found = tuple(issues)
        first = found[0]
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        where = f"event {first.index}: " if first.index is not None else ""
        msg = f"{where}{first.message}{more}"
        return cls(msg, issues=found, code=first.code, participant_id=participant_id)


class _ProblemListError(PiezoError):
    """Base for errors that carry every problem found, each with the path it is about."""

    problems: tuple[Problem, ...]

    def __init__(
        self,
        message: str,
        *,
        problems: Iterable[Problem] = (),
        code: Code | None = None,
        field: str | None = None,
        participant_id: str | None = None,
    ) -> None:
        super().__init__(message, code=code, field=field, participant_id=participant_id)
        self.problems = tuple(problems)


class SerializationError(_ProblemListError, ValueError):
    """Wire data (a dict or JSON text) could not be turned into library objects.

    ``problems`` lists every reason found, each with the JSON path it is about
    (``$.events[2].date``). Values from the input are never echoed.
    """

    default_code = Code.INVALID_DATA


class SchemaVersionError(SerializationError):
    """The data carries a ``schema_version`` this version of the library cannot read."""

    default_code = Code.UNSUPPORTED_SCHEMA_VERSION


class InstrumentError(SerializationError):
    """An instrument definition breaks the model's rules; ``problems`` lists every one, each
    with the JSON path of the part of the instrument file it is about."""

    default_code = Code.INVALID_INSTRUMENT


class ScoringError(_ProblemListError, ValueError):
    """A response cannot be scored against an instrument; ``problems`` lists every reason.

    Raised for unknown items, codes outside the item's response scale and version mismatches.
    Messages name the item, never the answer given.
    """

    default_code = Code.INVALID_RESPONSE


class ConsentError(PiezoError):
    """Sharing was asked for without a valid consent for that recipient, purpose and data.

    A refusal is not bad input and not an operating-system error, so it subclasses no builtin
    exception: ``except ValueError`` or ``except OSError`` around other work never swallows it.
    """

    default_code = Code.NO_CONSENT


# The records below are refused field by field like every model class. The shared checks in
# ``piezomethod._checks`` are built on the error classes above, so these few are written here.


def _typed(*types: type) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """attrs validator: an instance of ``types`` (a bool is not an int)."""
    names = " or ".join("None" if t is type(None) else t.__name__ for t in types)

    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, types) or (value.__class__ is bool and bool not in types):
            raise FieldTypeError(
                f"{attribute.name} must be {names}", code=Code.WRONG_TYPE, field=attribute.name
            )

    return check


def _code(value: Code | str) -> Code:
    return Code.of(value)


def _severity(value: Severity | str) -> Severity:
    found = Severity._value2member_map_.get(value) if isinstance(value, str) else None
    if found is None:
        raise FieldError(
            "severity must be 'error' or 'warning'", code=Code.UNKNOWN_VALUE, field="severity"
        )
    return typing.cast(Severity, found)


@attrs.frozen(kw_only=True)
class Issue:
    """One problem found by a whole-history or whole-dataset validation.

    ``code`` is a registered :class:`Code`, stable and meant for machines (filter, count,
    translate); ``message`` is for people and never contains personal free text. ``index`` is
    the position of the event the issue is about, counted from 0 in the list that was
    validated.
    """

    code: Code = attrs.field(converter=_code)
    severity: Severity = attrs.field(converter=_severity)
    message: str = attrs.field(validator=_typed(str))
    index: int | None = attrs.field(default=None, validator=_typed(int, type(None)))
    participant_id: str | None = attrs.field(default=None, validator=_typed(str, type(None)))
    field: str | None = attrs.field(default=None, validator=_typed(str, type(None)))

    @property
    def is_error(self) -> bool:
        """True when the issue is an error (not a warning)."""
        return self.severity is Severity.ERROR


@attrs.frozen(kw_only=True)
class Problem:
    """One reason a piece of wire data (JSON) was refused, with the JSON path it is about."""

    path: str = attrs.field(validator=_typed(str))
    message: str = attrs.field(validator=_typed(str))

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"
