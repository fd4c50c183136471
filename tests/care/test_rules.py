"""Each rule at and around its threshold, for children and adults, without a database."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from care import rules
from care.rules import Episode, Facts, Symptoms, Treatment
from diary import clinical

DAY = date(2026, 11, 24)
CHILD_DOB = date(2019, 5, 1)
ADULT_DOB = date(1980, 5, 1)


def episodes(kind, n, *, dob=CHILD_DOB, spacing=30, **fields):
    return Facts(
        dob,
        episodes=tuple(Episode(f"e{i}", kind, DAY - timedelta(days=i * spacing), **fields) for i in range(n)),
    )


def fired(facts, on=DAY, settings=None):
    return {f.rule for f in rules.evaluate(facts, on, settings)}


FREQUENCY = [
    # rule, kind, child threshold, adult threshold, adult window
    ("recurrent_ear_infections", "otitis_media", 4, 2),
    ("recurrent_sinus_infections", "sinusitis", 2, 2),
    ("recurrent_pneumonia", "pneumonia", 2, 2),
]


@pytest.mark.parametrize(("rule", "kind", "child", "adult"), FREQUENCY)
def test_frequency_rules_fire_at_the_threshold_and_not_below(rule, kind, child, adult):
    assert rule not in fired(episodes(kind, child - 1))
    assert rule in fired(episodes(kind, child))
    assert rule not in fired(episodes(kind, adult - 1, dob=ADULT_DOB))
    assert rule in fired(episodes(kind, adult, dob=ADULT_DOB))


def test_adults_get_two_years_for_pneumonia_children_one():
    two_far_apart = Facts(
        ADULT_DOB,
        episodes=(Episode("a", "pneumonia", DAY), Episode("b", "pneumonia", DAY - timedelta(days=500))),
    )
    assert "recurrent_pneumonia" in fired(two_far_apart)
    as_child = Facts(CHILD_DOB, episodes=two_far_apart.episodes)
    assert "recurrent_pneumonia" not in fired(as_child)


def test_the_age_band_is_taken_on_the_evaluation_day():
    turns_18 = date(2008, 11, 24)
    facts = episodes("otitis_media", 2, dob=turns_18)
    assert "recurrent_ear_infections" in fired(facts, DAY)  # 18 today: adult, threshold 2
    assert "recurrent_ear_infections" not in fired(facts, DAY - timedelta(days=1))  # still 17


@pytest.mark.parametrize(
    "kinds", [("sepsis", "abscess"), ("meningitis", "osteomyelitis"), ("abscess", "abscess")]
)
def test_two_deep_seated_infections_in_two_years(kinds):
    facts = Facts(
        CHILD_DOB, episodes=(Episode("a", kinds[0], DAY - timedelta(days=700)), Episode("b", kinds[1], DAY))
    )
    assert "deep_seated_infections" in fired(facts)
    assert "deep_seated_infections" not in fired(Facts(CHILD_DOB, episodes=facts.episodes[1:]))


def test_iv_antibiotics_twice_in_a_year():
    assert "recurrent_iv_antibiotics" in fired(episodes("pneumonia", 2, iv_antibiotics=True, spacing=100))
    assert "recurrent_iv_antibiotics" not in fired(episodes("pneumonia", 1, iv_antibiotics=True))


def course(i, start_days_ago, length, *, prophylactic=False, kind="antibiotic"):
    start = DAY - timedelta(days=start_days_ago)
    return Treatment(f"t{i}", kind, start, start + timedelta(days=length - 1), prophylactic)


def test_sixty_days_of_antibiotics_in_a_year():
    fifty_nine = Facts(CHILD_DOB, treatments=(course(1, 200, 30), course(2, 100, 29)))
    sixty = Facts(CHILD_DOB, treatments=(course(1, 200, 30), course(2, 100, 30)))
    assert "prolonged_antibiotics" not in fired(fifty_nine)
    assert "prolonged_antibiotics" in fired(sixty)


def test_prophylaxis_and_overlaps_do_not_inflate_antibiotic_days():
    overlapping = Facts(CHILD_DOB, treatments=(course(1, 100, 40), course(2, 90, 40)))  # 50 distinct days
    assert "prolonged_antibiotics" not in fired(overlapping)
    prophylaxis = Facts(CHILD_DOB, treatments=(course(1, 300, 200, prophylactic=True),))
    assert "prolonged_antibiotics" not in fired(prophylaxis)
    immunoglobulin = Facts(CHILD_DOB, treatments=(course(1, 300, 200, kind="immunoglobulin"),))
    assert "prolonged_antibiotics" not in fired(immunoglobulin)


def test_an_open_course_runs_until_today():
    facts = Facts(CHILD_DOB, treatments=(Treatment("t", "antibiotic", DAY - timedelta(days=59), None),))
    assert "prolonged_antibiotics" in fired(facts)


def test_thrush_unresolved_for_thirty_days_or_twice_a_year():
    lasting = Facts(ADULT_DOB, episodes=(Episode("a", "thrush", DAY - timedelta(days=30)),))
    assert "persistent_thrush" in fired(lasting)
    short = Facts(ADULT_DOB, episodes=(Episode("a", "thrush", DAY - timedelta(days=29)),))
    assert "persistent_thrush" not in fired(short)
    resolved = Facts(
        ADULT_DOB,
        episodes=(Episode("a", "thrush", DAY - timedelta(days=40), resolved_on=DAY - timedelta(days=35)),),
    )
    assert "persistent_thrush" not in fired(resolved)
    twice = (
        Episode("a", "thrush", DAY, resolved_on=DAY),
        Episode("b", "thrush", DAY - timedelta(days=100), resolved_on=DAY - timedelta(days=95)),
    )
    assert "persistent_thrush" in fired(Facts(ADULT_DOB, episodes=twice))
    assert "persistent_thrush" not in fired(Facts(ADULT_DOB, episodes=twice[:1]))


@pytest.mark.parametrize(
    "episode",
    [
        Episode("x", "otitis_media", DAY, severity="severe"),
        Episode("x", "otitis_media", DAY, severity="life_threatening"),
        Episode("x", "pneumonia", DAY, hospitalized=True),
        Episode("x", "pneumonia", DAY, icu=True),
        Episode("x", "skin_infection", DAY, iv_antibiotics=True),
        Episode("x", "sepsis", DAY),
        Episode("x", "meningitis", DAY),
        Episode("x", "osteomyelitis", DAY),
    ],
)
def test_a_severe_infection_is_urgent_for_children_and_adults(episode):
    for dob in (CHILD_DOB, ADULT_DOB):
        findings = rules.evaluate(Facts(dob, episodes=(episode,)), DAY)
        assert [(f.rule, f.priority, f.trigger) for f in findings] == [("severe_infection", "urgent", "x")]


def test_urgent_rules_ignore_backfilled_entries():
    old = Episode("x", "sepsis", DAY - timedelta(days=14))
    recent = Episode("y", "sepsis", DAY - timedelta(days=13))
    findings = rules.evaluate(Facts(ADULT_DOB, episodes=(old, recent)), DAY)
    assert [f.trigger for f in findings if f.rule == "severe_infection"] == ["y"]
    old_flag = Symptoms("s", DAY - timedelta(days=20), ("seizure",))
    assert rules.evaluate(Facts(ADULT_DOB, symptoms=(old_flag,)), DAY) == []


@pytest.mark.parametrize("code", sorted(clinical.RED_FLAG_SYMPTOMS))
def test_each_red_flag_symptom_is_urgent(code):
    facts = Facts(ADULT_DOB, symptoms=(Symptoms("s", DAY, (code,)),))
    assert [(f.rule, f.priority) for f in rules.evaluate(facts, DAY)] == [("red_flag_symptoms", "urgent")]


@pytest.mark.parametrize(
    ("temperature", "dob", "urgent"),
    [
        ("40.0", ADULT_DOB, True),
        ("39.9", ADULT_DOB, False),
        ("35.9", ADULT_DOB, True),
        ("36.0", ADULT_DOB, False),
        ("38.0", DAY - timedelta(days=80), True),
        ("37.9", DAY - timedelta(days=80), False),
        ("38.0", DAY - timedelta(days=100), False),
    ],
)
def test_temperature_red_flags(temperature, dob, urgent):
    facts = Facts(dob, symptoms=(Symptoms("s", DAY, ("fever",), Decimal(temperature)),))
    assert ("red_flag_symptoms" in fired(facts)) is urgent


def test_a_rule_can_be_switched_off_and_thresholds_tuned():
    settings = rules.default_settings()
    settings["recurrent_ear_infections"] = {
        rules.CHILD: rules.Threshold(3, 180, enabled=True),
        rules.ADULT: rules.Threshold(2, 365, enabled=True),
    }
    three_recent = episodes("otitis_media", 3, spacing=20)
    assert "recurrent_ear_infections" in fired(three_recent, settings=settings)
    settings["recurrent_ear_infections"] = {
        b: rules.Threshold(1, 365, enabled=False) for b in (rules.CHILD, rules.ADULT)
    }
    assert "recurrent_ear_infections" not in fired(episodes("otitis_media", 6), settings=settings)


def test_findings_are_explainable():
    finding = rules.evaluate(episodes("otitis_media", 4), DAY)[0]
    assert (finding.threshold, finding.window_days) == (4, 365)
    assert {i for _, i in finding.evidence} == {"e0", "e1", "e2", "e3"}
    assert "4 ear infections in 365 days" in finding.summary


# --- property-based boundaries ------------------------------------------------------------------

thresholds = st.integers(min_value=1, max_value=8)
windows = st.integers(min_value=1, max_value=800)


@given(threshold=thresholds, window=windows, adult=st.booleans())
def test_one_below_never_fires_and_the_threshold_fires(threshold, window, adult):
    dob = ADULT_DOB if adult else CHILD_DOB
    settings = rules.default_settings()
    settings["recurrent_sinus_infections"] = {
        b: rules.Threshold(threshold, window) for b in (rules.CHILD, rules.ADULT)
    }
    inside = [Episode(f"e{i}", "sinusitis", DAY - timedelta(days=i % window)) for i in range(threshold)]
    assert "recurrent_sinus_infections" in fired(Facts(dob, episodes=tuple(inside)), settings=settings)
    assert "recurrent_sinus_infections" not in fired(
        Facts(dob, episodes=tuple(inside[:-1])), settings=settings
    )


@given(window=windows, threshold=thresholds)
def test_the_window_edge_counts_exactly(window, threshold):
    settings = rules.default_settings()
    settings["recurrent_pneumonia"] = {
        b: rules.Threshold(threshold, window) for b in (rules.CHILD, rules.ADULT)
    }
    others = [Episode(f"e{i}", "pneumonia", DAY) for i in range(threshold - 1)]
    first_day = Episode("edge", "pneumonia", DAY - timedelta(days=window - 1))
    day_before = Episode("out", "pneumonia", DAY - timedelta(days=window))
    assert "recurrent_pneumonia" in fired(Facts(CHILD_DOB, episodes=(*others, first_day)), settings=settings)
    assert "recurrent_pneumonia" not in fired(
        Facts(CHILD_DOB, episodes=(*others, day_before)), settings=settings
    )


@given(days=st.lists(st.tuples(st.integers(0, 400), st.integers(1, 90)), max_size=8))
def test_antibiotic_days_never_exceed_the_window(days):
    treatments = tuple(course(i, start, length) for i, (start, length) in enumerate(days))
    total, _ = rules.antibiotic_days(treatments, DAY, 365)
    assert 0 <= total <= 365
    assert total <= sum(length for _, length in days)


def test_an_entry_dated_tomorrow_counts_as_today():
    """Phones east of UTC are already on tomorrow's date; the entry must still raise its alert."""
    tomorrow = Episode("x", "sepsis", DAY + timedelta(days=1))
    assert [f.trigger for f in rules.evaluate(Facts(ADULT_DOB, episodes=(tomorrow,)), DAY)] == ["x"]


