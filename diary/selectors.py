"""Reads of the diary that several places share."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Any

from django.db.models import DecimalField, F, JSONField, Q, Subquery, Value
from django.db.models.functions import TruncDate
from django.utils import timezone

from . import clinical, guidance
from .clinical import DAYS_PER_MONTH, ON_THERAPY_DAYS
from .growth import growth_centiles
from .models import (
    Analyte,
    Entry,
    InfectionEpisode,
    Infusion,
    LabResult,
    Measurement,
    Profile,
    SymptomEntry,
    Treatment,
    Vaccination,
)
from .read_together import Part, read_together

SUMMARY_ANALYTES = ("IgM", "IgG", "IgA")
TREND_ANALYTES = ("IgM", "IgG", "IgA", "IgG1", "IgG2", "IgG3", "IgG4")
# How far back other entries matter to one entry's guidance (a fever's run, a recent vaccination).
GUIDANCE_LOOKBACK_DAYS = 31
IMMUNOGLOBULIN = "immunoglobulin"  # the treatment kind that counts as immunoglobulin therapy


def covered_days(spans: Iterable[tuple[date, date | None]], *, start: date, end: date) -> set[date]:
    """The days from start to end covered by at least one (first, last) span; an open span
    runs to `end`. Overlapping courses count once."""
    days: set[date] = set()
    for first, last in spans:
        first, last = max(first, start), min(last or end, end)
        days.update(first + timedelta(days=i) for i in range((last - first).days + 1))
    return days


def covered_day_count(spans: Iterable[tuple[date, date | None]], *, start: date, end: date) -> int:
    """len(covered_days(...)), by merging the spans instead of listing their days: what the
    antibiotic rules ask for every profile they evaluate."""
    clipped = sorted(
        (max(first, start), min(last or end, end))
        for first, last in spans
        if first <= end and (last or end) >= start
    )
    total, reach = 0, start - timedelta(days=1)  # the last day counted so far
    for first, last in clipped:
        if last > reach:
            total += (last - max(first, reach + timedelta(days=1))).days + 1
            reach = last
    return total


def summary_parts(profile: Profile, *, since: date, today: date) -> dict[str, Part]:
    """What the summary of the period `since`..`today` reads, as parts of one query
    (read_together): whoever adds parts of their own (the rules' facts) pays no query more."""
    # The two latest measurements: one with a weight, one with a height (often the same row).
    newest = Measurement.objects.filter(profile=profile).order_by("-measured_on", "-created_at").values("pk")
    return {
        "episodes": Part(
            InfectionEpisode.objects.filter(profile=profile, onset__gte=since, onset__lte=today),
            ("id", "kind", "onset", "severity", "hospitalized", "iv_antibiotics"),
        ),
        "courses": Part(
            Treatment.objects.filter(
                profile=profile, kind__in=(clinical.ANTIBIOTIC, IMMUNOGLOBULIN), started_on__lte=today
            ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=since)),
            ("id", "kind", "started_on", "ended_on", "prophylactic"),
        ),
        # All time, not only the period: a trend is what shows a falling IgG.
        "labs": Part(
            LabResult.objects.filter(profile=profile).filter(
                Q(analyte__in=TREND_ANALYTES) | (Q(analyte=Analyte.PNEUMOCOCCAL_TITER) & ~Q(timing=""))
            ),
            (
                *("id", "analyte", "value", "unit", "reference_low", "reference_high", "collected_on"),
                *("created_at", "serotype", "timing", "vaccination_id"),
                *("vaccination__vaccine", "vaccination__given_on"),
            ),
        ),
        "vaccinations": Part(
            Vaccination.objects.filter(profile=profile, given_on__gte=since, given_on__lte=today),
            ("id", "vaccine", "given_on", "created_at"),
        ),
        "infusions": Part(
            Infusion.objects.filter(
                profile=profile, given_on__gte=since - timedelta(days=ON_THERAPY_DAYS), given_on__lte=today
            ),
            ("id", "given_on", "product", "route", "dose_g", "lot_number", "reactions", "created_at"),
        ),
        "measurements": Part(
            Measurement.objects.filter(
                Q(pk=Subquery(newest.filter(weight_kg__isnull=False)[:1]))
                | Q(pk=Subquery(newest.filter(height_cm__isnull=False)[:1]))
            ),
            ("id", "measured_on", "weight_kg", "height_cm", "created_at"),
        ),
    }


def profile_summary(profile: Profile, *, today: date, days: int = 365) -> dict[str, Any]:
    """Counts over the last `days` days (ending today): one query, however long the diary."""
    since = today - timedelta(days=days - 1)
    return summary_of(
        profile, read_together(summary_parts(profile, since=since, today=today)), since=since, today=today
    )


