"""The alert rules of DESIGN.md as pure functions over plain facts.

No ORM and no clock: the evaluation day is a parameter, so every rule is testable at its
boundaries without a database. "The last N days" means the N days ending with (and
including) the evaluation day.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

# The diary's safety rules are the single source of what a red flag is.
from diary.guidance import RECENT_DAYS, RED_FLAG_SYMPTOMS, in_window, is_child, temperature_red_flag
from diary.immune_vocab import RED_FLAG_REACTIONS
from diary.selectors import covered_days

URGENT, ROUTINE = "urgent", "routine"
CHILD, ADULT = "child", "adult"

SEVERE_KINDS = frozenset({"sepsis", "meningitis", "osteomyelitis"})
DEEP_SEATED_KINDS = frozenset({"sepsis", "meningitis", "osteomyelitis", "abscess"})


@dataclass(frozen=True)
class Episode:
    id: str
    kind: str
    onset: date
    severity: str = "mild"
    resolved_on: date | None = None
    hospitalized: bool = False
    icu: bool = False
    iv_antibiotics: bool = False


@dataclass(frozen=True)
class Symptoms:
    id: str
    recorded_on: date
    symptoms: tuple[str, ...] = ()
    temperature_c: Decimal | None = None


@dataclass(frozen=True)
class Treatment:
    id: str
    kind: str
    started_on: date
    ended_on: date | None = None
    prophylactic: bool = False


@dataclass(frozen=True)
class Infusion:
    id: str
    given_on: date
    reactions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Facts:
    date_of_birth: date
    episodes: tuple[Episode, ...] = ()
    symptoms: tuple[Symptoms, ...] = ()
    treatments: tuple[Treatment, ...] = ()
    infusions: tuple[Infusion, ...] = ()

    def without(self, entry_ids: frozenset[str]) -> Facts:
        """The same facts minus entries already accounted for (evidence of resolved alerts)."""
        return replace(
            self,
            episodes=tuple(e for e in self.episodes if e.id not in entry_ids),
            symptoms=tuple(s for s in self.symptoms if s.id not in entry_ids),
            treatments=tuple(t for t in self.treatments if t.id not in entry_ids),
            infusions=tuple(i for i in self.infusions if i.id not in entry_ids),
        )


@dataclass(frozen=True)
class Threshold:
    count: int
    window_days: int
    enabled: bool = True


@dataclass(frozen=True)
class RuleSetting:
    """A team's choice for one rule: on or off, and a threshold per age band."""

    rule: str
    enabled: bool
    child: Threshold
    adult: Threshold


@dataclass(frozen=True)
class Finding:
    rule: str
    priority: str
    threshold: int
    window_days: int
    evidence: tuple[tuple[str, str], ...]  # (type, id): "episode" | "symptom" | "treatment" | "infusion"
    trigger: str | None = None  # the one entry an urgent alert is about
    unit: str = "episodes"

    @property
    def summary(self) -> str:
        return SUMMARIES[self.rule].format(
            n=len(self.evidence), threshold=self.threshold, window=self.window_days
        )


def age_band(date_of_birth: date, on: date) -> str:
    return CHILD if is_child(date_of_birth, on) else ADULT


# --- the nine rules ------------------------------------------------------------------------


def severe_infection(facts: Facts, on: date, t: Threshold, band: str) -> list[Finding]:
    findings = []
    for e in facts.episodes:
        severe = (
            e.severity in {"severe", "life_threatening"}
            or e.hospitalized
            or e.icu
            or e.iv_antibiotics
            or e.kind in SEVERE_KINDS
        )
        if severe and in_window(e.onset, on, t.window_days):
            findings.append(Finding("severe_infection", URGENT, 1, t.window_days, (("episode", e.id),), e.id))
    return findings


