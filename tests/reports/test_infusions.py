"""Immunoglobulin infusions in the visit summary, the FHIR export and the account export, where
the diary's infusion log (diary.Infusion)."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from pypdf import PdfReader

from diary.models import Infusion
from tests.conftest import client_for
from tests.reports.conftest import today


@pytest.fixture
def infusion(child):
    return Infusion._default_manager.create(
        profile=child,
        given_on=today() - dt.timedelta(days=20),
        product="Hizentra",
        route="subcutaneous",
        dose_g=Decimal("8"),
        lot_number="P100123",
        reactions=["site_swelling"],
    )


def test_the_pdf_lists_each_infusion_with_its_batch(owner, child, infusion):
    response = client_for(owner).get(f"/api/v1/profiles/{child.pk}/report.pdf")

    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).split())
    assert "Immunoglobulin infusions" in text
    assert "Hizentra" in text and "P100123" in text


def test_fhir_carries_the_infusion_as_an_administration_with_its_batch(owner, child, infusion):
    bundle = client_for(owner).get(f"/api/v1/profiles/{child.pk}/export/fhir").json()

    (given,) = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "MedicationAdministration"
    ]
    assert given["id"] == str(infusion.pk)
    assert given["contained"][0]["batch"]["lotNumber"] == "P100123"
    assert given["dosage"]["dose"] == {
        "value": 8.0,
        "unit": "g",
        "system": "http://unitsofmeasure.org",
        "code": "g",
    }
    assert given["status"] == "completed"


def test_the_account_export_holds_the_infusions(owner, child, infusion):
    response = client_for(owner).get("/api/v1/account/export")
    document = json.loads(b"".join(response.streaming_content))

    assert [row["id"] for row in document["profiles"][0]["infusions"]] == [str(infusion.pk)]
