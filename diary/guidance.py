"""Immediate safety guidance for an infection or symptom entry.

Computed synchronously from the red-flag and severity rules in DESIGN.md, before any
background job, so a person logging a red flag is told at once to seek urgent care.
Pure functions: no database, no clock (the day is a parameter).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from .immune_vocab import HEADACHE_REACTIONS, HEADACHE_WATCH_DAYS, RED_FLAG_REACTIONS

RED_FLAG_SYMPTOMS = frozenset(
    {
        "stiff_neck",
        "non_blanching_rash",
        "confusion",
        "seizure",
        "difficulty_breathing",
        "hard_to_wake",
        "blue_lips",
    }
)
URGENT_CARE_ARTICLE = "when-to-seek-urgent-care"
EMERGENCY_NUMBERS = "999 in the UK, 112 in Europe, 911 in the US"
# The urgent rules look at entries from the last 14 days; older ones are history (DESIGN.md).
RECENT_DAYS = 14

URGENT_INFECTION_KINDS = frozenset({"sepsis", "meningitis"})
SERIOUS_INFECTION_KINDS = frozenset({"sepsis", "meningitis", "osteomyelitis", "pneumonia", "abscess"})

KIND_ARTICLES = {
    "pneumonia": ["vaccines", "infections-and-warning-signs"],
    "meningitis": ["vaccines"],
    "sepsis": ["vaccines"],
    "otitis_media": ["infections-and-warning-signs", "antibiotics-and-prophylaxis"],
    "sinusitis": ["infections-and-warning-signs", "antibiotics-and-prophylaxis"],
    "thrush": ["infections-and-warning-signs"],
    "abscess": ["infections-and-warning-signs"],
}
DIARY_ARTICLE = "keeping-an-infection-diary"
CHILD_ARTICLE = "caring-for-a-child"
# The edu engineer's `immunoglobulin-infusions-at-home` replaces this slug once it is published.
INFUSION_ARTICLE = "immunoglobulin-treatment"
# Every article slug guidance can name: a test checks each is a published article.
ARTICLES_NAMED = frozenset(
    {
        URGENT_CARE_ARTICLE,
        DIARY_ARTICLE,
        CHILD_ARTICLE,
        INFUSION_ARTICLE,
        *(s for slugs in KIND_ARTICLES.values() for s in slugs),
    }
)

URGENT_MESSAGE = (
    "Seek urgent care now: call the emergency number ({numbers}) or go to the nearest "
    "emergency department. {reason} Do not wait for your care team to reply."
)
PAST_RED_FLAG_MESSAGE = (
    "This entry is dated more than {days} days ago, so it is saved for your care team to see. "
    "If these signs are happening now, call the emergency number ({numbers}) straight away."
)
CONTACT_MESSAGE = (
    "Contact your care team today about this. {reason} If any red flag appears — a rash that "
    "does not fade under a glass, blue lips, a fit, being very hard to wake or confused, too "
    "breathless to talk — call the emergency number ({numbers})."
)
ROUTINE_MESSAGE = (
    "Saved to the diary. Keep watching for red flags — a rash that does not fade under a glass, "
    "blue lips, a fit, being very hard to wake or confused, too breathless to talk — and call the "
    "emergency number ({numbers}) if any appear."
)


@dataclass(frozen=True)
class Guidance:
    level: str  # routine | contact_care_team | urgent
    message: str
    articles: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def is_child(date_of_birth: date, on: date) -> bool:
    return relativedelta(on, date_of_birth).years < 18


def is_under_3_months(date_of_birth: date, on: date) -> bool:
    return on < date_of_birth + relativedelta(months=3)


def is_3_to_6_months(date_of_birth: date, on: date) -> bool:
    return date_of_birth + relativedelta(months=3) <= on < date_of_birth + relativedelta(months=6)


# Entries may be dated a day ahead of the server's UTC date (a phone east of UTC is already on
# tomorrow); such an entry counts as today's, everywhere a window is counted.
DATE_TOLERANCE = timedelta(days=1)


def in_window(day: date, on: date, window_days: int) -> bool:
    """Whether `day` is one of the `window_days` days ending with (and including) `on`."""
    return on - timedelta(days=window_days - 1) <= day <= on + DATE_TOLERANCE


def is_recent(entry_day: date, today: date) -> bool:
    return in_window(entry_day, today, RECENT_DAYS)


def temperature_red_flag(temperature: Decimal | None, *, date_of_birth: date, on: date) -> str | None:
    """Why a temperature is a red flag (DESIGN.md, red_flag_symptoms), or None."""
    if temperature is None:
        return None
    if temperature >= Decimal("40.0"):
        return "A temperature of 40 °C or more is a red flag."
    if temperature < Decimal("36.0"):
        return "A temperature below 36 °C can be a sign of sepsis."
    if temperature >= Decimal("38.0") and is_under_3_months(date_of_birth, on):
        return "A baby under 3 months with a temperature of 38 °C or more needs to be seen urgently."
    return None


def _urgent(reason: str, extra: list[str] | None = None) -> Guidance:
    return Guidance(
        "urgent",
        URGENT_MESSAGE.format(numbers=EMERGENCY_NUMBERS, reason=reason),
        [URGENT_CARE_ARTICLE, *(extra or [])],
    )


def _contact(reason: str, articles: list[str]) -> Guidance:
    return Guidance(
        "contact_care_team",
        CONTACT_MESSAGE.format(numbers=EMERGENCY_NUMBERS, reason=reason),
        articles,
    )


def _routine(articles: list[str]) -> Guidance:
    return Guidance("routine", ROUTINE_MESSAGE.format(numbers=EMERGENCY_NUMBERS), articles)


def _past(articles: list[str]) -> Guidance:
    message = PAST_RED_FLAG_MESSAGE.format(days=RECENT_DAYS, numbers=EMERGENCY_NUMBERS)
    return Guidance("contact_care_team", message, [URGENT_CARE_ARTICLE, *articles])


def guidance_for_symptoms(
    *,
    symptoms: list[str],
    temperature_c: Decimal | None,
    recorded_on: date,
    date_of_birth: date,
    today: date,
) -> Guidance:
    flags = sorted(RED_FLAG_SYMPTOMS.intersection(symptoms))
    reason = None
    if flags:
        reason = "These are red-flag signs: " + ", ".join(code.replace("_", " ") for code in flags) + "."
    reason = reason or temperature_red_flag(temperature_c, date_of_birth=date_of_birth, on=recorded_on)
    if reason:
        return _urgent(reason) if is_recent(recorded_on, today) else _past([])
    if (
        temperature_c is not None
        and temperature_c >= Decimal("39.0")
        and is_3_to_6_months(date_of_birth, recorded_on)
    ):
        return _contact(
            "A baby aged 3 to 6 months with a temperature of 39 °C or more needs to be checked.",
            [URGENT_CARE_ARTICLE, CHILD_ARTICLE],
        )
    articles = [CHILD_ARTICLE] if "fever" in symptoms and is_child(date_of_birth, recorded_on) else []
    return _routine([*articles, DIARY_ARTICLE])


def guidance_for_infection(
    *,
    kind: str,
    severity: str,
    onset: date,
    resolved_on: date | None,
    hospitalized: bool,
    icu: bool,
    iv_antibiotics: bool,
    max_temperature_c: Decimal | None,
    date_of_birth: date,
    today: date,
) -> Guidance:
    articles = KIND_ARTICLES.get(kind, [DIARY_ARTICLE])
    ongoing = resolved_on is None or resolved_on >= today
    reason = None
    if kind in URGENT_INFECTION_KINDS:
        reason = f"{kind.capitalize()} is an emergency."
    elif severity == "life_threatening" or icu:
        reason = "This infection was recorded as life-threatening."
    else:
        reason = temperature_red_flag(max_temperature_c, date_of_birth=date_of_birth, on=onset)
    if reason and ongoing and is_recent(onset, today):
        return _urgent(reason, articles)
    if reason or severity == "severe" or hospitalized or iv_antibiotics or kind in SERIOUS_INFECTION_KINDS:
        why = reason or "Serious infections help your care team decide whether treatment needs to change."
        return _contact(why, articles)
    return _routine(articles)


HEADACHE_AFTER_IV_REASON = (
    "A headache in the days after an immunoglobulin infusion into a vein can be a sign of "
    "aseptic meningitis (an inflammation of the lining of the brain) and needs an urgent medical "
    "assessment today: call your family doctor or urgent-care line and tell your care team."
)


def guidance_for_infusion(*, reactions: list[str], route: str, given_on: date, today: date) -> Guidance:
    """A red-flag reaction (breathing difficulty, swelling of the face or throat, a severe headache
    with a stiff neck) is urgent; a headache within days of an IV infusion needs an urgent
    assessment (aseptic meningitis)."""
    articles = [INFUSION_ARTICLE]
    flags = sorted(RED_FLAG_REACTIONS.intersection(reactions))
    if flags:
        reason = (
            "These are red-flag reactions: "
            + ", ".join(code.replace("_", " ") for code in flags)
            + ". If the infusion is still running, stop it."
        )
        return _urgent(reason, articles) if is_recent(given_on, today) else _past(articles)
    if (
        route == "iv"
        and HEADACHE_REACTIONS.intersection(reactions)
        and in_window(given_on, today, HEADACHE_WATCH_DAYS)
    ):
        return _contact(HEADACHE_AFTER_IV_REASON, [URGENT_CARE_ARTICLE, *articles])
    return _routine(articles)
