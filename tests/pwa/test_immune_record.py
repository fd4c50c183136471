"""The immune record on the phone: infusions (with the urgent screen for a red-flag reaction, and
offline), weight and height with centiles, titres, and the immunoglobulin and growth charts."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, Route, expect

from care.models import Alert
from diary import clinical, guidance
from diary.growth import growth_centiles
from diary.models import Infusion, LabResult, Measurement, Vaccination
from tests.factories import CareTeamFactory, ProfileFactory, UserFactory, link_to_team

from .conftest import entry, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INFUSIONS = "**/api/v1/profiles/*/infusions/"
SCIG = clinical.label_of(clinical.INFUSION_ROUTES, "subcutaneous")
BREATHING = clinical.label_of(clinical.INFUSION_REACTIONS, "breathing_difficulty")
SWELLING = clinical.label_of(clinical.INFUSION_REACTIONS, "face_or_throat_swelling")
NO_REACTION = clinical.label_of(clinical.INFUSION_REACTIONS, "none_reported")


def today() -> dt.date:
    return timezone.localdate()


def a_parent_with(name: str, **profile):
    user = UserFactory(role="caregiver")
    child = ProfileFactory(display_name=name, managed_by=[user], **profile)
    return user, child


def fill_infusion(page: Page, *, product: str, dose: str, batch: str, sites: str, reactions: list[str]):
    page.get_by_role("link", name="Infusion", exact=True).click()
    expect(page.get_by_role("heading", name="Log an infusion")).to_be_focused()
    page.get_by_label("Product").fill(product)
    page.get_by_label(SCIG).check()
    page.get_by_label("Dose in grams (g)").fill(dose)
    page.get_by_label("Batch (lot) number").fill(batch)
    page.get_by_label("Number of needle sites (optional)").fill(sites)
    for reaction in reactions:
        page.get_by_label(reaction, exact=True).check()
    page.get_by_role("button", name="Save infusion").click()


def test_a_parent_logs_a_home_scig_infusion_with_a_serious_reaction(page: Page):
    user, mia = a_parent_with("Mia")
    team = CareTeamFactory(name="Immunology East")
    link_to_team(mia, team)
    sign_in(page, user.email)
    expect(page.get_by_role("heading", name="Mia's diary")).to_be_visible()

    page.get_by_role("link", name="Infusion", exact=True).click()
    # The serious reactions come first, before any other.
    boxes = page.locator("input[name=reactions]")
    first = [boxes.nth(i).get_attribute("value") for i in range(len(clinical.RED_FLAG_REACTIONS))]
    assert set(first) == clinical.RED_FLAG_REACTIONS
    page.go_back()
    fill_infusion(page, product="Hizentra", dose="8", batch="P100234", sites="2", reactions=[BREATHING])

    dialog = page.get_by_role("dialog", name="Get urgent help now")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(BREATHING)
    expect(dialog).to_contain_text("If the infusion is still running, stop it.")
    expect(dialog.get_by_role("link", name=re.compile(r"^Call \d+$")).first).to_be_focused()
    row = entry(page, "Infusion: Hizentra")
    expect(row.locator(".sync")).to_have_text("Sent")
    dialog.get_by_role("button", name="Close").click()

    expect(row.locator(".red-flag-mark")).to_have_text("Red flag")
    expect(row).to_contain_text("8 g")
    expect(row).to_contain_text("batch P100234")
    expect(row).to_contain_text(f"reactions: {BREATHING} (red flag)")
    expect(row.locator("time")).to_have_text("today")
    # The server's guidance took over from the phone's own check.
    expect(page.locator("#guidance")).to_contain_text("red-flag reactions")

    infusion = Infusion.objects.get()
    assert (infusion.profile_id, infusion.route, infusion.lot_number, infusion.sites) == (
        mia.pk,
        "subcutaneous",
        "P100234",
        2,
    )
    assert (infusion.product, infusion.dose_g, infusion.reactions) == (
        "Hizentra",
        8,
        ["breathing_difficulty"],
    )
    alert = Alert.objects.get(rule="infusion_reaction")
    assert (alert.team_id, alert.priority, alert.evidence) == (
        team.pk,
        "urgent",
        [{"type": "infusion", "id": str(infusion.pk)}],
    )

    # In the therapy section of the charts, with its batch and its red-flag reaction in words.
    page.get_by_role("navigation", name="Diary sections").get_by_role("link", name="Chart").click()
    page.get_by_role("navigation", name="Charts").get_by_role(
        "link", name="Immunoglobulins and therapy"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Immunoglobulins and therapy")
    therapy = page.get_by_role("region", name="Therapy")
    expect(therapy).to_contain_text("1 infusion")
    therapy.get_by_text("The 1 infusion, newest first").click()
    given = therapy.get_by_role("table", name="Infusions in the period").locator("tbody tr")
    expect(given).to_have_count(1)
    expect(given).to_contain_text("Hizentra, 8 g")
    expect(given).to_contain_text("P100234")
    expect(given).to_contain_text(f"{BREATHING} (red flag)")


def test_the_next_infusion_starts_from_the_last_one_and_can_be_edited_and_deleted(page: Page):
    user, noa = a_parent_with("Noa")
    Infusion.objects.create(
        profile=noa,
        given_on=today() - dt.timedelta(days=7),
        product="Cuvitru",
        route="subcutaneous",
        dose_g=6,
        lot_number="LOT-1",
        sites=3,
        reactions=["none_reported"],
    )
    sign_in(page, user.email)
    page.get_by_role("link", name="Infusion", exact=True).click()
    expect(page.get_by_label("Product")).to_have_value("Cuvitru")
    expect(page.get_by_label(SCIG)).to_be_checked()
    expect(page.get_by_label("Dose in grams (g)")).to_have_value("6")
    expect(page.get_by_label("Batch (lot) number")).to_have_value("")  # a new vial, a new batch
    page.get_by_label("Batch (lot) number").fill("LOT-2")
    # "No reaction" goes with no other: ticking one clears the other.
    page.get_by_label(NO_REACTION).check()
    page.get_by_label("Headache", exact=True).check()
    expect(page.get_by_label(NO_REACTION)).not_to_be_checked()
    page.get_by_label(NO_REACTION).check()
    expect(page.get_by_label("Headache", exact=True)).not_to_be_checked()
    page.get_by_role("button", name="Save infusion").click()
    expect(entry(page, "batch LOT-2").locator(".sync")).to_have_text("Sent")
    assert sorted(Infusion.objects.values_list("lot_number", flat=True)) == ["LOT-1", "LOT-2"]

    newest = Infusion.objects.get(lot_number="LOT-2")
    entry(page, "batch LOT-2").get_by_role("link", name="Edit").click()
    expect(page.get_by_role("heading", name="Edit infusion")).to_be_visible()
    page.get_by_label("Batch (lot) number").fill("LOT-2B")
    page.get_by_role("button", name="Save changes").click()
    expect(entry(page, "batch LOT-2B").locator(".sync")).to_have_text("Sent")
    newest.refresh_from_db()
    assert (newest.lot_number, newest.version) == ("LOT-2B", 2)

    entry(page, "batch LOT-2B").get_by_role("link", name="Edit").click()
    page.get_by_role("button", name="Delete this infusion").click()
    page.get_by_role("button", name="Yes, delete it").click()
    expect(page.get_by_role("heading", name="Noa's diary")).to_be_visible()
    expect(entry(page, "batch LOT-1").locator(".sync")).to_have_text("Sent")
    expect(entry(page, "batch LOT-2B")).to_have_count(0)  # gone once the server has deleted it
    assert list(Infusion.objects.values_list("lot_number", flat=True)) == ["LOT-1"]


def test_an_infusion_logged_offline_warns_at_once_and_is_sent_exactly_once(page: Page):
    user, oli = a_parent_with("Oli")
    sign_in(page, user.email)
    expect(page.get_by_role("heading", name="Oli's diary")).to_be_visible()

    page.context.set_offline(True)
    fill_infusion(page, product="Hyqvia", dose="10", batch="HQ-77", sites="1", reactions=[SWELLING])
    # No server to ask: the phone's own check, from the vocabulary, shows the urgent screen.
    dialog = page.get_by_role("dialog", name="Get urgent help now")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(SWELLING)
    dialog.get_by_role("button", name="Close").click()
    row = entry(page, "Infusion: Hyqvia")
    expect(row.locator(".sync")).to_have_text("Saved on this phone")
    expect(row.locator(".red-flag-mark")).to_have_text("Red flag")
    client_id = row.get_attribute("data-id")
    assert client_id and not Infusion.objects.exists()

    # Back online, the first send reaches the server but its answer is lost on the way back...
    posts: list[str] = []

    def lose_the_answer(route: Route) -> None:
        if route.request.method != "POST":
            return route.fallback()
        posts.append(route.request.post_data_json["id"])
        if len(posts) == 1:
            route.fetch()
            lost.append(True)
            return route.abort()
        return route.fallback()

    lost: list[bool] = []

    page.route(INFUSIONS, lose_the_answer)
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    for _ in range(100):
        if lost:
            break
        page.wait_for_timeout(100)
    assert lost and Infusion.objects.count() == 1
    # ... so the phone sends it again (by itself, or at the next `online`), and the server
    # answers with the one it already has.
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(row.locator(".sync")).to_have_text("Sent")
    assert posts == [client_id, client_id]
    assert list(Infusion.objects.filter(profile=oli).values_list("id", flat=True)) == [uuid.UUID(client_id)]
    page.reload()
    expect(entry(page, "Infusion: Hyqvia").locator(".sync")).to_have_text("Sent")
    assert Infusion.objects.count() == 1


def test_a_childs_weight_and_height_show_with_their_centiles(page: Page):
    born = today() - dt.timedelta(days=7 * 365 + 30)
    user, pia = a_parent_with("Pia", date_of_birth=born, sex="female")
    sign_in(page, user.email)
    page.get_by_role("link", name="Weight and height", exact=True).click()
    expect(page.get_by_role("heading", name="Weight and height")).to_be_focused()
    page.get_by_label("Weight in kilograms (kg)").fill("22.4")
    page.get_by_label("Height in centimetres (cm)").fill("121.5")
    page.get_by_role("button", name="Save weight and height").click()

    expected = growth_centiles(
        date_of_birth=born, sex="female", measured_on=today(), weight_kg=22.4, height_cm=121.5
    )
    weight, height = expected["weight"]["centile"], expected["height"]["centile"]
    row = entry(page, "Weight and height: 22.4 kg, 121.5 cm")
    expect(row.locator(".sync")).to_have_text("Sent")
    expect(row).to_contain_text(f"weight centile {weight}")
    expect(row).to_contain_text(f"height centile {height}")
    measurement = Measurement.objects.get(profile=pia)
    assert (float(measurement.weight_kg), float(measurement.height_cm)) == (22.4, 121.5)

    page.goto("/app/#/chart/growth")
    expect(page.get_by_role("heading", level=1)).to_have_text("Growth")
    expect(page.locator(".facts")).to_contain_text("22.4 kg on ")
    expect(page.locator(".facts")).to_contain_text(f"centile {weight}")
    expect(page.get_by_text(re.compile("^Centiles for age and sex: UK-WHO"))).to_be_visible()
    weights = page.get_by_role("region", name="Weight")
    expect(weights.locator("svg .chart-point")).to_have_count(1)
    expect(weights.locator("svg .chart-note")).to_have_text(f"centile {weight}")
    expect(weights.locator("tbody tr")).to_contain_text(str(weight))


def test_an_adults_weight_shows_without_a_centile(page: Page):
    user = UserFactory(role="patient")
    me = ProfileFactory(
        display_name="Me",
        relationship="self",
        date_of_birth=dt.date(1985, 3, 1),
        sex="male",
        managed_by=[user],
    )
    Measurement.objects.create(
        profile=me, measured_on=today() - dt.timedelta(days=3), weight_kg=Decimal("81.2")
    )
    sign_in(page, user.email)
    expect(page.get_by_role("heading", name="My diary")).to_be_visible()
    page.goto("/app/#/chart/growth")
    weights = page.get_by_role("region", name="Weight")
    expect(weights.locator("tbody tr")).to_have_text(re.compile(r"81\.2 kg\s*—"))
    expect(page.get_by_text("Growth centiles are for children under 18")).to_be_visible()
    expect(page.get_by_role("region", name="Height")).to_contain_text("No height logged yet.")


def test_an_igg_trend_draws_each_result_against_its_own_labs_range(page: Page):
    user, rio = a_parent_with("Rio")
    for years_ago, value, low, high in [
        (2, "7.9", "6.0", "13.0"),
        (1, "5.1", "5.5", "12.0"),
        (0, "6.4", "5.5", "12.0"),
    ]:
        LabResult.objects.create(
            profile=rio,
            analyte="IgG",
            value=Decimal(value),
            unit="g/L",
            reference_low=Decimal(low),
            reference_high=Decimal(high),
            collected_on=today() - dt.timedelta(days=365 * years_ago + 10),
        )
    sign_in(page, user.email)
    expect(page.get_by_role("heading", name="Rio's diary")).to_be_visible()
    page.goto("/app/#/chart/immune")
    levels = page.get_by_role("region", name="Immunoglobulin levels")
    igg = levels.locator("figure").filter(has=page.get_by_role("img", name="IgG (g/L)", exact=True))
    expect(igg.get_by_role("img")).to_have_accessible_description(
        re.compile("^3 results .* 1 below the lab's range")
    )
    expect(igg.locator("svg .chart-point")).to_have_count(3)
    expect(igg.locator("svg .chart-range")).to_have_count(3)
    expect(igg.locator("svg .chart-point-low")).to_have_count(1)
    expect(igg.locator("svg .chart-mark")).to_have_text(["low"])
    rows = igg.locator("tbody tr")
    expect(rows).to_have_count(3)
    # Oldest first, each with its own range; the low one said in words.
    expect(rows.nth(0)).to_contain_text("7.9 g/L")
    expect(rows.nth(0)).to_contain_text("6–13 g/L")
    expect(rows.nth(1)).to_contain_text("5.1 g/L")
    expect(rows.nth(1)).to_contain_text("Yes, below the lab's range")
    expect(rows.nth(2)).to_contain_text("No")


def test_a_titre_is_logged_against_a_vaccination_and_paired_with_its_fold_rise(page: Page):
    user, sam = a_parent_with("Sam")
    vaccine = Vaccination.objects.create(
        profile=sam, vaccine="PPSV23", given_on=today() - dt.timedelta(days=40)
    )
    LabResult.objects.create(
        profile=sam,
        analyte="pneumococcal_titer",
        value=Decimal("0.4"),
        unit="ug/mL",
        collected_on=today() - dt.timedelta(days=41),
        serotype="14",
        timing="pre",
        vaccination=vaccine,
    )
    sign_in(page, user.email)
    page.get_by_role("link", name="Lab result", exact=True).click()
    titre = page.get_by_role("group", name="Pneumococcal titre")
    expect(titre).to_be_hidden()  # only a titre has these
    page.get_by_label("Test").select_option("pneumococcal_titer")
    expect(titre).to_be_visible()
    page.get_by_label("Result").fill("2")
    page.get_by_label("Unit").select_option("ug/mL")
    page.get_by_label("Serotype (optional)").fill("14")
    page.get_by_label("Taken before or after the vaccine? (optional)").select_option("post")
    page.get_by_label("The vaccination it measures (optional)").select_option(str(vaccine.pk))
    page.get_by_role("button", name="Save lab result").click()
    expect(entry(page, "serotype 14").filter(has_text="after the vaccine").locator(".sync")).to_have_text(
        "Sent"
    )
    post = LabResult.objects.get(timing="post")
    assert (post.serotype, post.vaccination_id, float(post.value)) == ("14", vaccine.pk, 2.0)

    page.goto("/app/#/chart/immune")
    responses = page.get_by_role("region", name="Vaccine responses").get_by_role("table")
    expect(responses).to_have_count(1)
    expect(responses.locator("caption")).to_have_text(re.compile("^PPSV23, "))
    row = responses.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("th")).to_have_text("14")
    expect(row.locator("td").nth(0)).to_contain_text("0.4\u00a0µg/mL")
    expect(row.locator("td").nth(1)).to_contain_text("2\u00a0µg/mL")
    expect(row.locator("td").last).to_have_text("5×")


INFUSION_CASES = [
    # (name, route, reactions, days ago)
    ("breathing difficulty today", "subcutaneous", ["breathing_difficulty"], 0),
    ("throat swelling yesterday", "iv", ["face_or_throat_swelling"], 1),
    ("stiff neck 10 days ago", "iv", ["severe_headache_stiff_neck"], 10),
    ("throat swelling 20 days ago", "iv", ["face_or_throat_swelling"], 20),
    ("headache two days after IVIG", "iv", ["headache"], 2),
    ("headache four days after IVIG", "iv", ["headache"], 4),
    ("headache after SCIG", "subcutaneous", ["headache"], 0),
    ("site swelling", "subcutaneous", ["site_swelling"], 0),
    ("no reaction", "iv", ["none_reported"], 0),
]


def test_the_phones_infusion_check_gives_the_servers_levels(page: Page):
    """Offline, the phone judges an infusion with the vocabulary exactly as the server's
    guidance does: urgent, a same-day assessment (a headache after IVIG), or routine."""
    now = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
    born = dt.date(2018, 6, 1)
    server = {
        name: guidance.guidance_for_infusion(
            reactions=reactions,
            route=route,
            given_on=now.date() - dt.timedelta(days=days),
            date_of_birth=born,
            now=now,
        ).level
        for name, route, reactions, days in INFUSION_CASES
    }
    assert set(server.values()) == {"urgent", "contact_care_team", "routine"}
    page.goto("/app/")
    phone = page.evaluate(
        """async ([cases, now, born]) => {
            const { checkUrgency } = await import('/static/pwa/urgency.js');
            const vocabulary = await (await fetch('/api/v1/vocabulary')).json();
            const day = (n) => {
                const d = new Date(now);
                d.setUTCDate(d.getUTCDate() - n);
                return d.toISOString().slice(0, 10);
            };
            return Object.fromEntries(cases.map(([name, route, reactions, days]) => [name, checkUrgency(
                vocabulary,
                { segment: 'infusions', entry: { route, reactions, given_on: day(days) }, dateOfBirth: born, now: new Date(now) },
            ).level]));
        }""",
        [INFUSION_CASES, now.isoformat(), born.isoformat()],
    )
    assert phone == server


def test_a_recalled_batch_is_found_in_every_diary_of_the_family_and_no_one_elses(page: Page):
    user, tom = a_parent_with("Tom")
    una = ProfileFactory(display_name="Una", managed_by=[user])
    _, stranger_child = a_parent_with("Vic")
    for profile, days in [(tom, 3), (una, 10), (stranger_child, 5)]:
        Infusion.objects.create(
            profile=profile,
            given_on=today() - dt.timedelta(days=days),
            product="Privigen",
            route="iv",
            dose_g=20,
            lot_number="RECALL-1",
            reactions=[],
        )
    sign_in(page, user.email)
    expect(page.get_by_role("heading", name=re.compile("'s diary$"))).to_be_visible()
    page.goto("/app/#/chart/immune")
    batch = page.get_by_role("region", name="Find a batch")
    batch.get_by_label("Batch (lot) number").fill("recall-1")
    batch.get_by_role("button", name="Find").click()
    found = batch.locator("li")
    expect(found).to_have_count(2)
    expect(found.nth(0)).to_contain_text("Tom: ")
    expect(found.nth(1)).to_contain_text("Una: ")
    expect(batch).not_to_contain_text("Vic")
    batch.get_by_label("Batch (lot) number").fill("NO-SUCH-LOT")
    batch.get_by_role("button", name="Find").click()
    expect(batch).to_contain_text("No infusion of batch NO-SUCH-LOT in your diaries.")