def summary_of(profile: Profile, rows: dict[str, list[Any]], *, since: date, today: date) -> dict[str, Any]:
    """The summary from the rows of summary_parts (read, perhaps with others, by read_together)."""
    episodes: list[InfectionEpisode] = rows["episodes"]
    labs = sorted(rows["labs"], key=lambda lab: (lab.collected_on, lab.created_at))
    courses: list[Treatment] = rows["courses"]
    antibiotics = [c for c in courses if c.kind == clinical.ANTIBIOTIC]
    antibiotic_days = {
        label: len(
            covered_days(
                [(c.started_on, c.ended_on) for c in antibiotics if c.prophylactic == prophylactic],
                start=since,
                end=today,
            )
        )
        for label, prophylactic in (("treatment", False), ("prophylaxis", True))
    }
    # Oldest first: the last one seen of each analyte is its latest.
    latest_labs = {lab.analyte: lab for lab in labs if lab.analyte in SUMMARY_ANALYTES}
    vaccinations = sorted(rows["vaccinations"], key=lambda v: (v.given_on, v.created_at))
    return {
        "period": {"from": since, "to": today},
        "infections": {
            "total": len(episodes),
            "by_kind": dict(sorted(Counter(e.kind for e in episodes).items())),
        },
        "serious_infections": sum(
            1
            for e in episodes
            if e.kind in clinical.SERIOUS_INFECTION_KINDS or e.severity in clinical.SEVERE_SEVERITIES
        ),
        "hospitalizations": sum(1 for e in episodes if e.hospitalized),
        "iv_antibiotic_courses": sum(1 for e in episodes if e.iv_antibiotics),
        "antibiotic_days": antibiotic_days,
        "latest_labs": {
            analyte: {
                "value": lab.value,
                "unit": lab.unit,
                "reference_low": lab.reference_low,
                "reference_high": lab.reference_high,
                "collected_on": lab.collected_on,
                "below_range": lab.below_range,
            }
            for analyte, lab in sorted(
                latest_labs.items(), key=lambda item: (item[1].collected_on, item[1].created_at), reverse=True
            )
        },
        "vaccinations": [{"vaccine": v.vaccine, "given_on": v.given_on} for v in vaccinations],
        "infusions": infusion_summary(
            rows["infusions"],
            [c for c in courses if c.kind == IMMUNOGLOBULIN],
            date_of_birth=profile.date_of_birth,
            onsets=[e.onset for e in episodes],
            since=since,
            today=today,
        ),
        "titre_responses": titre_responses(labs),
        "trends": immunoglobulin_trends(labs),
        "growth": growth_latest(profile, rows["measurements"]),
    }


# --- the immune record -------------------------------------------------------------------------


def per_month(count: int, days: int) -> float | None:
    return round(count / (days / DAYS_PER_MONTH), 2) if days else None


def infusion_summary(
    infusions: Iterable[Infusion],
    immunoglobulin_courses: Iterable[Treatment],
    *,
    date_of_birth: date,
    onsets: list[date],
    since: date,
    today: date,
) -> dict[str, Any]:
    """Infusions in the period, the usual interval between them (median days), and infections
    per month on and off immunoglobulin therapy. A day is on therapy when an infusion was given
    on it or in the ON_THERAPY_DAYS - 1 days before it, or an immunoglobulin course logged as a treatment
    covers it; days before birth count as neither. `infusions` from ON_THERAPY_DAYS before the
    period to its end."""
    start = max(since, date_of_birth)
    infusions = sorted(infusions, key=lambda i: (i.given_on, i.created_at))
    in_period = [i for i in infusions if i.given_on >= since]
    intervals = [(b.given_on - a.given_on).days for a, b in pairwise(in_period) if b.given_on > a.given_on]
    on_days = covered_days(
        [(i.given_on, i.given_on + timedelta(days=ON_THERAPY_DAYS - 1)) for i in infusions]
        + [(c.started_on, c.ended_on) for c in immunoglobulin_courses],
        start=start,
        end=today,
    )
    period_days = max((today - start).days + 1, 0)
    on_infections = sum(1 for onset in onsets if onset in on_days)
    off_infections = sum(1 for onset in onsets if onset >= start) - on_infections
    return {
        "count": len(in_period),
        "given": [
            {
                "id": i.pk,
                "given_on": i.given_on,
                "product": i.product,
                "route": i.route,
                "dose_g": i.dose_g,
                "lot_number": i.lot_number,
                "reactions": i.reactions,
            }
            for i in in_period
        ],
        "last_given_on": in_period[-1].given_on if in_period else None,
        "usual_interval_days": statistics.median(intervals) if intervals else None,
        "on_therapy_days": ON_THERAPY_DAYS,
        "on_therapy": {
            "days": len(on_days),
            "infections": on_infections,
            "per_month": per_month(on_infections, len(on_days)),
        },
        "off_therapy": {
            "days": period_days - len(on_days),
            "infections": off_infections,
            "per_month": per_month(off_infections, period_days - len(on_days)),
        },
    }


