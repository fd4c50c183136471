"""The infusion_reaction rule (pure, no database) and the cost of immune-record lists."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from care import rules
from tests.conftest import client_for

from .immune_helpers import days_ago, post, results

ON = dt.date(2026, 11, 24)
BORN = dt.date(2018, 6, 1)


def findings(*infusions, settings=None):
    facts = rules.Facts(date_of_birth=BORN, infusions=tuple(infusions))
    return [f for f in rules.evaluate(facts, ON, settings) if f.rule == "infusion_reaction"]


def reacted(days_before, *reactions, id="i1"):
    return rules.Infusion(id=id, given_on=ON - dt.timedelta(days=days_before), reactions=reactions)


@pytest.mark.parametrize(
    "reaction", ["breathing_difficulty", "face_or_throat_swelling", "severe_headache_stiff_neck"]
)
def test_each_red_flag_reaction_in_the_last_14_days_is_urgent(reaction):
    [finding] = findings(reacted(13, reaction, "rash"))
    assert (finding.priority, finding.trigger, finding.evidence) == ("urgent", "i1", (("infusion", "i1"),))


def test_an_older_red_flag_reaction_or_an_ordinary_one_raises_nothing():
    assert (
        findings(reacted(14, "breathing_difficulty"), reacted(0, "site_swelling", "headache", id="i2")) == []
    )


def test_a_team_window_of_two_days_counts_yesterday_but_not_three_days_ago():
    settings = rules.default_settings()
    settings["infusion_reaction"] = {band: rules.Threshold(1, 2) for band in (rules.CHILD, rules.ADULT)}
    assert len(findings(reacted(1, "breathing_difficulty"), settings=settings)) == 1
    assert findings(reacted(3, "breathing_difficulty"), settings=settings) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "body"),
    [
        ("vaccinations", lambda: {"vaccine": "PCV20", "given_on": days_ago(40)}),
        ("measurements", lambda: {"measured_on": days_ago(3), "weight_kg": 21.4}),
        (
            "infusions",
            lambda: {"given_on": days_ago(3), "product": "Hizentra", "route": "subcutaneous", "dose_g": 8},
        ),
    ],
)
def test_lists_cost_the_same_however_many_entries(kind, body, child, owner):
    client = client_for(owner)
    url = f"/api/v1/profiles/{child.id}/{kind}/"

    def add_one():
        created = post(client, child, kind, body())
        if kind == "vaccinations":  # with a titre to show
            post(
                client,
                child,
                "labs",
                {
                    "analyte": "pneumococcal_titer",
                    "value": 1.0,
                    "unit": "ug/mL",
                    "collected_on": days_ago(10),
                    "timing": "post",
                    "vaccination": created.json()["id"],
                },
            )

    add_one()
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(5):
        add_one()
    with CaptureQueriesContext(connection) as many:
        assert len(results(client.get(url))) == 6
    assert len(many.captured_queries) == len(one.captured_queries)


def test_the_vocabulary_part_names_every_reaction_once_with_the_three_red_flags():
    from diary.vocabulary import vocabulary as vocabulary_part

    part = vocabulary_part()
    reactions = part["infusion_reactions"]
    assert [r["code"] for r in reactions][:2] == ["none_reported", "site_swelling"]
    assert len({r["code"] for r in reactions}) == len(reactions) == 10
    assert {r["code"] for r in reactions if r["red_flag"]} == {
        "breathing_difficulty",
        "face_or_throat_swelling",
        "severe_headache_stiff_neck",
    }
    assert [e["code"] for e in part["enums"]["infusion_route"]] == ["iv", "subcutaneous"]
    assert [e["code"] for e in part["enums"]["titre_timing"]] == ["pre", "post"]
    assert all(r["label"] for r in reactions)
