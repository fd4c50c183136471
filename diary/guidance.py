"""Immediate safety guidance for an infection, symptom or infusion entry (DESIGN.md, "Safety
guidance"), computed synchronously in the write's response, before any background job.

Pure functions over plain facts: no database, no clock (`now` is a parameter). The clinical facts
(red flags, thresholds, windows) come from diary.clinical, which the PWA receives too, so the phone's
offline check and this module give the same level for the same entry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from . import clinical
from .clinical import ARTICLES

URGENT, CONTACT, ROUTINE = clinical.URGENT_LEVEL, clinical.CONTACT_LEVEL, clinical.ROUTINE_LEVEL

# The wording of each level; `{number}` is the emergency number (the PWA puts the local one,
# tappable). Served as is in the vocabulary.
MESSAGES = {
    "urgent_now": (
        "Call the emergency number ({number}) or go to the nearest emergency department now. "
        "Do not wait for your care team to reply."
    ),
    "urgent_past": (
        "If this is happening now, call the emergency number ({number}) or go to the nearest "
        "emergency department. Otherwise, tell your care team about it today."
    ),
    "contact_care_team": (
        "Get a medical assessment today: call your family doctor or the urgent-care line, and tell "
        "your care team. If any red flag appears — a rash that does not fade under a glass, blue lips, "
        "a fit, being very hard to wake or confused, too breathless to talk — call the emergency "
        "number ({number})."
    ),
    "routine": (
        "Saved to the diary. Keep watching for red flags — a rash that does not fade under a glass, "
        "blue lips, a fit, being very hard to wake or confused, too breathless to talk — and call the "
        "emergency number ({number}) if any appear."
    ),
}
# Entered more than RECENT_DAYS ago: saved for the care team, not a call to action now.
BACKFILLED_MESSAGE = (
    "This entry is dated more than {days} days ago, so it is saved for your care team to see. "
    "If these signs are happening now, call the emergency number ({number}) straight away."
)
POST_VACCINATION_NOTE = (
    "A fever in the two days after a baby's vaccination is common: give the dose of paracetamol "
    "the vaccination team advised and keep your baby cool. It does not change the advice above."
)
TEMPERATURE_REASONS = {
    clinical.HIGH: "A temperature of 40 °C or more is a red flag.",
    clinical.LOW: "A temperature below 36 °C can be a sign of sepsis.",
    clinical.INFANT: "A baby under 3 months with a temperature of 38 °C or more needs to be seen urgently.",
}
AMBER_REASON = "A baby aged 3 to 6 months with a temperature of 39 °C or more needs to be checked today."
PROLONGED_FEVER_REASON = "A fever that has lasted 5 days or more needs to be checked today."
SERIOUS_REASON = "Serious infections help your care team decide whether treatment needs to change."
VACCINATION_NOTE_MONTHS = 12  # "an infant vaccination": one given in the first year

KIND_ARTICLES = {
    "pneumonia": [ARTICLES["vaccines"], ARTICLES["infections"]],
    "meningitis": [ARTICLES["vaccines"]],
    "sepsis": [ARTICLES["vaccines"]],
    "otitis_media": [ARTICLES["infections"], ARTICLES["antibiotics"]],
    "sinusitis": [ARTICLES["infections"], ARTICLES["antibiotics"]],
    "thrush": [ARTICLES["infections"]],
    "abscess": [ARTICLES["infections"]],
}
# Every article slug guidance can name: a test checks each is a published article.
ARTICLES_NAMED = frozenset(
    {
        ARTICLES["urgent_care"],
        ARTICLES["diary"],
        ARTICLES["child"],
        ARTICLES["vaccines"],
        ARTICLES["immunoglobulin"],
        ARTICLES["infusions_at_home"],
        *(s for slugs in KIND_ARTICLES.values() for s in slugs),
    }
)


@dataclass(frozen=True)
class Guidance:
    level: str  # routine | contact_care_team | urgent
    message: str
    articles: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class History:
    """What guidance needs from the rest of the diary: the days with a fever (other entries of the
    last weeks) and the vaccinations of the last days (code, given_on)."""

    fever_days: tuple[date, ...] = ()
    vaccinations: tuple[tuple[str, date], ...] = ()


# The history, or how to read it: it is read only for an entry that shows a fever, the one case
# where the rest of the diary can change the advice (a prolonged fever, a baby's vaccination).
HistorySource = History | Callable[[], History]


@dataclass(frozen=True)
class Signals:
    """One entry, reduced to what decides its level."""

    day: date
    call_now: bool  # read in the last CALL_NOW_HOURS (an episode: ongoing, onset today or yesterday)
    urgent_reason: str | None = None
    contact_reason: str | None = None
    fever: bool = False
    articles: tuple[str, ...] = ()


def _unique(slugs: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(slugs))


def level_for(
    signals: Signals, *, date_of_birth: date, today: date, history: HistorySource | None
) -> Guidance:
    past = History()
    if signals.fever and history is not None:
        past = history() if callable(history) else history
    number = clinical.EMERGENCY_NUMBERS_TEXT
    child = clinical.is_child(date_of_birth, signals.day)
    child_articles = [ARTICLES["child"]] if child and signals.fever else []
    if signals.urgent_reason and clinical.is_recent(signals.day, today):
        template = MESSAGES["urgent_now" if signals.call_now else "urgent_past"]
        guidance = Guidance(
            URGENT,
            f"{signals.urgent_reason} {template.format(number=number)}",
            _unique([ARTICLES["urgent_care"], *signals.articles]),
        )
    elif signals.urgent_reason:
        message = BACKFILLED_MESSAGE.format(days=clinical.RECENT_DAYS, number=number)
        guidance = Guidance(CONTACT, message, _unique([ARTICLES["urgent_care"], *signals.articles]))
    else:
        reason = signals.contact_reason
        if reason is None and signals.fever and prolonged_fever(signals.day, past.fever_days):
            reason = PROLONGED_FEVER_REASON
        if reason:
            articles = [ARTICLES["urgent_care"], *child_articles, *signals.articles]
            message = f"{reason} {MESSAGES['contact_care_team'].format(number=number)}"
            guidance = Guidance(CONTACT, message, _unique(articles))
        else:
            articles = [*child_articles, *(signals.articles or [ARTICLES["diary"]])]
            guidance = Guidance(ROUTINE, MESSAGES["routine"].format(number=number), _unique(articles))
    if signals.fever and after_infant_vaccination(signals.day, date_of_birth, past.vaccinations):
        guidance = Guidance(
            guidance.level,
            f"{guidance.message} {POST_VACCINATION_NOTE}",
            _unique([*guidance.articles, ARTICLES["vaccines"]]),
        )
    return guidance


def prolonged_fever(day: date, fever_days: Iterable[date]) -> bool:
    return clinical.fever_run_days([*fever_days, day], through=day) >= clinical.PROLONGED_FEVER_DAYS


def after_infant_vaccination(
    day: date, date_of_birth: date, vaccinations: Iterable[tuple[str, date]]
) -> bool:
    if not clinical.is_younger_than(date_of_birth, day, months=VACCINATION_NOTE_MONTHS):
        return False
    within = clinical.POST_VACCINATION_HOURS // 24
    return any(
        vaccine in clinical.INFANT_VACCINES and 0 <= (day - given_on).days <= within
        for vaccine, given_on in vaccinations
    )


def temperature_reasons(
    temperature: Decimal | None, *, date_of_birth: date, on: date
) -> tuple[str | None, str | None]:
    """(urgent reason, amber reason) for one reading, the same for symptom and infection entries."""
    flag = clinical.temperature_flag(temperature, date_of_birth=date_of_birth, on=on)
    if flag:
        return TEMPERATURE_REASONS[flag], None
    if clinical.is_amber_temperature(temperature, date_of_birth=date_of_birth, on=on):
        return None, AMBER_REASON
    return None, None


def guidance_for_symptoms(
    *,
    symptoms: list[str],
    temperature_c: Decimal | None,
    recorded_at: datetime,
    date_of_birth: date,
    now: datetime,
    history: HistorySource | None = None,
) -> Guidance:
    """`recorded_at` and `now` in the same (local) timezone: their dates are the diary's days."""
    day = recorded_at.date()
    flags = [c.label for c in clinical.SYMPTOMS if c.red_flag and c.code in symptoms]
    urgent, amber = temperature_reasons(temperature_c, date_of_birth=date_of_birth, on=day)
    if flags:
        urgent = "These are red-flag signs: " + "; ".join(flags) + "."
    signals = Signals(
        day=day,
        call_now=now - recorded_at <= timedelta(hours=clinical.CALL_NOW_HOURS),
        urgent_reason=urgent,
        contact_reason=amber,
        fever=clinical.is_fever(symptoms=symptoms, temperature=temperature_c),
    )
    return level_for(signals, date_of_birth=date_of_birth, today=now.date(), history=history)


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
    now: datetime,
    history: HistorySource | None = None,
) -> Guidance:
    today = now.date()
    ongoing = resolved_on is None or resolved_on >= today
    urgent, amber = temperature_reasons(max_temperature_c, date_of_birth=date_of_birth, on=onset)
    if kind in clinical.URGENT_INFECTION_KINDS:
        urgent = f"{clinical.label_of(clinical.INFECTION_KINDS, kind)} is an emergency."
    elif severity in clinical.URGENT_SEVERITIES:
        urgent = "This infection was recorded as life-threatening."
    if urgent and not ongoing:
        urgent, amber = None, amber or SERIOUS_REASON  # over now: the care team needs to know
    severe = clinical.is_severe_episode(
        kind=kind, severity=severity, hospitalized=hospitalized, icu=icu, iv_antibiotics=iv_antibiotics
    )
    serious = severe or kind in clinical.SERIOUS_INFECTION_KINDS
    signals = Signals(
        day=onset,
        call_now=ongoing and onset >= today - timedelta(days=1),
        urgent_reason=urgent,
        contact_reason=amber or (SERIOUS_REASON if serious else None),
        fever=clinical.is_fever(temperature=max_temperature_c),
        articles=tuple(KIND_ARTICLES.get(kind, [ARTICLES["diary"]])),
    )
    return level_for(signals, date_of_birth=date_of_birth, today=today, history=history)


