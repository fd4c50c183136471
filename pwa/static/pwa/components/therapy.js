// Immunoglobulin therapy in the summary's period: the infusions given, the usual interval
// between them, and infections per month on and off therapy — the figures an immunologist
// weighs with the trough IgG.

import { formatDate } from "../dates.js";
import { dataTable, h, link } from "../dom.js";
import { reactionsText } from "../entries.js";
import { label } from "../vocabulary.js";

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;
const orDash = (value) => (value === null || value === undefined ? "—" : String(value));

const reactionsCell = (codes) => (codes.length ? reactionsText(codes).join("; ") : "none logged");

const infusionTable = (given) =>
  dataTable(
    "Infusions in the period",
    ["Given on", "Product and dose", "Batch", "Reactions"],
    [...given]
      .reverse()
      .map((i) => [
        formatDate(i.given_on),
        `${i.product}, ${i.dose_g}\u00a0g, ${label("infusion_route", i.route)}`,
        i.lot_number || "not given",
        reactionsCell(i.reactions || []),
      ]),
  );

const onOffTable = (infusions) =>
  dataTable(
    "Infections per month, on and off therapy",
    ["Immunoglobulin", "Days", "Infections", "Per month"],
    [
      ["On therapy", infusions.on_therapy],
      ["Off therapy", infusions.off_therapy],
    ].map(([name, part]) => [name, String(part.days), String(part.infections), orDash(part.per_month)]),
  );

// infusions: the summary's `infusions`; period: its `period` ({from, to}).
export function therapySection(infusions, period) {
  const interval = infusions.usual_interval_days;
  return [
    h("p", {}, `From ${formatDate(period.from)} to ${formatDate(period.to)}.`),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "Infusions"),
      h("dd", {}, plural(infusions.count, "infusion", "infusions")),
      h("dt", {}, "Usual interval"),
      h("dd", {}, interval === null ? "—" : `every ${interval} days`),
      h("dt", {}, "Last infusion"),
      h("dd", {}, infusions.last_given_on ? formatDate(infusions.last_given_on) : "—"),
    ),
    onOffTable(infusions),
    h(
      "p",
      { class: "hint" },
      `Each infusion counts as therapy for ${infusions.on_therapy_days} days from the day it was given; ` +
        "an immunoglobulin course logged as a treatment counts too.",
    ),
    infusions.given.length
      ? h(
          "details",
          {},
          h("summary", {}, `The ${plural(infusions.count, "infusion", "infusions")}, newest first`),
          infusionTable(infusions.given),
        )
      : h("p", {}, "No infusions in the period. ", link("#/log/infusion", "Log an infusion")),
  ];
}