def test_guidance_and_rules_agree_on_what_is_recent():
    from diary.guidance import guidance_for_infection

    for days_ago, urgent in ((13, True), (14, False)):
        onset = DAY - timedelta(days=days_ago)
        finding = rules.evaluate(Facts(ADULT_DOB, episodes=(Episode("x", "meningitis", onset),)), DAY)
        guidance = guidance_for_infection(
            kind="meningitis",
            severity="severe",
            onset=onset,
            resolved_on=None,
            hospitalized=False,
            icu=False,
            iv_antibiotics=False,
            max_temperature_c=None,
            date_of_birth=ADULT_DOB,
            now=datetime.combine(DAY, time(12), tzinfo=UTC),
        )
        assert (bool(finding), guidance.level == "urgent") == (urgent, urgent)


class Unread(tuple):
    """A kind of fact a rule says it does not read: touching it fails the test."""

    def __iter__(self):
        raise AssertionError("the rule read a kind of fact it does not say it reads")

    def __len__(self):
        raise AssertionError("the rule read a kind of fact it does not say it reads")


def every_rule_fires() -> Facts:
    """A child's diary that meets every rule on DAY."""

    def ago(days: int) -> date:
        return DAY - timedelta(days=days)

    kinds = (
        ["sepsis"]
        + ["otitis_media"] * 4
        + ["sinusitis", "pneumonia"] * 2
        + ["meningitis", "thrush", "thrush"]
    )
    episodes_ = tuple(
        Episode(f"e{i}", kind, ago(3 + 20 * i), "severe" if kind == "sepsis" else "mild",
                iv_antibiotics=kind == "pneumonia", max_temperature_c=Decimal("40.1") if i == 0 else None)
        for i, kind in enumerate(kinds)
    )  # fmt: skip
    treatments = tuple(
        Treatment(f"t{i}", clinical.ANTIBIOTIC, ago(20 + 30 * i), ago(6 + 30 * i)) for i in range(6)
    )
    return Facts(
        CHILD_DOB,
        episodes=episodes_,
        symptoms=(Symptoms("s0", ago(1), ("stiff_neck",)),),
        treatments=treatments,
        infusions=(rules.Infusion("i0", ago(2), ("breathing_difficulty",)),),
    )