def serotype_order(serotype: str) -> tuple[int, str]:
    """Serotypes in their usual order: 1, 3, 4, 5, 6A, 6B, 7F, 9V, 14, 18C, 19A, 19F, 23F."""
    match = re.match(r"(\d+)(.*)", serotype)
    return (int(match.group(1)), match.group(2)) if match else (10**6, serotype)


def titre_value(lab: LabResult | None) -> dict[str, Any] | None:
    if lab is None:
        return None
    return {"id": lab.pk, "value": lab.value, "unit": lab.unit, "collected_on": lab.collected_on}


def fold_rise(pre: LabResult | None, post: LabResult | None) -> float | None:
    if pre is None or post is None or pre.unit != post.unit or pre.value <= 0:
        return None
    return round(float(post.value / pre.value), 1)


def titre_responses(labs: Iterable[LabResult]) -> list[dict[str, Any]]:
    """Pneumococcal titres paired per vaccination and serotype: the last one before and the
    first one after, with the fold rise (post / pre, same unit). Not judged: the clinician reads
    it against the lab's and the guideline's criteria. `labs` oldest first, their vaccination
    loaded."""
    pairs: dict[tuple[Any, str], dict[str, Any]] = {}
    for lab in labs:
        if lab.analyte != Analyte.PNEUMOCOCCAL_TITER or not lab.timing:
            continue
        pair = pairs.setdefault(
            (lab.vaccination_id, lab.serotype), {"vaccination": lab.vaccination, "pre": None, "post": None}
        )
        if lab.timing == "pre":
            pair["pre"] = lab  # the latest before
        elif pair["post"] is None:
            pair["post"] = lab  # the first after
    ordered = sorted(
        pairs.items(),
        key=lambda item: (
            item[1]["vaccination"] is None,
            item[1]["vaccination"].given_on if item[1]["vaccination"] else date.min,
            str(item[0][0]),
            serotype_order(item[0][1]),
        ),
    )
    return [
        {
            "vaccination": (
                {"id": v.pk, "vaccine": v.vaccine, "given_on": v.given_on}
                if (v := pair["vaccination"])
                else None
            ),
            "serotype": serotype,
            "pre": titre_value(pair["pre"]),
            "post": titre_value(pair["post"]),
            "fold_rise": fold_rise(pair["pre"], pair["post"]),
        }
        for (_, serotype), pair in ordered
    ]


def immunoglobulin_trends(labs: Iterable[LabResult]) -> dict[str, list[dict[str, Any]]]:
    """Every IgM, IgG, IgA and IgG-subclass result, oldest first, each with the reference range
    printed on its own lab report and whether it is below it. `labs` oldest first."""
    trends: dict[str, list[dict[str, Any]]] = {analyte: [] for analyte in TREND_ANALYTES}
    for lab in labs:
        if lab.analyte not in trends:
            continue
        trends[lab.analyte].append(
            {
                "id": lab.pk,
                "value": lab.value,
                "unit": lab.unit,
                "reference_low": lab.reference_low,
                "reference_high": lab.reference_high,
                "collected_on": lab.collected_on,
                "below_range": lab.below_range,
            }
        )
    return trends


def growth_latest(profile: Profile, measurements: Iterable[Measurement]) -> dict[str, Any]:
    """The latest weight and the latest height, each with its centile and SDS for a child
    (see diary.growth for the reference and the ages it covers). `measurements`: at least the
    latest with a weight and the latest with a height."""
    latest: dict[str, Measurement] = {}
    for m in sorted(measurements, key=lambda m: (m.measured_on, m.created_at), reverse=True):
        if m.weight_kg is not None:
            latest.setdefault("weight", m)
        if m.height_cm is not None:
            latest.setdefault("height", m)
        if len(latest) == 2:
            break
    out: dict[str, Any] = {"reference": None, "weight": None, "height": None, "note": None}
    for method, m in latest.items():
        value = m.weight_kg if method == "weight" else m.height_cm
        centiles = growth_centiles(
            date_of_birth=profile.date_of_birth,
            sex=profile.sex,
            measured_on=m.measured_on,
            weight_kg=value if method == "weight" else None,
            height_cm=value if method == "height" else None,
        )
        found = centiles[method] or {}
        out[method] = {
            "id": m.pk,
            "value": value,
            "measured_on": m.measured_on,
            "centile": found.get("centile"),
            "sds": found.get("sds"),
        }
        out["reference"] = out["reference"] or centiles["reference"]
        out["note"] = out["note"] or centiles["note"]
    return out


