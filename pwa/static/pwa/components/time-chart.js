// Values over time, drawn as inline SVG like the infection chart: one point per reading, and
// where a reading has a range of its own (the normal range printed on that lab's report) a
// shaded bar behind its point, so each point is read against its own lab, not one range for
// all. A point below its range is a triangle with the word "low" beside it, never colour alone.
// A table with the same values follows, for screen readers and for anyone who prefers one.

import { formatDate } from "../dates.js";
import { dataTable, h } from "../dom.js";
import { svg } from "./svg.js";

const WIDTH = 320;
const HEIGHT = 190;
const PLOT = { left: 44, right: WIDTH - 18, top: 22, bottom: HEIGHT - 30 };
const INSET = 10; // the first and last points sit clear of the value axis and the edge
const TICKS = 4;

let drawn = 0; // each chart's own ids, for several on one screen

const time = (day) => new Date(`${day}T00:00:00`).getTime();
const number = (value) => String(Number(Number(value).toFixed(2)));
const present = (value) => value !== null && value !== undefined && value !== "";

// A value axis of round steps (1, 2, 2.5, 5 × 10ⁿ) that holds every value and range end.
export function valueAxis(values, { fromZero }) {
  let lo = fromZero ? 0 : Math.min(...values);
  let hi = Math.max(...values);
  if (hi <= lo) [lo, hi] = fromZero ? [0, hi || 1] : [lo - 1, hi + 1];
  const raw = (hi - lo) / TICKS;
  const size = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * size).find((s) => s >= raw);
  const start = fromZero ? 0 : Math.floor(lo / step) * step;
  const end = Math.max(Math.ceil(hi / step) * step, start + step);
  return { start, end, step };
}

// points: [{date "YYYY-MM-DD", value, low|null, high|null, below, note|null}], oldest first.
// columns: [{heading, cell(point) -> text}] for the table. `note` is drawn by the newest point.
export function timeChart({ title, description, points, columns, fromZero = true, legend = null }) {
  const id = `time-chart-${++drawn}`;
  const ends = points
    .flatMap((p) => [p.value, p.low, p.high])
    .filter(present)
    .map(Number);
  const axis = valueAxis(ends, { fromZero });
  const first = time(points[0].date);
  const span = time(points[points.length - 1].date) - first;
  const x = (p) =>
    span
      ? PLOT.left + INSET + ((time(p.date) - first) / span) * (PLOT.right - PLOT.left - 2 * INSET)
      : (PLOT.left + PLOT.right) / 2;
  const y = (v) =>
    PLOT.bottom - ((Number(v) - axis.start) / (axis.end - axis.start)) * (PLOT.bottom - PLOT.top);

  const chart = svg("svg", {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    role: "img",
    "aria-labelledby": `${id}-title`,
    "aria-describedby": `${id}-desc`,
    class: "chart",
  });
  chart.append(svg("title", { id: `${id}-title` }, title), svg("desc", { id: `${id}-desc` }, description));

  const grid = svg("g", { class: "chart-grid" });
  for (let v = axis.start; v <= axis.end + axis.step / 1000; v += axis.step) {
    grid.append(svg("line", { x1: PLOT.left, x2: PLOT.right, y1: y(v), y2: y(v), class: "chart-axis" }));
    grid.append(
      svg("text", { x: PLOT.left - 6, y: y(v) + 4, "text-anchor": "end", class: "chart-tick" }, number(v)),
    );
  }
  const last = points[points.length - 1];
  const dates = span ? [points[0], last] : [last];
  dates.forEach((p, i) => {
    const anchor = !span ? "middle" : i === 0 ? "start" : "end";
    const at = !span ? x(p) : i === 0 ? PLOT.left : PLOT.right;
    grid.append(
      svg("text", { x: at, y: HEIGHT - 8, "text-anchor": anchor, class: "chart-tick" }, formatDate(p.date)),
    );
  });
  chart.append(grid);

  for (const p of points) {
    if (!present(p.low) && !present(p.high)) continue;
    const top = y(present(p.high) ? p.high : axis.end);
    const bottom = y(present(p.low) ? p.low : axis.start);
    chart.append(svg("rect", { x: x(p) - 5, y: top, width: 10, height: bottom - top, class: "chart-range" }));
  }
  if (points.length > 1) {
    chart.append(
      svg("polyline", { points: points.map((p) => `${x(p)},${y(p.value)}`).join(" "), class: "chart-line" }),
    );
  }
  for (const p of points) {
    const [px, py] = [x(p), y(p.value)];
    const leftward = px > PLOT.right - 40;
    if (p.below) {
      chart.append(
        svg("path", {
          d: `M${px - 6},${py - 4} L${px + 6},${py - 4} L${px},${py + 6} Z`,
          class: "chart-point chart-point-low",
        }),
        svg(
          "text",
          {
            x: leftward ? px - 9 : px + 9,
            y: py + 5,
            "text-anchor": leftward ? "end" : "start",
            class: "chart-mark",
          },
          "low",
        ),
      );
    } else {
      chart.append(svg("circle", { cx: px, cy: py, r: 5, class: "chart-point" }));
    }
  }
  if (last.note) {
    const px = x(last);
    const anchor = px > PLOT.right - 60 ? "end" : px < PLOT.left + 60 ? "start" : "middle";
    chart.append(
      svg("text", { x: px, y: y(last.value) - 10, "text-anchor": anchor, class: "chart-note" }, last.note),
    );
  }

  const table = dataTable(
    title,
    columns.map((c) => c.heading),
    points.map((p) => columns.map((c) => c.cell(p))),
  );
  return h("figure", { class: "chart-figure" }, chart, legend, table);
}
