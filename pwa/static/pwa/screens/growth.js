// Growth: every weight and height of the diary over time, each with its centile for age and sex
// where the server gave one (children; UK-WHO charts through rcpchgrowth), and the latest
// centiles from the summary. An adult's values, or ones not yet sent, show without a centile.

import { api, optionalGet } from "../api.js";
import { currentEntries, loadEntries } from "../changes.js";
import { chartNav } from "../components/chart-nav.js";
import { profileSwitcher } from "../components/chrome.js";
import { timeChart } from "../components/time-chart.js";
import { formatDate } from "../dates.js";
import { h, link, screen } from "../dom.js";
import { selectProfile } from "../session.js";
import { currentProfile, state } from "../state.js";

const METHODS = [
  { method: "weight", field: "weight_kg", name: "Weight", unit: "kg" },
  { method: "height", field: "height_cm", name: "Height", unit: "cm" },
];
const present = (value) => value !== null && value !== undefined && value !== "";

function centileOf(entry, method) {
  const found = entry.centiles && entry.centiles[method];
  return found && present(found.centile) ? found.centile : null;
}

function methodChart({ method, field, name, unit }, entries, waiting) {
  const points = entries
    .filter((e) => present(e[field]))
    .reverse() // oldest first
    .map((e) => ({ date: e.measured_on, value: e[field], id: e.id, centile: centileOf(e, method) }));
  if (!points.length) return h("p", {}, `No ${name.toLowerCase()} logged yet.`);
  const last = points[points.length - 1];
  if (last.centile !== null) last.note = `centile ${last.centile}`;
  return timeChart({
    title: `${name} (${unit})`,
    description:
      `${points.length} ${points.length === 1 ? "measurement" : "measurements"}, the latest ` +
      `${last.value} ${unit}${last.note ? ` (${last.note})` : ""}. The table below lists them.`,
    fromZero: false,
    points,
    columns: [
      { heading: "Measured on", cell: (p) => formatDate(p.date) },
      { heading: name, cell: (p) => `${p.value} ${unit}` },
      {
        heading: "Centile",
        cell: (p) => (p.centile !== null ? String(p.centile) : waiting.has(p.id) ? "when sent" : "—"),
      },
    ],
  });
}

// The summary's latest weight and height with their centiles, the reference, and why not.
function latestLine(growth) {
  if (!growth)
    return h("p", { class: "hint" }, "Centiles come from the server: they show when there is a connection.");
  const facts = METHODS.filter(({ method }) => growth[method]).flatMap(({ method, name, unit }) => {
    const m = growth[method];
    return [
      h("dt", {}, `Latest ${name.toLowerCase()}`),
      h(
        "dd",
        {},
        `${m.value} ${unit} on ${formatDate(m.measured_on)}`,
        m.centile === null ? "" : `, centile ${m.centile}`,
      ),
    ];
  });
  return [
    facts.length ? h("dl", { class: "facts" }, facts) : null,
    growth.reference ? h("p", { class: "hint" }, `Centiles for age and sex: ${growth.reference}.`) : null,
    growth.note ? h("p", { class: "hint" }, growth.note) : null,
  ];
}

export async function growthScreen() {
  const profile = currentProfile();
  await loadEntries(profile.id);
  const summary = await optionalGet(() => api.summary(profile.id));
  const entries = currentEntries(profile.id, "measurements");
  const waiting = new Set(state.outbox.filter((i) => i.segment === "measurements").map((i) => i.entryId));
  return screen(
    "Growth",
    profileSwitcher((id) => selectProfile(id)),
    chartNav("/chart/growth"),
    latestLine(summary && summary.growth),
    METHODS.map((m) =>
      h(
        "section",
        { "aria-labelledby": `${m.method}-heading` },
        h("h2", { id: `${m.method}-heading` }, m.name),
        methodChart(m, entries, waiting),
      ),
    ),
    h("p", {}, link("#/log/measurement", "Log weight and height", { class: "button" })),
  );
}
