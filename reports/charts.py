"""The visit summary's charts, drawn with matplotlib's object API on the Agg canvas: no pyplot
global state, so concurrent requests and worker threads never share a figure."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import date2num
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

INK = "#1f2933"
BAR = "#2563a8"
RANGE = "#9ab6d6"
LOW = "#b42318"


def png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=120)
    return buffer.getvalue()


def infections_per_month_chart(per_month: list[tuple[date, int]]) -> bytes:
    figure = Figure(figsize=(7, 2.4), layout="constrained")
    axes = figure.add_subplot()
    labels = [
        month.strftime("%b\n%Y") if month.month == 1 or i == 0 else month.strftime("%b")
        for i, (month, _) in enumerate(per_month)
    ]
    axes.bar(range(len(per_month)), [n for _, n in per_month], color=BAR)
    axes.set_xticks(range(len(per_month)), labels, fontsize=7, color=INK)
    axes.set_ylabel("Infections", color=INK)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.spines[["top", "right"]].set_visible(False)
    return png(figure)


def lab_trend_chart(analyte: str, results: list[dict[str, Any]]) -> bytes:
    """Each result (the summary's trend rows, one unit) against the range printed on its own lab
    report (ranges differ by lab and age)."""
    figure = Figure(figsize=(7, 2.2), layout="constrained")
    axes = figure.add_subplot()
    days = date2num([r["collected_on"] for r in results])
    values = [float(r["value"]) for r in results]
    ranges = [
        (r["collected_on"], float(r["reference_low"]), float(r["reference_high"]))
        for r in results
        if r["reference_low"] is not None and r["reference_high"] is not None
    ]
    if ranges:
        axes.vlines(
            date2num([day for day, _, _ in ranges]),
            [low for _, low, _ in ranges],
            [high for _, _, high in ranges],
            color=RANGE,
            linewidth=6,
            alpha=0.7,
            label="lab's range",
        )
    axes.plot(days, values, color=INK, marker="o", linewidth=1)
    low = [(r["collected_on"], float(r["value"])) for r in results if r["below_range"]]
    if low:
        # A triangle as well as the colour: the mark survives a black-and-white print.
        axes.scatter(
            date2num([d for d, _ in low]),
            [v for _, v in low],
            color=LOW,
            marker="v",
            s=50,
            zorder=3,
            label="below range",
        )
        axes.legend(fontsize=7, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
    axes.set_ylabel(f"{analyte} ({results[-1]['unit']})", color=INK)
    date_axis(axes, days)
    figure.autofmt_xdate()
    return png(figure)


def growth_chart(history: list[dict[str, Any]]) -> bytes:
    """Weight and height over time, side by side, each point with its centile where one applies
    (the centiles are the growth library's, carried in by the caller)."""
    figure = Figure(figsize=(7, 2.2), layout="constrained")
    for axes, field, method, label in zip(
        figure.subplots(1, 2),
        ("weight_kg", "height_cm"),
        ("weight", "height"),
        ("Weight (kg)", "Height (cm)"),
        strict=True,
    ):
        rows = [r for r in history if r[field] is not None]
        days = date2num([r["measured_on"] for r in rows])
        values = [float(r[field]) for r in rows]
        axes.plot(days, values, color=INK, marker="o", linewidth=1)
        for day, value, row in zip(days, values, rows, strict=True):
            if row[method]:
                axes.annotate(
                    f"c{row[method]['centile']:g}",
                    (day, value),
                    textcoords="offset points",
                    xytext=(0, 5),
                    ha="center",
                    fontsize=6,
                    color=INK,
                )
        axes.set_ylabel(label, color=INK)
        if rows:
            date_axis(axes, days)
        else:
            axes.set_xticks([])
            axes.text(0.5, 0.5, "none recorded", transform=axes.transAxes, ha="center", color=INK)
    figure.autofmt_xdate()
    return png(figure)


def date_axis(axes: Axes, days: Any) -> None:
    axes.xaxis_date()
    if len(set(days)) == 1:
        # One date: a few weeks either side instead of matplotlib's default of years.
        axes.set_xlim(days[0] - 45, days[0] + 45)
    axes.spines[["top", "right"]].set_visible(False)
