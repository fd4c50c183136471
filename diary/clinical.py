"""The clinical facts, in one place: every code and its one label, the red flags, temperature
thresholds and the infant clauses, kind sets, windows, age bands and the alert rule table.

Pure: no ORM, no clock (the day is always a parameter). Models' choices, serializers, safety
guidance, the alert rules, the summary, the clinic and — through GET /api/v1/vocabulary — the
PWA all read from here; nothing else keeps a copy. Sources: ../shared/CLINICAL-SOURCES.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta


@dataclass(frozen=True)
class Code:
    code: str
    label: str  # the family-facing words: the PWA, the clinic and the PDF all show these
    red_flag: bool = False


def codes(*pairs: tuple[str, str]) -> tuple[Code, ...]:
    return tuple(Code(code, label) for code, label in pairs)


def flagged(*triples: tuple[str, str, bool]) -> tuple[Code, ...]:
    return tuple(Code(code, label, red) for code, label, red in triples)


def choices(table: tuple[Code, ...]) -> list[tuple[str, str]]:
    """Django `choices` for a model or serializer field."""
    return [(c.code, c.label) for c in table]


def label_of(table: tuple[Code, ...], code: str) -> str:
    return next((c.label for c in table if c.code == code), code)


# --- codes and labels ------------------------------------------------------------------------

INFECTION_KINDS = codes(
    ("otitis_media", "Ear infection (otitis media)"),
    ("sinusitis", "Sinus infection"),
    ("pneumonia", "Pneumonia"),
    ("bronchitis", "Bronchitis"),
    ("upper_respiratory", "Cold or upper respiratory infection"),
    ("pharyngitis", "Sore throat (pharyngitis)"),
    ("skin_infection", "Skin infection"),
    ("abscess", "Abscess"),
    ("gastrointestinal", "Stomach or gut infection"),
    ("urinary_tract", "Urinary tract infection"),
    ("thrush", "Thrush (fungal)"),
    ("sepsis", "Sepsis"),
    ("meningitis", "Meningitis"),
    ("osteomyelitis", "Bone infection (osteomyelitis)"),
    ("viral_other", "Other viral infection"),
    ("other", "Other"),
)
SEVERITIES = codes(
    ("mild", "Mild"),
    ("moderate", "Moderate"),
    ("severe", "Severe"),
    ("life_threatening", "Life-threatening"),
)
# Red flags (NICE NG143 red features, NG253/NG254 high-risk criteria) lead the symptom screen.
SYMPTOMS = flagged(
    ("fever", "Fever", False),
    ("cough", "Cough", False),
    ("ear_pain", "Ear pain", False),
    ("sore_throat", "Sore throat", False),
    ("runny_nose", "Runny nose", False),
    ("sinus_pain", "Sinus pain", False),
    ("fatigue", "Tiredness", False),
    ("diarrhea", "Diarrhoea", False),
    ("vomiting", "Vomiting", False),
    ("rash", "Rash that fades under a glass", False),
    ("joint_pain", "Joint pain", False),
    ("headache", "Headache", False),
    ("shortness_of_breath", "Short of breath", False),
    ("stiff_neck", "Stiff neck (cannot touch chin to chest)", True),
    ("non_blanching_rash", "A rash that does not fade when a glass is pressed on it", True),
    ("confusion", "Confused or not making sense", True),
    ("seizure", "A fit (seizure)", True),
    ("difficulty_breathing", "Struggling to breathe, or too breathless to talk", True),
    ("hard_to_wake", "Very hard to wake, or floppy", True),
    ("blue_lips", "Blue or grey lips, tongue or skin", True),
)
TREATMENT_KINDS = codes(
    ("antibiotic", "Antibiotic"),
    ("immunoglobulin", "Immunoglobulin (IVIG or SCIG)"),
    ("antiviral", "Antiviral"),
    ("antifungal", "Antifungal"),
    ("other", "Other"),
)
TREATMENT_ROUTES = codes(
    ("oral", "By mouth"),
    ("iv", "Into a vein (IV)"),
    ("im", "Injection into a muscle"),
    ("subcutaneous", "Under the skin"),
    ("topical", "On the skin"),
)
VACCINES = codes(
    ("PCV13", "PCV13"),
    ("PCV15", "PCV15"),
    ("PCV20", "PCV20"),
    ("PCV21", "PCV21"),
    ("PPSV23", "PPSV23"),
    ("Hib", "Hib"),
    ("MenACWY", "MenACWY"),
    ("MenB", "MenB"),
    ("influenza", "Flu (influenza)"),
    ("COVID-19", "COVID-19"),
    ("other", "Other"),
)
ANALYTES = codes(
    ("IgM", "IgM"),
    ("IgG", "IgG"),
    ("IgA", "IgA"),
    ("IgE", "IgE"),
    ("IgG1", "IgG1"),
    ("IgG2", "IgG2"),
    ("IgG3", "IgG3"),
    ("IgG4", "IgG4"),
    ("pneumococcal_titer", "Pneumococcal antibody titre"),
    ("other", "Other"),
)
LAB_UNITS = codes(("mg/dL", "mg/dL"), ("g/L", "g/L"), ("ug/mL", "µg/mL"), ("other", "Other"))
SEXES = codes(("female", "Female"), ("male", "Male"), ("other", "Other"), ("unknown", "Not given"))
RELATIONSHIPS = codes(("self", "Myself"), ("child", "My child"), ("other", "Someone I care for"))
INFUSION_ROUTES = codes(("iv", "Into a vein (IVIG)"), ("subcutaneous", "Under the skin (SCIG)"))
INFUSION_REACTIONS = flagged(
    ("none_reported", "No reaction", False),
    ("site_swelling", "Swelling or redness where the needle went in", False),
    ("headache", "Headache", False),
    ("fever_chills", "Fever or chills", False),
    ("nausea", "Feeling sick", False),
    ("fatigue", "Tiredness", False),
    ("rash", "Rash", False),
    ("breathing_difficulty", "Difficulty breathing or wheezing", True),
    ("face_or_throat_swelling", "Swelling of the face, lips or throat", True),
    ("severe_headache_stiff_neck", "Severe headache with a stiff neck", True),
)
TITRE_TIMINGS = codes(("pre", "Before the vaccine"), ("post", "After the vaccine"))
ALERT_STATUSES = codes(("open", "Open"), ("acknowledged", "Acknowledged"), ("resolved", "Resolved"))
URGENT, ROUTINE = "urgent", "routine"
ALERT_PRIORITIES = codes((URGENT, "Urgent"), (ROUTINE, "Routine"))
ROUTINE_LEVEL, CONTACT_LEVEL, URGENT_LEVEL = "routine", "contact_care_team", "urgent"
GUIDANCE_LEVELS = codes(
    (ROUTINE_LEVEL, "Saved"),
    (CONTACT_LEVEL, "Get a same-day medical assessment"),
    (URGENT_LEVEL, "Seek urgent care"),
)

# The vocabulary's enum names (API contract), each a table above.
ENUMS: dict[str, tuple[Code, ...]] = {
    "infection_kind": INFECTION_KINDS,
    "severity": SEVERITIES,
    "treatment_kind": TREATMENT_KINDS,
    "treatment_route": TREATMENT_ROUTES,
    "vaccine": VACCINES,
    "analyte": ANALYTES,
    "lab_unit": LAB_UNITS,
    "sex": SEXES,
    "relationship": RELATIONSHIPS,
    "infusion_route": INFUSION_ROUTES,
    "titre_timing": TITRE_TIMINGS,
    "alert_status": ALERT_STATUSES,
    "alert_priority": ALERT_PRIORITIES,
}

RED_FLAG_SYMPTOMS = frozenset(c.code for c in SYMPTOMS if c.red_flag)
RED_FLAG_REACTIONS = frozenset(c.code for c in INFUSION_REACTIONS if c.red_flag)
NO_REACTION = "none_reported"


def reactions_labelled(reactions: list[str]) -> list[tuple[str, bool]]:
    """(family-facing label, is a red flag) for each infusion reaction code, in the order given."""
    return [(label_of(INFUSION_REACTIONS, code), code in RED_FLAG_REACTIONS) for code in reactions]


def reactions_in_words(reactions: list[str]) -> str:
    """The reactions on one line, each red flag said in words ("…, Headache"); "" for none."""
    return ", ".join(
        f"{label} (red flag)" if red_flag else label
        for label, red_flag in reactions_labelled([code for code in reactions if code != NO_REACTION])
    )


# A headache in the days after an IV infusion can be aseptic meningitis (usually within 48 hours,
# sometimes a little later): the day of the infusion and the two days after it.
HEADACHE_WATCH_DAYS = 3
HEADACHE_REACTIONS = frozenset({"headache", "severe_headache_stiff_neck"})
HEADACHE_ROUTE = "iv"  # the watch is for infusions into a vein (IVIG)
FEVER_CODE = "fever"

# --- kind sets ---------------------------------------------------------------------------------

# Guidance: these kinds and this severity are an emergency when recent.
URGENT_INFECTION_KINDS = frozenset({"sepsis", "meningitis"})
URGENT_SEVERITIES = frozenset({"life_threatening"})
# severe_infection: these kinds, these severities, or hospital, ICU or IV antibiotics.
SEVERE_INFECTION_KINDS = frozenset({"sepsis", "meningitis", "osteomyelitis"})
SEVERE_SEVERITIES = frozenset({"severe", "life_threatening"})


def is_severe_episode(
    *, kind: str, severity: str, hospitalized: bool, icu: bool, iv_antibiotics: bool
) -> bool:
    """What makes an infection episode severe (the severe_infection rule)."""
    return (
        severity in SEVERE_SEVERITIES
        or hospitalized
        or icu
        or iv_antibiotics
        or kind in SEVERE_INFECTION_KINDS
    )


def episode_is_severe(episode: Any) -> bool:
    """The same, for anything with those attributes (a model row, the rules' plain facts)."""
    return is_severe_episode(
        kind=episode.kind,
        severity=episode.severity,
        hospitalized=episode.hospitalized,
        icu=episode.icu,
        iv_antibiotics=episode.iv_antibiotics,
    )


DEEP_SEATED_KINDS = frozenset({"sepsis", "meningitis", "osteomyelitis", "abscess"})
# The summary's "serious infections" (and a non-urgent reason to tell the care team today).
SERIOUS_INFECTION_KINDS = frozenset({"pneumonia", "sepsis", "meningitis", "osteomyelitis", "abscess"})
ANTIBIOTIC = "antibiotic"
TOPICAL = "topical"
THRUSH = "thrush"
# Vaccines given to infants whose common after-effect is a fever within 48 hours (NICE NG143).
INFANT_VACCINES = frozenset({"PCV13", "PCV15", "PCV20", "PCV21", "Hib", "MenB", "MenACWY", "other"})

# --- temperatures (°C) -------------------------------------------------------------------------

RED_FLAG_HIGH_C = Decimal("40.0")
RED_FLAG_LOW_C = Decimal("36.0")
FEVER_C = Decimal("38.0")
INFANT_FEVER_C = Decimal("38.0")  # under INFANT_MONTHS: a red flag (NICE NG143)
INFANT_MONTHS = 3
AMBER_FEVER_C = Decimal("39.0")  # from AMBER_MONTHS[0] to AMBER_MONTHS[1]: amber (NICE NG143)
AMBER_MONTHS = (3, 6)

# --- windows -----------------------------------------------------------------------------------

RECENT_DAYS = 14  # the urgent rules and urgent guidance look at the last 14 days
CALL_NOW_HOURS = 24  # "call now" in the present tense only for readings this fresh
PROLONGED_FEVER_DAYS = 5  # fever on entries spanning this many days (NICE NG143: ≥ 5 days)
PROLONGED_FEVER_GAP_DAYS = 2  # ... with no gap between entries longer than this
POST_VACCINATION_HOURS = 48
THRUSH_UNRESOLVED_DAYS = 30
URGENT_COLLAPSE_HOURS = 24  # an open urgent alert this young takes the next entry as evidence
URGENT_MIN_WINDOW_DAYS, URGENT_MAX_WINDOW_DAYS = 2, RECENT_DAYS
# Entries may be dated a day ahead of the server's UTC date (a phone east of UTC is already on
# tomorrow); such an entry counts as today's, everywhere a window is counted.
DATE_TOLERANCE = timedelta(days=1)


def in_window(day: date, on: date, window_days: int) -> bool:
    """Whether `day` is one of the `window_days` days ending with (and including) `on`."""
    return on - timedelta(days=window_days - 1) <= day <= on + DATE_TOLERANCE


def is_recent(day: date, on: date) -> bool:
    return in_window(day, on, RECENT_DAYS)


# --- age bands ---------------------------------------------------------------------------------

CHILD_UNTIL_YEARS = 18
CHILD, ADULT = "child", "adult"


def age_in_years(date_of_birth: date, on: date) -> int:
    """Completed years, as dateutil's relativedelta counts them (a 29 February birthday falls on
    the 28th in other years), without its cost: the rules ask this for every profile."""
    try:
        birthday = date_of_birth.replace(year=on.year)
    except ValueError:  # 29 February, in a year without one
        birthday = date(on.year, 2, 28)
    return on.year - date_of_birth.year - (on < birthday)


def is_child(date_of_birth: date, on: date) -> bool:
    return age_in_years(date_of_birth, on) < CHILD_UNTIL_YEARS


def age_band(date_of_birth: date, on: date) -> str:
    return CHILD if is_child(date_of_birth, on) else ADULT


def is_younger_than(date_of_birth: date, on: date, *, months: int) -> bool:
    return on < date_of_birth + relativedelta(months=months)


def is_infant(date_of_birth: date, on: date) -> bool:
    """Under INFANT_MONTHS on that day: the infant fever clause applies."""
    return is_younger_than(date_of_birth, on, months=INFANT_MONTHS)


def is_amber_age(date_of_birth: date, on: date) -> bool:
    low, high = AMBER_MONTHS
    return date_of_birth + relativedelta(months=low) <= on < date_of_birth + relativedelta(months=high)


# --- temperatures: the red-flag clause -------------------------------------------------------

HIGH, LOW, INFANT = "high", "low", "infant"


def temperature_flag(temperature: Decimal | None, *, date_of_birth: date, on: date) -> str | None:
    """Why a reading is a red flag — HIGH, LOW or INFANT — or None. `on` is the reading's day:
    the infant clause uses the age on that day."""
    if temperature is None:
        return None
    if temperature >= RED_FLAG_HIGH_C:
        return HIGH
    if temperature < RED_FLAG_LOW_C:
        return LOW
    if temperature >= INFANT_FEVER_C and is_infant(date_of_birth, on):
        return INFANT
    return None


def is_amber_temperature(temperature: Decimal | None, *, date_of_birth: date, on: date) -> bool:
    return temperature is not None and temperature >= AMBER_FEVER_C and is_amber_age(date_of_birth, on)


def is_fever(*, symptoms: tuple[str, ...] | list[str] = (), temperature: Decimal | None = None) -> bool:
    return FEVER_CODE in symptoms or (temperature is not None and temperature >= FEVER_C)


def fever_run_days(days: list[date], *, through: date) -> int:
    """How many days the run of fever days ending on `through` spans, where a run allows gaps of
    up to PROLONGED_FEVER_GAP_DAYS days without a fever entry (0 when `through` is not a fever day)."""
    earlier = sorted({d for d in days if d <= through}, reverse=True)
    if not earlier or earlier[0] != through:
        return 0
    start = through
    for day in earlier[1:]:
        if (start - day).days - 1 > PROLONGED_FEVER_GAP_DAYS:
            break
        start = day
    return (through - start).days + 1


# --- the alert rule table ------------------------------------------------------------------------


@dataclass(frozen=True)
class Threshold:
    count: int
    window_days: int
    enabled: bool = True


@dataclass(frozen=True)
class RuleSpec:
    code: str
    label: str
    priority: str
    unit: str  # what `count` counts: "entries", "episodes", "days", "courses"
    child: Threshold
    adult: Threshold
    summary: str  # {n} evidence, {threshold}, {window} days
    min_window_days: int | None = None
    max_window_days: int | None = None

    @property
    def can_disable(self) -> bool:
        return self.priority == ROUTINE

    @property
    def fixed_count(self) -> bool:
        """Urgent rules fire on one entry; only their window is tunable."""
        return self.priority == URGENT

    def default(self, band: str) -> Threshold:
        return self.child if band == CHILD else self.adult

    def problems(self, *, enabled: bool, count: int, window_days: int) -> dict[str, str]:
        """What is wrong with a team's choice for this rule (empty when it is within the bounds)."""
        wrong = {}
        if not enabled and not self.can_disable:
            wrong["enabled"] = "Urgent rules cannot be switched off."
        if self.fixed_count and count != 1:
            wrong["threshold"] = "This rule fires on a single entry; only its window can change."
        if count < 1:
            wrong["threshold"] = "Must be at least 1."
        low, high = self.min_window_days or 1, self.max_window_days or 3650
        if not low <= window_days <= high:
            wrong["window_days"] = f"Must be between {low} and {high} days."
        return wrong


def urgent(code: str, label: str, summary: str) -> RuleSpec:
    default = Threshold(1, RECENT_DAYS)
    return RuleSpec(
        code,
        label,
        URGENT,
        "entries",
        default,
        default,
        summary,
        URGENT_MIN_WINDOW_DAYS,
        URGENT_MAX_WINDOW_DAYS,
    )


def routine(
    code: str,
    label: str,
    child: tuple[int, int],
    adult: tuple[int, int],
    summary: str,
    unit: str = "episodes",
) -> RuleSpec:
    return RuleSpec(code, label, ROUTINE, unit, Threshold(*child), Threshold(*adult), summary)


RULE_TABLE: tuple[RuleSpec, ...] = (
    urgent(
        "severe_infection", "Severe infection", "A severe infection was logged in the last {window} days."
    ),
    urgent("red_flag_symptoms", "Red-flag symptoms", "Red-flag signs were logged in the last {window} days."),
    urgent(
        "infusion_reaction",
        "Infusion reaction",
        "A serious reaction to an immunoglobulin infusion in the last {window} days.",
    ),
    routine(
        "recurrent_ear_infections",
        "Recurrent ear infections",
        (4, 365),
        (2, 365),
        "{n} ear infections in {window} days (threshold {threshold}).",
    ),
    routine(
        "recurrent_sinus_infections",
        "Recurrent sinus infections",
        (2, 365),
        (2, 365),
        "{n} sinus infections in {window} days (threshold {threshold}).",
    ),
    routine(
        "recurrent_pneumonia",
        "Recurrent pneumonia",
        (2, 365),
        (2, 730),
        "{n} pneumonias in {window} days (threshold {threshold}).",
    ),
    routine(
        "deep_seated_infections",
        "Deep-seated infections",
        (2, 730),
        (2, 730),
        "{n} deep-seated infections in {window} days (threshold {threshold}).",
    ),
    routine(
        "prolonged_antibiotics",
        "Prolonged antibiotics",
        (60, 365),
        (60, 365),
        "At least {threshold} days on antibiotics in {window} days ({n} courses).",
        "days",
    ),
    routine(
        "frequent_antibiotic_courses",
        "Frequent antibiotic courses",
        (5, 365),
        (3, 365),
        "{n} antibiotic courses started in {window} days (threshold {threshold}).",
        "courses",
    ),
    routine(
        "recurrent_iv_antibiotics",
        "Recurrent IV antibiotics",
        (2, 365),
        (2, 365),
        "{n} infections needing IV antibiotics in {window} days (threshold {threshold}).",
    ),
    routine(
        "persistent_thrush",
        "Persistent thrush",
        (2, 365),
        (2, 365),
        "Persistent or repeated thrush ({n} episodes).",
    ),
)
RULE_SPECS: dict[str, RuleSpec] = {spec.code: spec for spec in RULE_TABLE}
URGENT_RULES = frozenset(code for code, spec in RULE_SPECS.items() if spec.priority == URGENT)

# --- articles and emergency numbers --------------------------------------------------------------

ARTICLES = {
    "urgent_care": "when-to-seek-urgent-care",
    "diary": "keeping-an-infection-diary",
    "child": "caring-for-a-child",
    "infections": "infections-and-warning-signs",
    "antibiotics": "antibiotics-and-prophylaxis",
    "vaccines": "vaccines",
    "immunoglobulin": "immunoglobulin-treatment",
    "infusions_at_home": "immunoglobulin-infusions-at-home",
    "vaccine_responses": "vaccine-responses",
}
# Numbers to call in an emergency, by ISO 3166 country; 112 works across the EU and on GSM phones.
EMERGENCY_NUMBERS = {
    "default": "112",
    "GB": "999",
    "IE": "112",
    "US": "911",
    "CA": "911",
    "MX": "911",
    "AU": "000",
    "NZ": "111",
    "IN": "112",
    "ZA": "112",
    "JP": "119",
    "KR": "119",
    "CN": "120",
    "BR": "192",
    "CH": "144",
    "IL": "101",
}
# Said on the server, which cannot know where the reader is; the PWA names the local number.
EMERGENCY_NUMBERS_TEXT = "999 in the UK, 112 in Europe, 911 in North America"


# --- the immune record ------------------------------------------------------------------------

# Infections per month "on therapy": a day counts as on immunoglobulin therapy when an infusion
# was given on it or in the 34 days before — ON_THERAPY_DAYS days, the infusion's own counted (IVIG is given every 3–4 weeks, SCIG every 1–2 weeks;
# IgG's half-life is about 3–4 weeks), so a late infusion does not flip the patient to "off".
ON_THERAPY_DAYS = 35
DAYS_PER_MONTH = 365.25 / 12

# Growth centiles: the UK-WHO charts as implemented by the RCPCH's rcpchgrowth library (WHO 2006
# growth standard from 2 weeks to 4 years, UK90 reference from birth to 2 weeks and 4 to 20
# years). The diary gives centiles to children only (under child_until_years, 18) and assumes
# birth at term (no gestation is recorded); adults, other ages and a sex other than female or male
# get their values without a centile.
GROWTH_REFERENCE = "uk-who"
GROWTH_REFERENCE_LABEL = "UK-WHO growth charts (RCPCH rcpchgrowth)"
GROWTH_SEXES = frozenset({"female", "male"})
# Said wherever centiles are shown (the clinic, the PDF): which reference, for which ages.
GROWTH_REFERENCE_SCOPE = (
    "Centiles for children under 18, for age and sex, assuming birth at term: WHO 2006 standard "
    "from 2 weeks to 4 years, UK90 from birth to 2 weeks and from 4 years. Adults, a sex other than "
    "female or male, and values the library rejects as implausible are shown without a centile."
)

# Plausible bounds of a single measurement, far outside any real person: a typing error, not a
# centile question. The smallest surviving babies weigh about 0.25 kg and measure about 20 cm.
WEIGHT_KG_MIN, WEIGHT_KG_MAX = 0.2, 400
HEIGHT_CM_MIN, HEIGHT_CM_MAX = 20, 275

# LOINC codes of the FHIR vital-signs profiles (hl7.org/fhir/R4B/bodyweight.html and
# bodyheight.html fix these codes, with UCUM units kg and cm), as (code, display, UCUM unit).
VITAL_SIGN_LOINC = {
    "weight": ("29463-7", "Body weight", "kg"),
    "height": ("8302-2", "Body height", "cm"),
}