def red_flag_symptoms(facts: Facts, on: date, t: Threshold, band: str) -> list[Finding]:
    findings = []
    for s in facts.symptoms:
        if not in_window(s.recorded_on, on, t.window_days):
            continue
        flagged = bool(RED_FLAG_SYMPTOMS.intersection(s.symptoms)) or temperature_red_flag(
            s.temperature_c, date_of_birth=facts.date_of_birth, on=s.recorded_on
        )
        if flagged:
            findings.append(
                Finding("red_flag_symptoms", URGENT, 1, t.window_days, (("symptom", s.id),), s.id)
            )
    return findings


def infusion_reaction(facts: Facts, on: date, t: Threshold, band: str) -> list[Finding]:
    return [
        Finding("infusion_reaction", URGENT, 1, t.window_days, (("infusion", i.id),), i.id)
        for i in facts.infusions
        if RED_FLAG_REACTIONS.intersection(i.reactions) and in_window(i.given_on, on, t.window_days)
    ]


def count_of(rule: str, matches: Callable[[Episode], bool]):
    """A frequency rule: at least `count` matching episodes with onset in the window."""

    def evaluate(facts: Facts, on: date, t: Threshold, band: str) -> list[Finding]:
        hits = [e for e in facts.episodes if matches(e) and in_window(e.onset, on, t.window_days)]
        if len(hits) < t.count:
            return []
        evidence = tuple(("episode", e.id) for e in sorted(hits, key=lambda e: (e.onset, e.id)))
        return [Finding(rule, ROUTINE, t.count, t.window_days, evidence)]

    evaluate.__name__ = rule
    return evaluate


recurrent_ear_infections = count_of("recurrent_ear_infections", lambda e: e.kind == "otitis_media")
recurrent_sinus_infections = count_of("recurrent_sinus_infections", lambda e: e.kind == "sinusitis")
recurrent_pneumonia = count_of("recurrent_pneumonia", lambda e: e.kind == "pneumonia")
deep_seated_infections = count_of("deep_seated_infections", lambda e: e.kind in DEEP_SEATED_KINDS)
recurrent_iv_antibiotics = count_of("recurrent_iv_antibiotics", lambda e: e.iv_antibiotics)


def antibiotic_days(
    treatments: Iterable[Treatment], on: date, window_days: int
) -> tuple[int, list[Treatment]]:
    """Days in the window on a non-prophylactic antibiotic (overlapping courses count once;
    a course without an end runs until the evaluation day), and the courses involved."""
    start = on - timedelta(days=window_days - 1)
    used = [
        t
        for t in treatments
        if t.kind == "antibiotic"
        and not t.prophylactic
        and t.started_on <= on
        and (t.ended_on or on) >= start
    ]
    return len(covered_days([(t.started_on, t.ended_on) for t in used], start=start, end=on)), used


def prolonged_antibiotics(facts: Facts, on: date, t: Threshold, band: str) -> list[Finding]:
    total, used = antibiotic_days(facts.treatments, on, t.window_days)
    if total < t.count:
        return []
    evidence = tuple(("treatment", c.id) for c in sorted(used, key=lambda c: (c.started_on, c.id)))
    return [Finding("prolonged_antibiotics", ROUTINE, t.count, t.window_days, evidence, unit="days")]


THRUSH_UNRESOLVED_DAYS = 30


def persistent_thrush(facts: Facts, on: date, t: Threshold, band: str) -> list[Finding]:
    thrush = [e for e in facts.episodes if e.kind == "thrush"]
    recent = [e for e in thrush if in_window(e.onset, on, t.window_days)]
    lasting = [
        e
        for e in thrush
        if ((e.resolved_on or on) - e.onset).days >= THRUSH_UNRESOLVED_DAYS
        and in_window(e.resolved_on or on, on, t.window_days)
    ]
    hits = {e.id: e for e in (recent if len(recent) >= t.count else []) + lasting}
    if not hits:
        return []
    evidence = tuple(("episode", e.id) for e in sorted(hits.values(), key=lambda e: (e.onset, e.id)))
    return [Finding("persistent_thrush", ROUTINE, t.count, t.window_days, evidence)]


