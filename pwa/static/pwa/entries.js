// Diary entries: the kinds there are, and how one reads in the timeline, with every label from
// the vocabulary.

import { formatDate } from "./dates.js";
import { isRedFlagEntry } from "./urgency.js";
import {
  infusionRules,
  isRedFlagReaction,
  label,
  reactionLabel,
  symptomLabel,
  vocabulary,
} from "./vocabulary.js";

// The entry types of the diary: the route word, the API's path segment, the button text.
export const ENTRY_TYPES = [
  { kind: "infection", segment: "infections", name: "Infection" },
  { kind: "symptoms", segment: "symptoms", name: "Symptoms" },
  { kind: "treatment", segment: "treatments", name: "Treatment" },
  { kind: "vaccination", segment: "vaccinations", name: "Vaccination" },
  { kind: "lab", segment: "labs", name: "Lab result" },
  { kind: "infusion", segment: "infusions", name: "Infusion" },
  { kind: "measurement", segment: "measurements", name: "Weight and height", noun: "measurement" },
];
export const typeOf = (segment) => ENTRY_TYPES.find((t) => t.segment === segment);

// Alert evidence names its entries by type: which segment each lives in.
export const EVIDENCE_SEGMENTS = {
  episode: "infections",
  symptom: "symptoms",
  treatment: "treatments",
  infusion: "infusions",
};

const present = (value) => value !== null && value !== undefined && value !== "";

// The day (or moment) an entry is about: what the timeline sorts by.
export function entryDate(segment, e) {
  return (
    {
      infections: e.onset,
      symptoms: e.recorded_at,
      treatments: e.started_on,
      vaccinations: e.given_on,
      infusions: e.given_on,
      measurements: e.measured_on,
    }[segment] || e.collected_on
  );
}

// "Headache; Difficulty breathing or wheezing (red flag)": a reaction's mark is said in words.
export const reactionsText = (codes) =>
  codes.map((code) => (isRedFlagReaction(code) ? `${reactionLabel(code)} (red flag)` : reactionLabel(code)));

// "reactions: Headache; Rash", or "no reaction" when that is what was ticked.
const reactionsDetail = (codes) => {
  if (!codes.length) return null;
  const none = infusionRules().no_reaction;
  if (codes.length === 1 && codes[0] === none) return reactionLabel(none).toLowerCase();
  return `reactions: ${reactionsText(codes).join("; ")}`;
};

// "centile 45.2" where the server gave one (a child's measurement, once sent).
const centileText = (centiles, method) => {
  const found = centiles && centiles[method];
  return found && present(found.centile) ? `${method} centile ${found.centile}` : null;
};

function measurementTitle(e) {
  const values = [present(e.weight_kg) && `${e.weight_kg} kg`, present(e.height_cm) && `${e.height_cm} cm`];
  const what =
    present(e.weight_kg) && present(e.height_cm)
      ? "Weight and height"
      : present(e.weight_kg)
        ? "Weight"
        : "Height";
  return `${what}: ${values.filter(Boolean).join(", ")}`;
}

export function describeEntry(segment, e, dateOfBirth = null) {
  const base = {
    date: entryDate(segment, e),
    redFlag: isRedFlagEntry(vocabulary(), { segment, entry: e, dateOfBirth }),
  };
  switch (segment) {
    case "infections":
      return {
        ...base,
        title: `Infection: ${label("infection_kind", e.kind)}`,
        details: [
          label("severity", e.severity),
          e.hospitalized && "stayed in hospital",
          e.iv_antibiotics && "IV antibiotics",
          present(e.max_temperature_c) && `${e.max_temperature_c} °C`,
          e.resolved_on ? `better since ${formatDate(e.resolved_on)}` : "ongoing",
        ],
      };
    case "symptoms":
      return {
        ...base,
        title: `Symptoms: ${(e.symptoms || []).map(symptomLabel).join(", ") || "temperature"}`,
        details: [
          present(e.temperature_c) && `${e.temperature_c} °C`,
          present(e.severity) && `how unwell: ${e.severity}/10`,
        ],
      };
    case "treatments":
      return {
        ...base,
        title: `${label("treatment_kind", e.kind)}: ${e.name}`,
        details: [
          label("treatment_route", e.route).toLowerCase(),
          e.prophylactic && "preventive",
          e.ended_on && `until ${formatDate(e.ended_on)}`,
        ],
      };
    case "vaccinations":
      return {
        ...base,
        title: `Vaccination: ${label("vaccine", e.vaccine)}`,
        details: [
          (e.titres || []).length &&
            `${e.titres.length} ${e.titres.length === 1 ? "titre" : "titres"} linked`,
        ],
      };
    case "infusions":
      return {
        ...base,
        title: `Infusion: ${e.product}`,
        details: [
          present(e.dose_g) && `${e.dose_g} g`,
          label("infusion_route", e.route),
          e.lot_number && `batch ${e.lot_number}`,
          present(e.sites) && `${e.sites} ${e.sites === 1 ? "site" : "sites"}`,
          reactionsDetail(e.reactions || []),
        ],
      };
    case "measurements":
      return {
        ...base,
        title: measurementTitle(e),
        details: [centileText(e.centiles, "weight"), centileText(e.centiles, "height")],
      };
    default:
      return {
        ...base,
        title: `Lab result: ${label("analyte", e.analyte)} ${e.value} ${label("lab_unit", e.unit)}`,
        details: [
          e.serotype && `serotype ${e.serotype}`,
          e.timing && label("titre_timing", e.timing).toLowerCase(),
          e.below_range && "below the lab's range",
        ],
      };
  }
}

// An infection still going on, which "Mark as better" can close.
export const isOngoing = (segment, e) => segment === "infections" && !e.resolved_on;