# `{reactions}`: the red-flag reactions' labels, joined by "; " (the PWA's offline check says the same).
INFUSION_RED_FLAG_REASON = (
    "These are red-flag reactions: {reactions}. If the infusion is still running, stop it."
)
HEADACHE_AFTER_IV_REASON = (
    "A headache in the days after an immunoglobulin infusion into a vein can be a sign of "
    "aseptic meningitis (an inflammation of the lining of the brain) and needs an urgent medical "
    "assessment today."
)


def guidance_for_infusion(
    *,
    reactions: list[str],
    route: str,
    given_on: date,
    date_of_birth: date,
    now: datetime,
    history: HistorySource | None = None,
) -> Guidance:
    """A red-flag reaction (breathing difficulty, swelling of the face or throat, a severe headache
    with a stiff neck) is urgent; a headache within days of an IV infusion needs an assessment
    today (aseptic meningitis)."""
    today = now.date()
    flags = [c.label for c in clinical.INFUSION_REACTIONS if c.red_flag and c.code in reactions]
    urgent = contact = None
    if flags:
        urgent = INFUSION_RED_FLAG_REASON.format(reactions="; ".join(flags))
    elif (
        route == clinical.HEADACHE_ROUTE
        and clinical.HEADACHE_REACTIONS.intersection(reactions)
        and clinical.in_window(given_on, today, clinical.HEADACHE_WATCH_DAYS)
    ):
        contact = HEADACHE_AFTER_IV_REASON
    signals = Signals(
        day=given_on,
        call_now=(today - given_on).days <= 1,
        urgent_reason=urgent,
        contact_reason=contact,
        articles=(ARTICLES["infusions_at_home"],),
    )
    return level_for(signals, date_of_birth=date_of_birth, today=today, history=history)
