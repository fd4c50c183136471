// Diary entries: the words the API's codes stand for, how an entry reads in the timeline, and
// the five forms that log one. Every form hands its payload to app.saveEntry (the outbox).

import {
  checkbox,
  decimal,
  form,
  FormError,
  formatDate,
  input,
  optional,
  radios,
  screen,
  select,
  today,
  yes,
  h,
} from "./dom.js";

// --- the words the API's codes stand for -------------------------------------------------

export const KINDS = [
  ["otitis_media", "Ear infection (otitis media)"],
  ["sinusitis", "Sinus infection"],
  ["pneumonia", "Pneumonia"],
  ["bronchitis", "Bronchitis"],
  ["upper_respiratory", "Cold or upper respiratory infection"],
  ["pharyngitis", "Sore throat (pharyngitis)"],
  ["skin_infection", "Skin infection"],
  ["abscess", "Abscess"],
  ["gastrointestinal", "Stomach or gut infection"],
  ["urinary_tract", "Urinary tract infection"],
  ["thrush", "Thrush (fungal)"],
  ["sepsis", "Sepsis"],
  ["meningitis", "Meningitis"],
  ["osteomyelitis", "Bone infection (osteomyelitis)"],
  ["viral_other", "Other viral infection"],
  ["other", "Other"],
];
const SEVERITIES = [
  ["mild", "Mild"],
  ["moderate", "Moderate"],
  ["severe", "Severe"],
  ["life_threatening", "Life-threatening"],
];
// Red flags come first on the symptom screen: they are the ones that need a call now.
export const RED_FLAGS = [
  ["difficulty_breathing", "Struggling to breathe, or too breathless to talk"],
  ["blue_lips", "Blue or grey lips, tongue or skin"],
  ["non_blanching_rash", "A rash that does not fade when a glass is pressed on it"],
  ["stiff_neck", "Stiff neck (cannot touch chin to chest)"],
  ["seizure", "A fit (seizure)"],
  ["hard_to_wake", "Very hard to wake, or floppy"],
  ["confusion", "Confused or not making sense"],
];
const SYMPTOMS = [
  ["fever", "Fever"],
  ["cough", "Cough"],
  ["ear_pain", "Ear pain"],
  ["sore_throat", "Sore throat"],
  ["runny_nose", "Runny nose"],
  ["sinus_pain", "Sinus pain"],
  ["fatigue", "Tiredness"],
  ["diarrhea", "Diarrhoea"],
  ["vomiting", "Vomiting"],
  ["rash", "Rash that fades under a glass"],
  ["joint_pain", "Joint pain"],
  ["headache", "Headache"],
  ["shortness_of_breath", "Short of breath"],
];
const TREATMENT_KINDS = [
  ["antibiotic", "Antibiotic"],
  ["immunoglobulin", "Immunoglobulin (IVIG or SCIG)"],
  ["antiviral", "Antiviral"],
  ["antifungal", "Antifungal"],
  ["other", "Other"],
];
const ROUTES = [
  ["oral", "By mouth"],
  ["iv", "Into a vein (IV)"],
  ["im", "Injection into a muscle"],
  ["subcutaneous", "Under the skin"],
  ["topical", "On the skin"],
];
const VACCINES = [
  "PCV13",
  "PCV15",
  "PCV20",
  "PCV21",
  "PPSV23",
  "Hib",
  "MenACWY",
  "MenB",
  "influenza",
  "COVID-19",
  "other",
].map((v) => [v, v === "influenza" ? "Flu (influenza)" : v === "other" ? "Other" : v]);
const ANALYTES = [
  "IgM",
  "IgG",
  "IgA",
  "IgE",
  "IgG1",
  "IgG2",
  "IgG3",
  "IgG4",
  "pneumococcal_titer",
  "other",
].map((v) => [v, v === "pneumococcal_titer" ? "Pneumococcal antibody titre" : v === "other" ? "Other" : v]);
const UNITS = ["mg/dL", "g/L", "ug/mL", "other"].map((v) => [
  v,
  v === "ug/mL" ? "µg/mL" : v === "other" ? "Other" : v,
]);

const labelOf = (pairs, code) => (pairs.find(([value]) => value === code) || [code, code])[1];
export const kindLabel = (code) => labelOf(KINDS, code);
const symptomLabel = (code) => labelOf([...RED_FLAGS, ...SYMPTOMS], code);

// --- how an entry reads in the timeline ------------------------------------------------------

