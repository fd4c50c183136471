"""The rules DESIGN.md added or changed, at and around their boundaries, for children and adults,
on plain facts: red-flag temperatures on episodes, escalation of an ongoing episode, topical
antibiotics, frequent courses, infusion reactions, and the bounds on tuning."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from care import rules
from care.rules import Episode, Facts, Infusion, Treatment
from diary import clinical

DAY = date(2026, 11, 24)
CHILD_DOB = date(2019, 5, 1)
ADULT_DOB = date(1980, 5, 1)
BOTH = pytest.mark.parametrize("dob", [CHILD_DOB, ADULT_DOB], ids=["child", "adult"])


def triggers(facts, rule, on=DAY, settings=None):
    return [f.trigger for f in rules.evaluate(facts, on, settings) if f.rule == rule]


# --- red-flag temperatures on infection episodes ------------------------------------------------


@pytest.mark.parametrize(
    ("temperature", "dob", "urgent"),
    [
        ("40.0", ADULT_DOB, True),
        ("39.9", ADULT_DOB, False),
        ("35.9", ADULT_DOB, True),
        ("36.0", CHILD_DOB, False),
        ("38.5", DAY - timedelta(days=60), True),  # a 60-day-old: the infant clause
        ("37.9", DAY - timedelta(days=60), False),
        ("38.5", DAY - timedelta(days=100), False),  # past 3 months
    ],
)
def test_an_episodes_max_temperature_is_a_red_flag_like_a_readings(temperature, dob, urgent):
    episode = Episode("e", "upper_respiratory", DAY, max_temperature_c=Decimal(temperature))
    assert (triggers(Facts(dob, episodes=(episode,)), "red_flag_symptoms") == ["e"]) is urgent


def test_the_infant_clause_uses_the_age_on_the_day_of_onset():
    dob = DAY - timedelta(days=95)  # 3 months old now, 2 months old ten days ago
    earlier = Episode("e", "upper_respiratory", DAY - timedelta(days=10), max_temperature_c=Decimal("38.2"))
    assert triggers(Facts(dob, episodes=(earlier,)), "red_flag_symptoms") == ["e"]


@BOTH
def test_an_old_hot_episode_counts_for_nothing_urgent(dob):
    old = Episode("e", "pneumonia", DAY - timedelta(days=14), max_temperature_c=Decimal("40.5"))
    assert triggers(Facts(dob, episodes=(old,)), "red_flag_symptoms") == []


# --- urgent recency: onset, or escalation of an ongoing episode ---------------------------------


@BOTH
def test_an_ongoing_episode_that_became_severe_recently_is_urgent(dob):
    started = DAY - timedelta(days=40)
    escalated = Episode("e", "pneumonia", started, severity="severe", severe_since=DAY - timedelta(days=13))
    assert triggers(Facts(dob, episodes=(escalated,)), "severe_infection") == ["e"]
    long_ago = Episode("e", "pneumonia", started, severity="severe", severe_since=DAY - timedelta(days=14))
    assert triggers(Facts(dob, episodes=(long_ago,)), "severe_infection") == []


@BOTH
def test_a_resolved_episode_never_pages_for_an_escalation(dob):
    resolved = Episode(
        "e",
        "pneumonia",
        DAY - timedelta(days=40),
        severity="severe",
        severe_since=DAY - timedelta(days=3),
        resolved_on=DAY - timedelta(days=1),
    )
    assert triggers(Facts(dob, episodes=(resolved,)), "severe_infection") == []


# --- antibiotics: topical excluded, frequent courses -------------------------------------------------


def course(i, days_ago, length=7, **fields):
    start = DAY - timedelta(days=days_ago)
    return Treatment(f"t{i}", "antibiotic", start, start + timedelta(days=length - 1), **fields)


@BOTH
def test_topical_antibiotics_count_for_neither_antibiotic_rule(dob):
    creams = tuple(course(i, 300 - 60 * i, 40, route="topical") for i in range(5))
    assert rules.evaluate(Facts(dob, treatments=creams), DAY) == []
    tablets = tuple(course(i, 300 - 60 * i, 40) for i in range(5))
    fired = {f.rule for f in rules.evaluate(Facts(dob, treatments=tablets), DAY)}
    assert {"prolonged_antibiotics", "frequent_antibiotic_courses"} <= fired


@pytest.mark.parametrize(("dob", "threshold"), [(CHILD_DOB, 5), (ADULT_DOB, 3)], ids=["child", "adult"])
def test_frequent_antibiotic_courses_at_the_threshold_and_one_below(dob, threshold):
    below = tuple(course(i, 10 + 50 * i) for i in range(threshold - 1))
    at = (*below, course(99, 364))  # started on the window's first day
    assert triggers(Facts(dob, treatments=below), "frequent_antibiotic_courses") == []
    [finding] = [
        f for f in rules.evaluate(Facts(dob, treatments=at), DAY) if f.rule == "frequent_antibiotic_courses"
    ]
    assert (finding.priority, finding.threshold, len(finding.evidence)) == ("routine", threshold, threshold)
    outside = (*below, course(99, 365))
    assert triggers(Facts(dob, treatments=outside), "frequent_antibiotic_courses") == []


@BOTH
def test_prophylaxis_and_other_treatments_are_not_courses(dob):
    prophylaxis = tuple(course(i, 10 + 30 * i, prophylactic=True) for i in range(8))
    antifungal = tuple(Treatment(f"f{i}", "antifungal", DAY - timedelta(days=10 + 30 * i)) for i in range(8))
    assert rules.evaluate(Facts(dob, treatments=prophylaxis + antifungal), DAY) == []


@given(n=st.integers(0, 10), adult=st.booleans())
def test_frequent_courses_fire_exactly_from_the_threshold(n, adult):
    dob = ADULT_DOB if adult else CHILD_DOB
    facts = Facts(dob, treatments=tuple(course(i, i * 30) for i in range(n)))
    threshold = 3 if adult else 5
    assert bool(triggers(facts, "frequent_antibiotic_courses") == [None]) is (n >= threshold)


# --- infusion reactions --------------------------------------------------------------------------


@BOTH
@pytest.mark.parametrize("code", sorted(clinical.RED_FLAG_REACTIONS))
def test_a_red_flag_infusion_reaction_is_urgent(dob, code):
    infusion = Infusion("i", DAY - timedelta(days=13), (code, "headache"))
    [finding] = rules.evaluate(Facts(dob, infusions=(infusion,)), DAY)
    assert (finding.rule, finding.priority, finding.evidence) == (
        "infusion_reaction",
        "urgent",
        (("infusion", "i"),),
    )


@BOTH
def test_mild_or_old_infusion_reactions_are_not(dob):
    mild = Infusion("i", DAY, ("headache", "site_swelling", "fever_chills"))
    old = Infusion("j", DAY - timedelta(days=14), ("breathing_difficulty",))
    assert rules.evaluate(Facts(dob, infusions=(mild, old)), DAY) == []


# --- bounds on tuning --------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(clinical.URGENT_RULES))
def test_urgent_rules_cannot_be_switched_off_or_widened(code):
    spec = rules.RULES[code]
    assert "enabled" in spec.problems(enabled=False, count=1, window_days=14)
    assert "window_days" in spec.problems(enabled=True, count=1, window_days=30)
    assert "window_days" in spec.problems(enabled=True, count=1, window_days=1)
    assert spec.problems(enabled=True, count=1, window_days=2) == {}
    assert spec.problems(enabled=True, count=1, window_days=14) == {}
    assert "threshold" in spec.problems(enabled=True, count=2, window_days=14)


def test_a_stored_setting_outside_the_bounds_never_weakens_an_urgent_rule():
    settings = rules.default_settings()
    settings["severe_infection"] = {
        b: rules.Threshold(1, 30, enabled=False) for b in (rules.CHILD, rules.ADULT)
    }
    recent = Episode("r", "sepsis", DAY)
    old = Episode("o", "sepsis", DAY - timedelta(days=20))
    assert triggers(Facts(ADULT_DOB, episodes=(recent, old)), "severe_infection", settings=settings) == ["r"]


def test_routine_rules_may_be_switched_off():
    assert rules.RULES["recurrent_ear_infections"].problems(enabled=False, count=4, window_days=365) == {}
