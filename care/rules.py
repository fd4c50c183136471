"""The alert rules of DESIGN.md as pure functions over plain facts.

No ORM and no clock: the evaluation day is a parameter, so every rule is testable at its
boundaries without a database. "The last N days" means the N days ending with (and
including) the evaluation day. Codes, defaults, bounds and wording: diary.clinical's rule table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from diary import clinical
from diary.clinical import ADULT, CHILD, RECENT_DAYS, ROUTINE, URGENT, Threshold, age_band, in_window
from diary.selectors import covered_day_count

__all__ = ["ADULT", "CHILD", "RECENT_DAYS", "ROUTINE", "URGENT", "Threshold", "age_band"]

Rule = clinical.RuleSpec
RULES = clinical.RULE_SPECS


# The facts are NamedTuples, not dataclasses: a region-wide re-evaluation makes millions of them,
# and a tuple is made several times faster than a frozen dataclass.
class Episode(NamedTuple):
    id: str
    kind: str
    onset: date
    severity: str = "mild"
    resolved_on: date | None = None
    hospitalized: bool = False
    icu: bool = False
    iv_antibiotics: bool = False
    max_temperature_c: Decimal | None = None
    severe_since: date | None = None  # when it became severe (an ongoing episode may escalate)

    @property
    def is_severe(self) -> bool:
        return clinical.episode_is_severe(self)


class Symptoms(NamedTuple):
    id: str
    recorded_on: date
    symptoms: tuple[str, ...] = ()
    temperature_c: Decimal | None = None


class Treatment(NamedTuple):
    id: str
    kind: str
    started_on: date
    ended_on: date | None = None
    prophylactic: bool = False
    route: str = "oral"

    @property
    def is_antibiotic_course(self) -> bool:
        """What the antibiotic rules count: systemic treatment, not prophylaxis, not creams."""
        return self.kind == clinical.ANTIBIOTIC and not self.prophylactic and self.route != clinical.TOPICAL


class Infusion(NamedTuple):
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


@dataclass(frozen=True)
class RuleSetting:
    """A team's choice for one rule: on or off, and a threshold per age band."""

    rule: str
    enabled: bool
    child: Threshold
    adult: Threshold


Evidence = tuple[tuple[str, str], ...]  # (type, id): "episode" | "symptom" | "treatment" | "infusion"


@dataclass(frozen=True)
class Finding:
    rule: str
    priority: str
    threshold: int
    window_days: int
    evidence: Evidence
    trigger: str | None = None  # the one entry an urgent finding is about

    @property
    def summary(self) -> str:
        return summary_of(self.rule, n=len(self.evidence), threshold=self.threshold, window=self.window_days)


def summary_of(rule: str, *, n: int, threshold: int, window: int) -> str:
    return RULES[rule].summary.format(n=n, threshold=threshold, window=window)


def urgent_finding(rule: str, t: Threshold, kind: str, entry_id: str) -> Finding:
    return Finding(rule, URGENT, 1, t.window_days, ((kind, entry_id),), entry_id)


# --- the urgent rules: one finding per recent triggering entry ------------------------------------


def severe_infection(facts: Facts, on: date, t: Threshold) -> list[Finding]:
    """Recent by onset, or an ongoing episode that escalated (became severe) within the window."""
    return [
        urgent_finding("severe_infection", t, "episode", e.id)
        for e in facts.episodes
        if e.is_severe
        and (
            in_window(e.onset, on, t.window_days)
            or (
                e.resolved_on is None
                and e.severe_since is not None
                and in_window(e.severe_since, on, t.window_days)
            )
        )
    ]


def red_flag_symptoms(facts: Facts, on: date, t: Threshold) -> list[Finding]:
    """Red-flag codes or temperatures on symptom entries, and red-flag temperatures on episodes."""
    dob = facts.date_of_birth
    findings = [
        urgent_finding("red_flag_symptoms", t, "symptom", s.id)
        for s in facts.symptoms
        if in_window(s.recorded_on, on, t.window_days)
        and (
            clinical.RED_FLAG_SYMPTOMS.intersection(s.symptoms)
            or clinical.temperature_flag(s.temperature_c, date_of_birth=dob, on=s.recorded_on)
        )
    ]
    findings += [
        urgent_finding("red_flag_symptoms", t, "episode", e.id)
        for e in facts.episodes
        if in_window(e.onset, on, t.window_days)
        and clinical.temperature_flag(e.max_temperature_c, date_of_birth=dob, on=e.onset)
    ]
    return findings