def guidance_history(profile: Profile, *, day: date, exclude: Any = None) -> guidance.History:
    """The fever days and vaccinations around `day` that one entry's guidance takes into account,
    read in one query over a month of the diary: the symptom entries and the infections with a
    fever temperature (both but the entry itself), and the vaccinations, each row as (day,
    symptoms, temperature, vaccine) — a vaccine names a vaccination, otherwise it is a reading."""
    since, until = day - timedelta(days=GUIDANCE_LOOKBACK_DAYS), day + clinical.DATE_TOLERANCE
    no_symptoms = Value([], output_field=JSONField())
    readings = SymptomEntry.objects.filter(
        # the local days from `since` to `until` as a range of instants: the index finds them
        recorded_at__gte=timezone.make_aware(datetime.combine(since, time.min)),
        recorded_at__lt=timezone.make_aware(datetime.combine(until + timedelta(days=1), time.min)),
    ).annotate(
        g_day=TruncDate("recorded_at"),
        g_symptoms=F("symptoms"),
        g_temperature=F("temperature_c"),
        g_vaccine=Value(""),
    )
    infections = InfectionEpisode.objects.filter(
        onset__gte=since, onset__lte=until, max_temperature_c__gte=clinical.FEVER_C
    ).annotate(
        g_day=F("onset"), g_symptoms=no_symptoms, g_temperature=F("max_temperature_c"), g_vaccine=Value("")
    )
    vaccinations = Vaccination.objects.filter(given_on__gte=since, given_on__lte=until).annotate(
        g_day=F("given_on"),
        g_symptoms=no_symptoms,
        g_temperature=Value(None, output_field=DecimalField(max_digits=3, decimal_places=1)),
        g_vaccine=F("vaccine"),
    )
    columns = ("g_day", "g_symptoms", "g_temperature", "g_vaccine")
    rows = (
        readings.exclude(pk=exclude)
        .filter(profile=profile)
        .order_by()
        .values_list(*columns)
        .union(
            infections.exclude(pk=exclude).filter(profile=profile).order_by().values_list(*columns),
            vaccinations.filter(profile=profile).order_by().values_list(*columns),
            all=True,
        )
    )
    fever_days: list[date] = []
    vaccinated: list[tuple[str, date]] = []
    for on, symptoms, temperature, vaccine in rows:
        if vaccine:
            vaccinated.append((vaccine, on))
        elif clinical.is_fever(symptoms=symptoms, temperature=temperature):
            fever_days.append(on)
    return guidance.History(fever_days=tuple(fever_days), vaccinations=tuple(vaccinated))


def entry_guidance(entry: Entry, profile: Profile, *, now: datetime) -> guidance.Guidance | None:
    """The safety guidance for an infection, symptom or infusion entry (None for other types); `now` local."""
    if isinstance(entry, SymptomEntry):
        recorded_at = timezone.localtime(entry.recorded_at)
        return guidance.guidance_for_symptoms(
            symptoms=entry.symptoms,
            temperature_c=entry.temperature_c,
            recorded_at=recorded_at,
            date_of_birth=profile.date_of_birth,
            now=now,
            history=lambda: guidance_history(profile, day=recorded_at.date(), exclude=entry.pk),
        )
    if isinstance(entry, InfectionEpisode):
        return guidance.guidance_for_infection(
            kind=entry.kind,
            severity=entry.severity,
            onset=entry.onset,
            resolved_on=entry.resolved_on,
            hospitalized=entry.hospitalized,
            icu=entry.icu,
            iv_antibiotics=entry.iv_antibiotics,
            max_temperature_c=entry.max_temperature_c,
            date_of_birth=profile.date_of_birth,
            now=now,
            history=lambda: guidance_history(profile, day=entry.onset, exclude=entry.pk),
        )
    if isinstance(entry, Infusion):
        return guidance.guidance_for_infusion(
            reactions=entry.reactions,
            route=entry.route,
            given_on=entry.given_on,
            date_of_birth=profile.date_of_birth,
            now=now,
        )
    return None