@pytest.mark.parametrize("rule", list(rules.RULES))
def test_each_rule_reads_only_the_facts_it_says_and_finds_the_same_with_only_them(rule):
    """A team's change of one rule re-evaluates it alone, reading only rules.READS[rule]."""
    full = every_rule_fires()
    assert fired(full) == set(rules.RULES)
    only = Facts(
        full.date_of_birth,
        **{
            kind: getattr(full, kind) if kind in rules.READS[rule] else Unread()
            for kind in rules.reads(rules.RULES)
        },
    )
    assert rules.evaluate(only, DAY, codes=[rule]) == rules.evaluate_rule(rule, full, DAY) != []


def test_a_change_of_thresholds_names_the_rules_that_could_raise_an_alert():
    before = rules.default_settings()
    after = rules.default_settings()
    after["recurrent_ear_infections"][rules.CHILD] = rules.Threshold(3, 365)  # lower: more alerts
    after["recurrent_pneumonia"][rules.ADULT] = rules.Threshold(
        3, 730
    )  # higher: the window may grow evidence
    after["persistent_thrush"] = {
        band: rules.Threshold(2, 365, enabled=False) for band in (rules.CHILD, rules.ADULT)
    }
    assert rules.changed(before, after) == ["recurrent_ear_infections", "recurrent_pneumonia"]
    assert rules.changed(after, after) == []
    # An urgent rule cannot be turned off, so "off" is no change to it.
    after["severe_infection"] = {
        band: rules.Threshold(1, 14, enabled=False) for band in (rules.CHILD, rules.ADULT)
    }
    assert rules.changed(before, after) == ["recurrent_ear_infections", "recurrent_pneumonia"]
    assert rules.changed(after, before) == [
        "recurrent_ear_infections",
        "recurrent_pneumonia",
        "persistent_thrush",
    ]