@dataclass(frozen=True)
class Rule:
    code: str
    priority: str
    evaluate: Callable[[Facts, date, Threshold, str], list[Finding]]
    child: Threshold
    adult: Threshold
    unit: str = "episodes"
    fixed_count: bool = field(default=False)  # urgent rules fire on one entry; only the window is tunable


RULES: dict[str, Rule] = {
    r.code: r
    for r in [
        Rule(
            "severe_infection",
            URGENT,
            severe_infection,
            Threshold(1, RECENT_DAYS),
            Threshold(1, RECENT_DAYS),
            "entries",
            True,
        ),
        Rule(
            "red_flag_symptoms",
            URGENT,
            red_flag_symptoms,
            Threshold(1, RECENT_DAYS),
            Threshold(1, RECENT_DAYS),
            "entries",
            True,
        ),
        Rule(
            "infusion_reaction",
            URGENT,
            infusion_reaction,
            Threshold(1, RECENT_DAYS),
            Threshold(1, RECENT_DAYS),
            "entries",
            True,
        ),
        Rule(
            "recurrent_ear_infections",
            ROUTINE,
            recurrent_ear_infections,
            Threshold(4, 365),
            Threshold(2, 365),
        ),
        Rule(
            "recurrent_sinus_infections",
            ROUTINE,
            recurrent_sinus_infections,
            Threshold(2, 365),
            Threshold(2, 365),
        ),
        Rule("recurrent_pneumonia", ROUTINE, recurrent_pneumonia, Threshold(2, 365), Threshold(2, 730)),
        Rule("deep_seated_infections", ROUTINE, deep_seated_infections, Threshold(2, 730), Threshold(2, 730)),
        Rule(
            "prolonged_antibiotics",
            ROUTINE,
            prolonged_antibiotics,
            Threshold(60, 365),
            Threshold(60, 365),
            "days",
        ),
        Rule(
            "recurrent_iv_antibiotics",
            ROUTINE,
            recurrent_iv_antibiotics,
            Threshold(2, 365),
            Threshold(2, 365),
        ),
        Rule("persistent_thrush", ROUTINE, persistent_thrush, Threshold(2, 365), Threshold(2, 365)),
    ]
}

SUMMARIES = {
    "severe_infection": "A severe infection was logged in the last {window} days.",
    "red_flag_symptoms": "Red-flag symptoms were logged in the last {window} days.",
    "infusion_reaction": "A red-flag reaction to an immunoglobulin infusion was logged in the last {window} days.",
    "recurrent_ear_infections": "{n} ear infections in {window} days (threshold {threshold}).",
    "recurrent_sinus_infections": "{n} sinus infections in {window} days (threshold {threshold}).",
    "recurrent_pneumonia": "{n} pneumonias in {window} days (threshold {threshold}).",
    "deep_seated_infections": "{n} deep-seated infections in {window} days (threshold {threshold}).",
    "prolonged_antibiotics": "At least {threshold} days on antibiotics in {window} days ({n} courses).",
    "recurrent_iv_antibiotics": "{n} infections needing IV antibiotics in {window} days (threshold {threshold}).",
    "persistent_thrush": "Persistent or repeated thrush ({n} episodes).",
}

Settings = dict[str, dict[str, Threshold]]  # rule code -> band -> threshold


def default_settings() -> Settings:
    return {code: {CHILD: rule.child, ADULT: rule.adult} for code, rule in RULES.items()}


def evaluate_rule(code: str, facts: Facts, on: date, settings: Settings | None = None) -> list[Finding]:
    threshold = (settings or default_settings())[code][age_band(facts.date_of_birth, on)]
    return (
        RULES[code].evaluate(facts, on, threshold, age_band(facts.date_of_birth, on))
        if threshold.enabled
        else []
    )


def evaluate(facts: Facts, on: date, settings: Settings | None = None) -> list[Finding]:
    """Every finding for these facts on this day, under the given (or default) thresholds."""
    return [finding for code in RULES for finding in evaluate_rule(code, facts, on, settings)]
