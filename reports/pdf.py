"""The visit summary PDF: one document a family hands to the immunologist (reportlab platypus)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from itertools import groupby
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import KeepTogether

from diary import clinical
from diary.clinical import INFUSION_ROUTES, LAB_UNITS, label_of, reactions_in_words
from diary.models import InfectionKind
from diary.numbers import plain_number

from . import charts
from .selectors import VisitSummary, lab_range

STYLES = getSampleStyleSheet()
BODY = STYLES["BodyText"]
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8, leading=10)
H1, H2 = STYLES["Title"], STYLES["Heading2"]
CHART_WIDTH = 170 * mm
GRID = TableStyle(
    [
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e4ebf3")),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#9aa5b1")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def text(value: object) -> Paragraph:
    return Paragraph(escape("" if value is None else str(value)), SMALL)


def table(header: list[str], rows: Iterable[list[object]], empty: str) -> Flowable:
    rows = [[text(cell) for cell in row] for row in rows]
    if not rows:
        return Paragraph(escape(empty), BODY)
    grid = Table([[text(h) for h in header], *rows], repeatRows=1, hAlign="LEFT")
    grid.setStyle(GRID)
    return grid


def chart(png: bytes, *, height_ratio: float) -> Image:
    return Image(io.BytesIO(png), width=CHART_WIDTH, height=CHART_WIDTH * height_ratio)


def section(title: str, *body: Flowable) -> list[Flowable]:
    return [KeepTogether([Paragraph(escape(title), H2), body[0]]), *body[1:], Spacer(1, 3 * mm)]


def yes(flag: bool) -> str:
    return "yes" if flag else ""


def header(summary: VisitSummary) -> list[Flowable]:
    p = summary.profile
    team = summary.team.name if summary.team else "no care team (default thresholds)"
    return [
        Paragraph(escape(f"Visit summary: {p.display_name}"), H1),
        Paragraph(
            escape(
                f"Born {p.date_of_birth:%d %b %Y} (age {summary.age}) · sex: {p.get_sex_display()} · "
                f"period {summary.start:%d %b %Y} to {summary.end:%d %b %Y} · thresholds of {team}"
            ),
            BODY,
        ),
        Paragraph(
            escape(
                "Written by the family in the SIgMD Portal diary; not a clinical record. "
                f"Printed {summary.today:%d %b %Y}."
            ),
            SMALL,
        ),
        Spacer(1, 4 * mm),
    ]


def counts_section(summary: VisitSummary) -> list[Flowable]:
    by_kind = summary.counts["infections"]["by_kind"]
    kinds = table(
        ["Infection", "Episodes in period"],
        [[InfectionKind(kind).label, n] for kind, n in sorted(by_kind.items(), key=lambda kv: -kv[1])],
        "No infections logged in this period.",
    )
    thresholds = table(
        ["Alert rule", "Count", "Threshold in force", "Window", "Met"],
        [
            [
                row.label,
                f"{row.count} {row.unit}",
                f"{row.threshold} {row.unit}" if row.enabled else "switched off by the team",
                f"{row.window_days} days",
                "MET" if row.met else "",
            ]
            for row in summary.thresholds
        ],
        "",
    )
    total = summary.counts["infections"]["total"]
    return [
        *section(f"Infections: {total} in the period", kinds),
        *section("Against the care team's thresholds", thresholds),
        *section(
            "Infections per month",
            chart(charts.infections_per_month_chart(summary.per_month), height_ratio=0.34),
        ),
    ]


def serious_section(summary: VisitSummary) -> list[Flowable]:
    return section(
        "Serious infections",
        table(
            ["Onset", "Infection", "Severity", "Hospital", "ICU", "IV antibiotics", "Organism", "Resolved"],
            [
                [
                    e.onset,
                    e.get_kind_display(),
                    e.get_severity_display(),
                    yes(e.hospitalized),
                    yes(e.icu),
                    yes(e.iv_antibiotics),
                    e.organism,
                    e.resolved_on or "ongoing",
                ]
                for e in summary.serious
            ],
            "No serious infections in this period.",
        ),
    )


def antibiotics_section(summary: VisitSummary) -> list[Flowable]:
    days = summary.counts["antibiotic_days"]
    treatment_courses = [c for c in summary.courses if not c.prophylactic]
    return section(
        f"Antibiotics: {days['treatment']} days of treatment in {len(treatment_courses)} courses, "
        f"{days['prophylaxis']} days of prophylaxis",
        table(
            ["Started", "Ended", "Antibiotic", "Route", "Prophylactic", "Dose"],
            [
                [c.started_on, c.ended_on or "ongoing", c.name, c.route, yes(c.prophylactic), c.dose]
                for c in summary.courses
            ],
            "No antibiotic courses in this period.",
        ),
    )


def per_month_text(side: dict[str, Any]) -> str:
    if side["per_month"] is None:
        return "no days"
    return f"{side['per_month']} a month ({side['infections']} in {side['days']} days)"


def infusions_section(summary: VisitSummary) -> list[Flowable]:
    infusions = summary.infusions
    interval = infusions["usual_interval_days"]
    facts = Paragraph(
        escape(
            f"{infusions['count']} in the period; usual interval "
            + (f"{interval:g} days (median)" if interval is not None else "not known")
            + f". Infections on therapy: {per_month_text(infusions['on_therapy'])}; "
            f"off therapy: {per_month_text(infusions['off_therapy'])}. A day is on therapy when an "
            f"infusion was given on it or in the {infusions['on_therapy_days']} days before it, or an "
            "immunoglobulin course covers it."
        ),
        BODY,
    )
    return section(
        "Immunoglobulin infusions",
        facts,
        table(
            ["Given", "Product", "Route", "Dose (g)", "Batch", "Reactions"],
            [
                [
                    i["given_on"],
                    i["product"],
                    label_of(INFUSION_ROUTES, i["route"]),
                    plain_number(i["dose_g"]),
                    i["lot_number"],
                    reactions_in_words(i["reactions"]),
                ]
                for i in infusions["given"]
            ],
            "No infusions in this period.",
        ),
    )


def vaccinations_section(summary: VisitSummary) -> list[Flowable]:
    return section(
        "Vaccinations",
        table(
            ["Given", "Vaccine", "Notes"],
            [[v.given_on, v.vaccine, v.notes] for v in summary.vaccinations],
            "No vaccinations in this period.",
        ),
    )


def titre_text(titre: dict[str, Any] | None) -> str:
    if titre is None:
        return "none"
    return f"{plain_number(titre['value'])} {label_of(LAB_UNITS, titre['unit'])} ({titre['collected_on']})"


def vaccine_responses_section(summary: VisitSummary) -> list[Flowable]:
    """Pneumococcal titres before and after, per serotype, with the fold rise; not judged."""
    if not summary.titre_responses:
        return []
    return section(
        "Vaccine responses: pneumococcal titres before and after",
        table(
            ["Vaccination", "Serotype", "Before", "After", "Fold rise"],
            [
                [
                    f"{v['vaccine']} ({v['given_on']})" if (v := pair["vaccination"]) else "not linked",
                    pair["serotype"],
                    titre_text(pair["pre"]),
                    titre_text(pair["post"]),
                    f"{pair['fold_rise']:g}x" if pair["fold_rise"] is not None else "",
                ]
                for pair in summary.titre_responses
            ],
            "",
        ),
        Paragraph(
            escape(
                "Fold rise: after divided by before, in the same unit. Read against the lab's and "
                "the guideline's criteria."
            ),
            SMALL,
        ),
    )


def labs_section(summary: VisitSummary) -> list[Flowable]:
    if not summary.labs:
        return section("Immunoglobulin results", Paragraph("No IgM, IgG or IgA results logged.", BODY))
    body: list[Flowable] = []
    for analyte, results in summary.labs.items():
        # One chart per unit: a mg/dL and a g/L value on one axis would mislead.
        for unit, same_unit in groupby(
            sorted(results, key=lambda r: (r["unit"], r["collected_on"])), key=lambda r: r["unit"]
        ):
            series = list(same_unit)
            body.append(chart(charts.lab_trend_chart(analyte, series), height_ratio=0.31))
            body.append(
                table(
                    ["Collected", analyte, "Lab's range", "Below range"],
                    [
                        [
                            r["collected_on"],
                            f"{plain_number(r['value'])} {label_of(LAB_UNITS, unit)}",
                            lab_range(r["reference_low"], r["reference_high"]),
                            "LOW" if r["below_range"] else "",
                        ]
                        for r in series
                    ],
                    "",
                )
            )
    return section("Immunoglobulin results over time, against each lab's range", *body)


def growth_value(latest: dict[str, Any] | None, unit: str) -> list[object]:
    if latest is None:
        return ["none recorded", "", ""]
    centile = "no centile" if latest["centile"] is None else f"{latest['centile']:g}"
    sds = "" if latest["sds"] is None else f"{latest['sds']:.2f}"
    return [f"{plain_number(latest['value'])} {unit} ({latest['measured_on']})", centile, sds]


def growth_section(summary: VisitSummary) -> list[Flowable]:
    """The latest weight and height with their centiles (the summary's), and every measurement
    on a small chart. An adult without measurements has no section."""
    latest = summary.latest_growth
    if not summary.growth and not clinical.is_child(summary.profile.date_of_birth, summary.today):
        return []
    if not summary.growth:
        return section("Growth", Paragraph("No weight or height recorded.", BODY))
    reference = f"Reference: {latest['reference']}. " if latest["reference"] else ""
    body: list[Flowable] = [
        table(
            ["", "Latest (measured)", "Centile", "SDS"],
            [
                ["Weight", *growth_value(latest["weight"], "kg")],
                ["Height", *growth_value(latest["height"], "cm")],
            ],
            "",
        ),
        Paragraph(escape(reference + clinical.GROWTH_REFERENCE_SCOPE), SMALL),
    ]
    if latest["note"]:
        body.append(Paragraph(escape(latest["note"]), SMALL))
    body.append(chart(charts.growth_chart(summary.growth), height_ratio=0.31))
    body.append(Paragraph("Every measurement; the number by a point is its centile (c).", SMALL))
    return section("Growth", *body)


def alerts_section(summary: VisitSummary) -> list[Flowable]:
    return section(
        "Open and recent alerts",
        table(
            ["Raised", "Priority", "Status", "Alert"],
            [[a.created_at.date(), a.priority, a.status, a.summary] for a in summary.alerts],
            "No open or recent alerts.",
        ),
    )


def questions_section(summary: VisitSummary) -> list[Flowable]:
    lines = summary.questions.strip() or "(space for the family's questions)"
    return section(
        "The family's questions",
        Paragraph(escape(lines).replace("\n", "<br/>"), BODY),
    )


def render_visit_summary(summary: VisitSummary) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"Visit summary: {summary.profile.display_name}",
        author="SIgMD Portal",
    )
    story = [
        *header(summary),
        *counts_section(summary),
        *serious_section(summary),
        *antibiotics_section(summary),
        *infusions_section(summary),
        *vaccinations_section(summary),
        *vaccine_responses_section(summary),
        *labs_section(summary),
        *growth_section(summary),
        *alerts_section(summary),
        *questions_section(summary),
    ]
    document.build(story)
    return buffer.getvalue()