export function describeEntry(segment, e) {
  switch (segment) {
    case "infections":
      return {
        date: e.onset,
        title: `Infection: ${kindLabel(e.kind)}`,
        details: [
          labelOf(SEVERITIES, e.severity),
          e.hospitalized && "stayed in hospital",
          e.iv_antibiotics && "IV antibiotics",
          e.max_temperature_c !== null && e.max_temperature_c !== undefined && `${e.max_temperature_c} °C`,
        ],
      };
    case "symptoms":
      return {
        date: e.recorded_at,
        title: `Symptoms: ${(e.symptoms || []).map(symptomLabel).join(", ") || "temperature"}`,
        details: [
          e.temperature_c !== null && e.temperature_c !== undefined && `${e.temperature_c} °C`,
          `severity ${e.severity ?? 0}/10`,
        ],
      };
    case "treatments":
      return {
        date: e.started_on,
        title: `${labelOf(TREATMENT_KINDS, e.kind)}: ${e.name}`,
        details: [
          labelOf(ROUTES, e.route).toLowerCase(),
          e.prophylactic && "preventive",
          e.ended_on && `until ${formatDate(e.ended_on)}`,
        ],
      };
    case "vaccinations":
      return { date: e.given_on, title: `Vaccination: ${labelOf(VACCINES, e.vaccine)}`, details: [] };
    default:
      return {
        date: e.collected_on,
        title: `Lab result: ${labelOf(ANALYTES, e.analyte)} ${e.value} ${labelOf(UNITS, e.unit)}`,
        details: [e.below_range && "below the lab's range"],
      };
  }
}

// --- logging entries ---------------------------------------------------------------------------

const notes = () =>
  input({ name: "notes", label: "Notes (optional)", maxlength: "4000", autocomplete: "off" });

function logInfection(app) {
  return screen(
    "Log an infection",
    form(
      {
        submit: "Save infection",
        onsubmit: (data) =>
          app.saveEntry("infections", {
            kind: data.get("kind"),
            onset: data.get("onset"),
            severity: data.get("severity"),
            hospitalized: yes(data, "hospitalized"),
            iv_antibiotics: yes(data, "iv_antibiotics"),
            icu: yes(data, "icu"),
            er_visit: yes(data, "er_visit"),
            max_temperature_c: decimal(data.get("max_temperature_c"), 1),
            resolved_on: optional(data.get("resolved_on")),
            organism: (data.get("organism") || "").trim(),
            notes: (data.get("notes") || "").trim(),
          }),
      },
      select({ name: "kind", label: "What kind of infection?", options: KINDS, value: "otitis_media" }),
      input({
        name: "onset",
        label: "When did it start?",
        type: "date",
        required: true,
        value: today(),
        max: today(),
      }),
      radios({ name: "severity", legend: "How bad is it?", options: SEVERITIES }),
      h(
        "fieldset",
        { class: "choices" },
        h("legend", {}, "Tick what happened"),
        checkbox({ name: "hospitalized", label: "Stayed in hospital" }),
        checkbox({ name: "iv_antibiotics", label: "Antibiotics through a drip (IV)" }),
      ),
      input({
        name: "max_temperature_c",
        label: "Highest temperature in °C (if measured)",
        type: "number",
        inputmode: "decimal",
        min: "30",
        max: "45",
        step: "0.1",
      }),
      h(
        "details",
        {},
        h("summary", {}, "More details (optional)"),
        h(
          "fieldset",
          { class: "choices" },
          h("legend", {}, "Also happened"),
          checkbox({ name: "er_visit", label: "Went to the emergency department" }),
          checkbox({ name: "icu", label: "Intensive care (ICU)" }),
        ),
        input({ name: "resolved_on", label: "Better since", type: "date", max: today() }),
        input({
          name: "organism",
          label: "Germ found by a test (if known)",
          maxlength: "200",
          autocomplete: "off",
        }),
        notes(),
      ),
    ),
  );
}

