// Diary entries: the kinds there are, and how one reads in the timeline, with every label from
// the vocabulary.

import { formatDate } from "./dates.js";
import { isRedFlagEntry } from "./urgency.js";
import { label, symptomLabel, vocabulary } from "./vocabulary.js";

// The entry types of the diary: the route word, the API's path segment, the button text.
export const ENTRY_TYPES = [
  { kind: "infection", segment: "infections", name: "Infection" },
  { kind: "symptoms", segment: "symptoms", name: "Symptoms" },
  { kind: "treatment", segment: "treatments", name: "Treatment" },
  { kind: "vaccination", segment: "vaccinations", name: "Vaccination" },
  { kind: "lab", segment: "labs", name: "Lab result" },
];
export const typeOf = (segment) => ENTRY_TYPES.find((t) => t.segment === segment);

// Alert evidence names its entries by type: which segment each lives in.
export const EVIDENCE_SEGMENTS = { episode: "infections", symptom: "symptoms", treatment: "treatments" };

const present = (value) => value !== null && value !== undefined && value !== "";

// The day (or moment) an entry is about: what the timeline sorts by.
export function entryDate(segment, e) {
  return (
    { infections: e.onset, symptoms: e.recorded_at, treatments: e.started_on, vaccinations: e.given_on }[
      segment
    ] || e.collected_on
  );
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
      return { ...base, title: `Vaccination: ${label("vaccine", e.vaccine)}`, details: [] };
    default:
      return {
        ...base,
        title: `Lab result: ${label("analyte", e.analyte)} ${e.value} ${label("lab_unit", e.unit)}`,
        details: [e.below_range && "below the lab's range"],
      };
  }
}

// An infection still going on, which "Mark as better" can close.
export const isOngoing = (segment, e) => segment === "infections" && !e.resolved_on;
