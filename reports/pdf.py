"""The visit summary PDF: one document a family hands to the immunologist (reportlab platypus)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from itertools import groupby
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import KeepTogether

from diary.models import InfectionKind

from . import charts
from .selectors import VisitSummary, lab_range, plain_number

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


def infusions_section(summary: VisitSummary) -> list[Flowable]:
    if summary.infusions is None:
        return []
    return section(
        "Immunoglobulin infusions",
        table(
            ["Given", "Product", "Route", "Dose (g)", "Batch", "Reactions"],
            [
                [
                    i.given_on,
                    i.product,
                    i.route,
                    i.dose_g,
                    i.lot_number,
                    ", ".join(getattr(i, "reactions", None) or []),
                ]
                for i in summary.infusions
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


def labs_section(summary: VisitSummary) -> list[Flowable]:
    if not summary.labs:
        return section("Immunoglobulin results", Paragraph("No IgM, IgG or IgA results logged.", BODY))
    body: list[Flowable] = []
    for analyte, results in summary.labs.items():
        # One chart per unit: a mg/dL and a g/L value on one axis would mislead.
        for unit, same_unit in groupby(
            sorted(results, key=lambda r: (r.unit, r.collected_on)), key=lambda r: r.unit
        ):
            series = list(same_unit)
            body.append(chart(charts.lab_trend_chart(analyte, series), height_ratio=0.31))
            body.append(
                table(
                    ["Collected", analyte, "Lab's range", "Below range"],
                    [
                        [
                            r.collected_on,
                            f"{plain_number(r.value)} {unit}",
                            lab_range(r.reference_low, r.reference_high),
                            "LOW" if r.below_range else "",
                        ]
                        for r in series
                    ],
                    "",
                )
            )
    return section("Immunoglobulin results over time, against each lab's range", *body)


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
        *labs_section(summary),
        *alerts_section(summary),
        *questions_section(summary),
    ]
    document.build(story)
    return buffer.getvalue()