def infusion_reaction(facts: Facts, on: date, t: Threshold) -> list[Finding]:
    return [
        urgent_finding("infusion_reaction", t, "infusion", i.id)
        for i in facts.infusions
        if in_window(i.given_on, on, t.window_days) and clinical.RED_FLAG_REACTIONS.intersection(i.reactions)
    ]


# --- the frequency rules: one finding with every entry that counts -----------------------------------


def frequency(rule: str, t: Threshold, count: int, evidence: Evidence) -> list[Finding]:
    return [Finding(rule, ROUTINE, t.count, t.window_days, evidence)] if count >= t.count else []


def count_of(
    rule: str, matches: Callable[[Episode], bool]
) -> Callable[[Facts, date, Threshold], list[Finding]]:
    """A frequency rule: at least `count` matching episodes with onset in the window."""

    def evaluate(facts: Facts, on: date, t: Threshold) -> list[Finding]:
        hits = sorted(
            (e for e in facts.episodes if matches(e) and in_window(e.onset, on, t.window_days)),
            key=lambda e: (e.onset, e.id),
        )
        return frequency(rule, t, len(hits), tuple(("episode", e.id) for e in hits))

    evaluate.__name__ = rule
    return evaluate


def antibiotic_days(
    treatments: Iterable[Treatment], on: date, window_days: int
) -> tuple[int, list[Treatment]]:
    """Days in the window on a counted antibiotic course (overlapping courses count once; a
    course without an end runs until the evaluation day), and the courses involved."""
    start = on - timedelta(days=window_days - 1)
    used = [
        t for t in treatments if t.is_antibiotic_course and t.started_on <= on and (t.ended_on or on) >= start
    ]
    return covered_day_count([(t.started_on, t.ended_on) for t in used], start=start, end=on), used


def treatment_evidence(courses: Iterable[Treatment]) -> Evidence:
    return tuple(("treatment", c.id) for c in sorted(courses, key=lambda c: (c.started_on, c.id)))


def prolonged_antibiotics(facts: Facts, on: date, t: Threshold) -> list[Finding]:
    total, used = antibiotic_days(facts.treatments, on, t.window_days)
    return frequency("prolonged_antibiotics", t, total, treatment_evidence(used))


def frequent_antibiotic_courses(facts: Facts, on: date, t: Threshold) -> list[Finding]:
    started = [
        c for c in facts.treatments if c.is_antibiotic_course and in_window(c.started_on, on, t.window_days)
    ]
    return frequency("frequent_antibiotic_courses", t, len(started), treatment_evidence(started))


def persistent_thrush(facts: Facts, on: date, t: Threshold) -> list[Finding]:
    """Repeated thrush (`count` episodes in the window), or one unresolved for 30 days or more."""
    thrush = [e for e in facts.episodes if e.kind == clinical.THRUSH]
    recent = [e for e in thrush if in_window(e.onset, on, t.window_days)]
    lasting = [
        e
        for e in thrush
        if ((e.resolved_on or on) - e.onset).days >= clinical.THRUSH_UNRESOLVED_DAYS
        and in_window(e.resolved_on or on, on, t.window_days)
    ]
    hits = {e.id: e for e in (recent if len(recent) >= t.count else []) + lasting}
    if not hits:
        return []
    evidence = tuple(("episode", e.id) for e in sorted(hits.values(), key=lambda e: (e.onset, e.id)))
    return [Finding("persistent_thrush", ROUTINE, t.count, t.window_days, evidence)]