function logSymptoms(app) {
  const now = new Date();
  now.setSeconds(0, 0);
  const local = new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  return screen(
    "Log symptoms",
    form(
      {
        submit: "Save symptoms",
        onsubmit: (data) => {
          const symptoms = data.getAll("symptoms").sort();
          const temperature = decimal(data.get("temperature_c"), 1);
          if (!symptoms.length && temperature === null)
            throw new FormError("Tick at least one symptom, or give a temperature.");
          return app.saveEntry("symptoms", {
            recorded_at: new Date(data.get("recorded_at")).toISOString(),
            symptoms,
            temperature_c: temperature,
            severity: Number(data.get("severity") || 0),
            notes: (data.get("notes") || "").trim(),
          });
        },
      },
      h(
        "fieldset",
        { class: "choices red-flags" },
        h("legend", {}, "Emergency signs: tick any that are happening"),
        h("p", { class: "hint" }, "Any one of these needs urgent care now."),
        RED_FLAGS.map(([code, text]) => checkbox({ name: "symptoms", value: code, label: text })),
      ),
      h(
        "fieldset",
        { class: "choices" },
        h("legend", {}, "Other symptoms"),
        SYMPTOMS.map(([code, text]) => checkbox({ name: "symptoms", value: code, label: text })),
      ),
      input({
        name: "temperature_c",
        label: "Temperature in °C (if measured)",
        type: "number",
        inputmode: "decimal",
        min: "30",
        max: "45",
        step: "0.1",
      }),
      input({
        name: "severity",
        label: "How unwell, from 0 (fine) to 10 (worst ever)",
        type: "number",
        inputmode: "numeric",
        min: "0",
        max: "10",
        step: "1",
        value: "3",
      }),
      input({
        name: "recorded_at",
        label: "When",
        type: "datetime-local",
        required: true,
        value: local,
        max: local,
      }),
      notes(),
    ),
  );
}

function logTreatment(app) {
  return screen(
    "Log a treatment",
    form(
      {
        submit: "Save treatment",
        onsubmit: (data) =>
          app.saveEntry("treatments", {
            kind: data.get("kind"),
            name: data.get("name").trim(),
            route: data.get("route"),
            prophylactic: yes(data, "prophylactic"),
            started_on: data.get("started_on"),
            ended_on: optional(data.get("ended_on")),
            dose: (data.get("dose") || "").trim(),
            notes: (data.get("notes") || "").trim(),
          }),
      },
      select({ name: "kind", label: "Type", options: TREATMENT_KINDS, value: "antibiotic" }),
      input({
        name: "name",
        label: "Medicine name",
        required: true,
        maxlength: "200",
        autocomplete: "off",
        hint: "For example amoxicillin.",
      }),
      select({ name: "route", label: "How it is given", options: ROUTES, value: "oral" }),
      checkbox({ name: "prophylactic", label: "Taken to prevent infections (prophylaxis)" }),
      input({
        name: "started_on",
        label: "Started",
        type: "date",
        required: true,
        value: today(),
        max: today(),
      }),
      input({ name: "ended_on", label: "Ends or ended (optional)", type: "date" }),
      input({ name: "dose", label: "Dose (optional)", maxlength: "200", autocomplete: "off" }),
      notes(),
    ),
  );
}

function logVaccination(app) {
  return screen(
    "Log a vaccination",
    form(
      {
        submit: "Save vaccination",
        onsubmit: (data) =>
          app.saveEntry("vaccinations", {
            vaccine: data.get("vaccine"),
            given_on: data.get("given_on"),
            notes: (data.get("notes") || "").trim(),
          }),
      },
      select({ name: "vaccine", label: "Vaccine", options: VACCINES, value: "PCV20" }),
      input({
        name: "given_on",
        label: "Given on",
        type: "date",
        required: true,
        value: today(),
        max: today(),
      }),
      notes(),
    ),
  );
}

function logLab(app) {
  return screen(
    "Log a lab result",
    form(
      {
        submit: "Save lab result",
        onsubmit: (data) =>
          app.saveEntry("labs", {
            analyte: data.get("analyte"),
            value: decimal(data.get("value"), 3),
            unit: data.get("unit"),
            reference_low: decimal(data.get("reference_low"), 3),
            reference_high: decimal(data.get("reference_high"), 3),
            collected_on: data.get("collected_on"),
            notes: (data.get("notes") || "").trim(),
          }),
      },
      select({ name: "analyte", label: "Test", options: ANALYTES, value: "IgM" }),
      input({
        name: "value",
        label: "Result",
        type: "number",
        inputmode: "decimal",
        required: true,
        min: "0",
        step: "0.001",
      }),
      select({ name: "unit", label: "Unit", options: UNITS, value: "mg/dL" }),
      input({
        name: "reference_low",
        label: "Lowest normal value on the report (optional)",
        type: "number",
        inputmode: "decimal",
        min: "0",
        step: "0.001",
      }),
      input({
        name: "reference_high",
        label: "Highest normal value on the report (optional)",
        type: "number",
        inputmode: "decimal",
        min: "0",
        step: "0.001",
      }),
      input({
        name: "collected_on",
        label: "Blood taken on",
        type: "date",
        required: true,
        value: today(),
        max: today(),
      }),
      notes(),
    ),
  );
}

const LOG_SCREENS = {
  infection: logInfection,
  symptoms: logSymptoms,
  treatment: logTreatment,
  vaccination: logVaccination,
  lab: logLab,
};

export function log(app, what) {
  return LOG_SCREENS[what](app);
}
