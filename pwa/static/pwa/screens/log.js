// The entry forms, one per entry type, for a new entry, an edit, and a fix of one the server
// refused. Every form names whose diary it writes to, and hands its payload to the outbox.

import { loadEntries } from "../changes.js";
import { GROWTH_FORM } from "../components/growth-form.js";
import { INFUSION_FORM } from "../components/infusion-form.js";
import { celsiusFrom, temperatureField } from "../components/temperature.js";
import { titreFields, titrePayload } from "../components/titre-fields.js";
import { localInputValue, today } from "../dates.js";
import {
  checkbox,
  dayInput,
  decimal,
  flaggedChoices,
  form,
  FormError,
  h,
  input,
  notesInput,
  optional,
  radios,
  screen,
  select,
  text,
  yes,
} from "../dom.js";
import { currentProfile, state, whoAndAge } from "../state.js";
import { options, symptoms } from "../vocabulary.js";

const SEVERITY_SCALE = Array.from({ length: 11 }, (_, n) => [
  String(n),
  n === 0 ? "0 – fine" : n === 10 ? "10 – the worst ever" : String(n),
]);

// Each form: its titles, its fields (filled from an entry when editing) and its payload.
export const FORMS = {
  infections: {
    title: "Log an infection",
    submit: "Save infection",
    fields: (e) => [
      select({
        name: "kind",
        label: "What kind of infection?",
        options: options("infection_kind"),
        value: e.kind || "otitis_media",
      }),
      dayInput("onset", "When did it start?", e),
      radios({
        name: "severity",
        legend: "How bad is it?",
        options: options("severity"),
        value: e.severity || null,
      }),
      temperatureField({
        name: "max_temperature_c",
        label: "Highest temperature (if measured)",
        celsius: e.max_temperature_c,
      }),
      h(
        "fieldset",
        { class: "choices" },
        h("legend", {}, "Tick what happened"),
        checkbox({ name: "hospitalized", label: "Stayed in hospital", checked: Boolean(e.hospitalized) }),
        checkbox({
          name: "iv_antibiotics",
          label: "Antibiotics through a drip (IV)",
          checked: Boolean(e.iv_antibiotics),
        }),
      ),
      h(
        "details",
        { open: Boolean(e.er_visit || e.icu || e.resolved_on || e.organism || e.notes) },
        h("summary", {}, "More details (optional)"),
        h(
          "fieldset",
          { class: "choices" },
          h("legend", {}, "Also happened"),
          checkbox({
            name: "er_visit",
            label: "Went to the emergency department",
            checked: Boolean(e.er_visit),
          }),
          checkbox({ name: "icu", label: "Intensive care (ICU)", checked: Boolean(e.icu) }),
        ),
        input({
          name: "resolved_on",
          label: "Better since",
          type: "date",
          max: today(),
          value: e.resolved_on || "",
        }),
        input({
          name: "organism",
          label: "Germ found by a test (if known)",
          maxlength: "200",
          autocomplete: "off",
          value: e.organism || "",
        }),
        notesInput(e),
      ),
    ],
    payload: (data, el) => ({
      kind: data.get("kind"),
      onset: data.get("onset"),
      severity: data.get("severity"),
      hospitalized: yes(data, "hospitalized"),
      iv_antibiotics: yes(data, "iv_antibiotics"),
      icu: yes(data, "icu"),
      er_visit: yes(data, "er_visit"),
      max_temperature_c: celsiusFrom(el, "max_temperature_c"),
      resolved_on: optional(data.get("resolved_on")),
      organism: text(data, "organism"),
      notes: text(data, "notes"),
    }),
  },
  symptoms: {
    title: "Log symptoms",
    submit: "Save symptoms",
    // Red flags first (they need a call now), then the temperature, then everything else.
    fields: (e) => {
      const { urgent, others } = flaggedChoices({
        name: "symptoms",
        codes: symptoms(),
        ticked: e.symptoms,
        urgentLegend: "Emergency signs: tick any that are happening",
        otherLegend: "Other symptoms",
      });
      return [
        urgent,
        temperatureField({
          name: "temperature_c",
          label: "Temperature (if measured)",
          celsius: e.temperature_c,
        }),
        others,
        select({
          name: "severity",
          label: "How unwell, from 0 (fine) to 10 (the worst ever)",
          options: SEVERITY_SCALE,
          value: e.severity === null || e.severity === undefined ? "" : String(e.severity),
          placeholder: "Choose…",
        }),
        input({
          name: "recorded_at",
          label: "When",
          type: "datetime-local",
          required: true,
          value: localInputValue(e.recorded_at ? new Date(e.recorded_at) : new Date()),
          max: localInputValue(new Date()),
        }),
        notesInput(e),
      ];
    },
    payload: (data, el) => {
      const ticked = data.getAll("symptoms").sort();
      const temperature = celsiusFrom(el, "temperature_c");
      if (!ticked.length && temperature === null)
        throw new FormError("Tick at least one symptom, or give a temperature.");
      return {
        recorded_at: new Date(data.get("recorded_at")).toISOString(),
        symptoms: ticked,
        temperature_c: temperature,
        severity: Number(data.get("severity")),
        notes: text(data, "notes"),
      };
    },
  },
  treatments: {
    title: "Log a treatment",
    submit: "Save treatment",
    fields: (e) => [
      select({
        name: "kind",
        label: "Type",
        options: options("treatment_kind"),
        value: e.kind || "antibiotic",
      }),
      input({
        name: "name",
        label: "Medicine name",
        required: true,
        maxlength: "200",
        autocomplete: "off",
        hint: "For example amoxicillin.",
        value: e.name || "",
      }),
      select({
        name: "route",
        label: "How it is given",
        options: options("treatment_route"),
        value: e.route || "oral",
      }),
      checkbox({
        name: "prophylactic",
        label: "Taken to prevent infections (prophylaxis)",
        checked: Boolean(e.prophylactic),
      }),
      dayInput("started_on", "Started", e),
      input({ name: "ended_on", label: "Ends or ended (optional)", type: "date", value: e.ended_on || "" }),
      input({
        name: "dose",
        label: "Dose (optional)",
        maxlength: "200",
        autocomplete: "off",
        value: e.dose || "",
      }),
      notesInput(e),
    ],
    payload: (data) => ({
      kind: data.get("kind"),
      name: text(data, "name"),
      route: data.get("route"),
      prophylactic: yes(data, "prophylactic"),
      started_on: data.get("started_on"),
      ended_on: optional(data.get("ended_on")),
      dose: text(data, "dose"),
      notes: text(data, "notes"),
    }),
  },
  vaccinations: {
    title: "Log a vaccination",
    submit: "Save vaccination",
    fields: (e) => [
      select({ name: "vaccine", label: "Vaccine", options: options("vaccine"), value: e.vaccine || "PCV20" }),
      dayInput("given_on", "Given on", e),
      notesInput(e),
    ],
    payload: (data) => ({
      vaccine: data.get("vaccine"),
      given_on: data.get("given_on"),
      notes: text(data, "notes"),
    }),
  },
  labs: {
    title: "Log a lab result",
    submit: "Save lab result",
    fields: (e) => {
      const number = (name, label, value, required = false) =>
        input({
          name,
          label,
          type: "number",
          inputmode: "decimal",
          min: "0",
          step: "0.001",
          required,
          value: value ?? "",
        });
      const test = select({
        name: "analyte",
        label: "Test",
        options: options("analyte"),
        value: e.analyte || "IgM",
      });
      return [
        test,
        number("value", "Result", e.value, true),
        select({ name: "unit", label: "Unit", options: options("lab_unit"), value: e.unit || "mg/dL" }),
        number("reference_low", "Lowest normal value on the report (optional)", e.reference_low),
        number("reference_high", "Highest normal value on the report (optional)", e.reference_high),
        dayInput("collected_on", "Blood taken on", e),
        titreFields(e, test.querySelector("select")),
        notesInput(e),
      ];
    },
    payload: (data) => ({
      analyte: data.get("analyte"),
      value: decimal(data.get("value"), 3),
      unit: data.get("unit"),
      reference_low: decimal(data.get("reference_low"), 3),
      reference_high: decimal(data.get("reference_high"), 3),
      collected_on: data.get("collected_on"),
      ...titrePayload(data),
      notes: text(data, "notes"),
    }),
  },
  infusions: INFUSION_FORM,
  measurements: GROWTH_FORM,
};

// "For: Ava, 4 years" at the top of every form.
export const forWhom = () =>
  h("p", { class: "for-whom" }, "For: ", h("strong", {}, whoAndAge(currentProfile())));

// A form of `segment`, filled from `entry`, that calls `save(payload)`.
export function entryForm(segment, { entry = {}, submit, save, extra = null }) {
  const spec = FORMS[segment];
  return form(
    { submit: submit || spec.submit, onsubmit: (data, el) => save(spec.payload(data, el)), extra },
    ...spec.fields(entry),
  );
}

export async function logScreen(app, segment) {
  const spec = FORMS[segment];
  const profile = currentProfile();
  // Forms start from earlier entries (an infusion from the last one, a titre's vaccinations).
  if (!state.entries.has(profile.id)) await loadEntries(profile.id);
  return screen(
    spec.title,
    forWhom(),
    entryForm(segment, {
      entry: spec.defaults ? spec.defaults(profile.id) : {},
      save: (payload) => app.saveNew(segment, payload),
    }),
  );
}
