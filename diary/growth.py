"""Children's growth centiles, from the RCPCH's rcpchgrowth library (UK-WHO charts): never from
hand-typed tables. Which reference and which ages: see `clinical.GROWTH_REFERENCE`.

Pure functions: no database, no clock.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from rcpchgrowth import Measurement as GrowthMeasurement

from .clinical import GROWTH_REFERENCE, GROWTH_REFERENCE_LABEL, GROWTH_SEXES, is_child

ADULT_NOTE = "Growth centiles are for children under 18; adults see their values only."
SEX_NOTE = "Growth centiles need the profile's sex (female or male)."


def centile_for(
    *, date_of_birth: date, sex: str, measured_on: date, method: str, value: Decimal
) -> tuple[dict[str, float] | None, str | None]:
    """({"centile", "sds"}, None) for one weight ("weight", kg) or height ("height", cm), or
    (None, why not). The library's own checks apply: a value it considers an error (beyond
    ±8 SD), or an age outside its reference, gets no centile."""
    result = GrowthMeasurement(
        birth_date=date_of_birth,
        observation_date=measured_on,
        measurement_method=method,
        observation_value=float(value),
        reference=GROWTH_REFERENCE,
        sex=sex,
    ).measurement
    values = result["measurement_calculated_values"]
    error = result["child_observation_value"]["observation_value_error"]
    error = error or values["chronological_measurement_error"]
    if error or values["chronological_sds"] is None or values["chronological_centile"] is None:
        return None, error or "No centile for this age in the reference."
    return {
        "centile": round(float(values["chronological_centile"]), 1),
        "sds": round(float(values["chronological_sds"]), 2),
    }, None


def growth_centiles(
    *,
    date_of_birth: date,
    sex: str,
    measured_on: date,
    weight_kg: Decimal | None,
    height_cm: Decimal | None,
) -> dict[str, Any]:
    """The centiles of one measurement for the profile's age (chronological, birth at term
    assumed) and sex: `{"reference", "weight", "height", "note"}`; reference and values are
    None where no centile applies, and `note` says why."""
    if not is_child(date_of_birth, measured_on):
        return {"reference": None, "weight": None, "height": None, "note": ADULT_NOTE}
    if sex not in GROWTH_SEXES:
        return {"reference": None, "weight": None, "height": None, "note": SEX_NOTE}
    out: dict[str, Any] = {"reference": GROWTH_REFERENCE_LABEL, "weight": None, "height": None, "note": None}
    for method, value in (("weight", weight_kg), ("height", height_cm)):
        if value is None:
            continue
        out[method], why = centile_for(
            date_of_birth=date_of_birth, sex=sex, measured_on=measured_on, method=method, value=value
        )
        out["note"] = out["note"] or why
    return out
