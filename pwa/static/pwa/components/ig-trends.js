// The immunoglobulin trends of the summary (every IgM, IgG, IgA and IgG-subclass result, oldest
// first, each with its own lab's range and whether it is below it), one chart per test and
// unit: results in g/L and in mg/dL are never drawn on one axis.

import { formatDate } from "../dates.js";
import { h } from "../dom.js";
import { label } from "../vocabulary.js";
import { timeChart } from "./time-chart.js";

const present = (value) => value !== null && value !== undefined;
const NBSP = "\u00a0"; // a value and its unit never part at the end of a line

function rangeText(low, high, unit) {
  if (present(low) && present(high)) return `${low}–${high}${NBSP}${unit}`;
  if (present(low)) return `${low}${NBSP}${unit} or more`;
  if (present(high)) return `up to ${high}${NBSP}${unit}`;
  return "not given";
}

const legend = () =>
  h(
    "p",
    { class: "chart-legend" },
    h("span", { class: "legend-range", "aria-hidden": "true" }),
    " Shaded bar: the normal range printed on that result's own lab report. ",
    h("span", { class: "legend-low", "aria-hidden": "true" }, "▼"),
    " low: below that range.",
  );

function analyteChart(name, unit, results) {
  const unitLabel = label("lab_unit", unit);
  const below = results.filter((r) => r.below_range).length;
  const [first, last] = [results[0], results[results.length - 1]];
  return timeChart({
    title: name,
    description:
      `${results.length} ${results.length === 1 ? "result" : "results"} from ${formatDate(first.collected_on)} ` +
      `to ${formatDate(last.collected_on)}; ${below} below the lab's range. The table below lists them.`,
    points: results.map((r) => ({
      date: r.collected_on,
      value: r.value,
      low: r.reference_low,
      high: r.reference_high,
      below: r.below_range,
    })),
    columns: [
      { heading: "Taken on", cell: (p) => formatDate(p.date) },
      { heading: "Result", cell: (p) => `${p.value}${NBSP}${unitLabel}` },
      { heading: "Lab's normal range", cell: (p) => rangeText(p.low, p.high, unitLabel) },
      { heading: "Below the range?", cell: (p) => (p.below ? "Yes, below the lab's range" : "No") },
    ],
    legend: legend(),
  });
}

// trends: the summary's `trends` ({analyte: [result, ...]}), in the server's order of tests.
export function igTrends(trends) {
  const charts = [];
  for (const [analyte, results] of Object.entries(trends || {})) {
    const units = [...new Set(results.map((r) => r.unit))];
    for (const unit of units) {
      const name = `${label("analyte", analyte)} (${label("lab_unit", unit)})`;
      charts.push(
        h("h3", {}, name),
        analyteChart(
          name,
          unit,
          results.filter((r) => r.unit === unit),
        ),
      );
    }
  }
  return charts.length ? charts : [h("p", {}, "No immunoglobulin results in the diary yet.")];
}
