// The 12-month chart of infections by kind, drawn as inline SVG (no library, no inline style:
// colours come from app.css classes), with the alert rules' thresholds drawn in.
// A table follows it with the same numbers, for screen readers and for anyone who prefers one.

import { h } from "../dom.js";
import { svg } from "./svg.js";

const WIDTH = 320;
const ROW = 44; // a label above each bar, so long names fit a 320 px phone
const BAR_HEIGHT = 16;

// The frequency rules that count one kind of infection (DESIGN.md, alert rules).
const RULE_KINDS = {
  recurrent_ear_infections: "otitis_media",
  recurrent_sinus_infections: "sinusitis",
  recurrent_pneumonia: "pneumonia",
};

// Counts of episodes with onset in the last 365 days (today included), by kind.
export function countByKind(infections, today) {
  const since = new Date(`${today}T00:00:00`);
  since.setDate(since.getDate() - 364);
  const from = since.toLocaleDateString("en-CA");
  const counts = new Map();
  for (const episode of infections) {
    if (episode.onset >= from && episode.onset <= today) {
      counts.set(episode.kind, (counts.get(episode.kind) || 0) + 1);
    }
  }
  return counts;
}

// thresholds: the `thresholds` list of GET /profiles/{id}/summary, or [] when it is unavailable.
export function thresholdsByKind(thresholds) {
  const byKind = new Map();
  for (const t of thresholds || []) {
    const kind = RULE_KINDS[t.rule];
    if (kind) byKind.set(kind, { count: t.threshold, windowDays: t.window_days, met: t.met });
  }
  return byKind;
}

export function infectionChart({ infections, thresholds, today, kindLabel }) {
  const counts = countByKind(infections, today);
  const limits = thresholdsByKind(thresholds);
  const kinds = [...new Set([...counts.keys(), ...limits.keys()])].sort(
    (a, b) => (counts.get(b) || 0) - (counts.get(a) || 0) || kindLabel(a).localeCompare(kindLabel(b)),
  );
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const scaleMax = Math.max(1, ...counts.values(), ...[...limits.values()].map((l) => l.count));
  const barSpace = WIDTH - 40;
  const x = (n) => (n / scaleMax) * barSpace;

  const height = Math.max(1, kinds.length) * ROW + 8;
  const chart = svg("svg", {
    viewBox: `0 0 ${WIDTH} ${height}`,
    role: "img",
    "aria-labelledby": "chart-title chart-desc",
    class: "chart",
  });
  chart.append(
    svg("title", { id: "chart-title" }, "Infections in the last 12 months, by kind"),
    svg(
      "desc",
      { id: "chart-desc" },
      total === 0
        ? "No infections logged in the last 12 months."
        : `${total} infections in total; the table below lists them.`,
    ),
  );
  kinds.forEach((kind, i) => {
    const top = i * ROW;
    const n = counts.get(kind) || 0;
    const row = svg("g", { class: "chart-row" });
    row.append(svg("text", { x: 0, y: top + 14, class: "chart-label" }, kindLabel(kind)));
    row.append(
      svg("rect", {
        x: 0,
        y: top + 20,
        width: Math.max(2, x(n)),
        height: BAR_HEIGHT,
        rx: 3,
        class: "chart-bar",
      }),
    );
    row.append(svg("text", { x: x(n) + 6, y: top + 33, class: "chart-count" }, String(n)));
    const limit = limits.get(kind);
    if (limit) {
      row.append(
        svg("line", {
          x1: x(limit.count),
          x2: x(limit.count),
          y1: top + 16,
          y2: top + 40,
          class: "chart-threshold",
        }),
      );
    }
    chart.append(row);
  });

  const table = h(
    "table",
    { class: "chart-table" },
    h("caption", {}, "Infections in the last 12 months"),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, "Kind"),
        h("th", { scope: "col" }, "Count"),
        h("th", { scope: "col" }, "Care-team threshold"),
      ),
    ),
    h(
      "tbody",
      {},
      kinds.map((kind) => {
        const limit = limits.get(kind);
        const limitText = limit
          ? `${limit.count} in ${limit.windowDays} days${limit.met ? " (reached)" : ""}`
          : "—";
        return h(
          "tr",
          {},
          h("th", { scope: "row" }, kindLabel(kind)),
          h("td", {}, String(counts.get(kind) || 0)),
          h("td", {}, limitText),
        );
      }),
    ),
  );
  const legend = limits.size
    ? h(
        "p",
        { class: "chart-legend" },
        h("span", { class: "legend-line", "aria-hidden": "true" }),
        " Dashed line: the number at which your care team is alerted.",
      )
    : h(
        "p",
        { class: "chart-legend" },
        "The care team's thresholds could not be loaded, so they are not drawn.",
      );
  return h("figure", { class: "chart-figure" }, chart, legend, table);
}
