// Pneumococcal titres before and after a vaccine, per serotype, with the fold rise the summary
// computes (after ÷ before, same unit): one table per vaccination. Not judged here: the
// immunologist reads it against the lab's and the guideline's criteria.

import { formatDate } from "../dates.js";
import { dataTable, h } from "../dom.js";
import { label } from "../vocabulary.js";
import { vaccinationName } from "./titre-fields.js";

const titre = (t) =>
  t
    ? [
        `${t.value}\u00a0${label("lab_unit", t.unit)}`,
        h("span", { class: "cell-note" }, formatDate(t.collected_on)),
      ]
    : "—";

const foldRise = (r) => (r.fold_rise === null || r.fold_rise === undefined ? "—" : `${r.fold_rise}×`);

const vaccinationTable = (name, responses) =>
  dataTable(
    name,
    ["Serotype", "Before", "After", "Fold rise"],
    responses.map((r) => [r.serotype || "not given", titre(r.pre), titre(r.post), foldRise(r)]),
  );

// responses: the summary's `titre_responses`, already in order (by vaccination, then serotype).
export function titreTable(responses) {
  if (!responses || !responses.length) {
    return h("p", {}, "No titres marked as taken before or after a vaccine yet.");
  }
  const groups = new Map(); // vaccination id (or none) -> its rows
  for (const r of responses) {
    const key = r.vaccination ? r.vaccination.id : null;
    groups.set(key, [...(groups.get(key) || []), r]);
  }
  return [
    h("p", {}, "Pneumococcal antibody titres, before and after each vaccine."),
    [...groups.values()].map((rows) =>
      vaccinationTable(
        rows[0].vaccination ? vaccinationName(rows[0].vaccination) : "Not linked to a vaccination",
        rows,
      ),
    ),
    h("p", { class: "hint" }, "Fold rise: the titre after the vaccine divided by the titre before it."),
  ];
}