EVALUATORS: dict[str, Callable[[Facts, date, Threshold], list[Finding]]] = {
    "severe_infection": severe_infection,
    "red_flag_symptoms": red_flag_symptoms,
    "infusion_reaction": infusion_reaction,
    "recurrent_ear_infections": count_of("recurrent_ear_infections", lambda e: e.kind == "otitis_media"),
    "recurrent_sinus_infections": count_of("recurrent_sinus_infections", lambda e: e.kind == "sinusitis"),
    "recurrent_pneumonia": count_of("recurrent_pneumonia", lambda e: e.kind == "pneumonia"),
    "deep_seated_infections": count_of(
        "deep_seated_infections", lambda e: e.kind in clinical.DEEP_SEATED_KINDS
    ),
    "prolonged_antibiotics": prolonged_antibiotics,
    "frequent_antibiotic_courses": frequent_antibiotic_courses,
    "recurrent_iv_antibiotics": count_of("recurrent_iv_antibiotics", lambda e: e.iv_antibiotics),
    "persistent_thrush": persistent_thrush,
}
assert set(EVALUATORS) == set(RULES), "every rule in the table has an evaluator"

# The kinds of facts each rule reads: re-evaluating some rules (a team changed their thresholds)
# reads only theirs. tests/care/test_rules.py proves each evaluator touches nothing else.
EPISODES, SYMPTOMS, TREATMENTS, INFUSIONS = "episodes", "symptoms", "treatments", "infusions"
READS: dict[str, frozenset[str]] = {
    "severe_infection": frozenset({EPISODES}),
    "red_flag_symptoms": frozenset({SYMPTOMS, EPISODES}),
    "infusion_reaction": frozenset({INFUSIONS}),
    "recurrent_ear_infections": frozenset({EPISODES}),
    "recurrent_sinus_infections": frozenset({EPISODES}),
    "recurrent_pneumonia": frozenset({EPISODES}),
    "deep_seated_infections": frozenset({EPISODES}),
    "prolonged_antibiotics": frozenset({TREATMENTS}),
    "frequent_antibiotic_courses": frozenset({TREATMENTS}),
    "recurrent_iv_antibiotics": frozenset({EPISODES}),
    "persistent_thrush": frozenset({EPISODES}),
}
assert set(READS) == set(RULES), "every rule says what it reads"


def reads(codes: Iterable[str]) -> frozenset[str]:
    """The kinds of facts these rules read, together."""
    return frozenset().union(*(READS[code] for code in codes))


Settings = dict[str, dict[str, Threshold]]  # rule code -> band -> threshold


def default_settings() -> Settings:
    return {code: {CHILD: spec.child, ADULT: spec.adult} for code, spec in RULES.items()}


def in_force(code: str, band: str, settings: Settings | None) -> Threshold:
    """The threshold that applies: a team's choice, except that urgent rules are never off."""
    threshold = (settings or default_settings())[code][band]
    spec = RULES[code]
    if spec.priority == URGENT:  # a row saved before the bounds existed cannot weaken them
        low, high = spec.min_window_days or 1, spec.max_window_days or RECENT_DAYS
        return Threshold(1, min(max(threshold.window_days, low), high), True)
    return threshold


def evaluate_rule(
    code: str, facts: Facts, on: date, settings: Settings | None = None, *, band: str | None = None
) -> list[Finding]:
    threshold = in_force(code, band or age_band(facts.date_of_birth, on), settings)
    return EVALUATORS[code](facts, on, threshold) if threshold.enabled else []


def evaluate(
    facts: Facts, on: date, settings: Settings | None = None, *, codes: Iterable[str] = RULES
) -> list[Finding]:
    """Every finding for these facts on this day, under the given (or default) thresholds: of
    every rule, or of the rules `codes` only."""
    band = age_band(facts.date_of_birth, on)
    return [finding for code in codes for finding in evaluate_rule(code, facts, on, settings, band=band)]


def changed(before: Settings, after: Settings) -> list[str]:
    """The rules a change of thresholds can make raise an alert: those whose threshold in force
    changed, for either age band, to one that is on. (Evaluation only raises and grows alerts, so
    a rule turned off or left as it was has nothing new to find.)"""
    return [
        code
        for code in RULES
        if any(
            in_force(code, band, after) != in_force(code, band, before)
            and in_force(code, band, after).enabled
            for band in (CHILD, ADULT)
        )
    ]
