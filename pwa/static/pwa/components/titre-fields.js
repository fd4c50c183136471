// The lab-result form's fields for a pneumococcal antibody titre: its serotype, whether it was
// taken before or after the vaccine, and which of the profile's vaccinations it belongs to. They
// show only while the test chosen is that titre (the server refuses them on any other result).

import { currentEntries } from "../changes.js";
import { formatDate } from "../dates.js";
import { h, input, optional, select, text } from "../dom.js";
import { state } from "../state.js";
import { label, options } from "../vocabulary.js";

// API.md: the one analyte that carries serotype, timing and vaccination.
export const TITRE_ANALYTE = "pneumococcal_titer";

export const vaccinationName = (v) => `${label("vaccine", v.vaccine)}, ${formatDate(v.given_on)}`;

// The titre's fieldset, shown or hidden as the form's test select changes.
export function titreFields(e, testSelect) {
  const given = currentEntries(state.profileId, "vaccinations"); // newest first
  const fieldset = h(
    "fieldset",
    { class: "choices" },
    h("legend", {}, "Pneumococcal titre"),
    input({
      name: "serotype",
      label: "Serotype (optional)",
      maxlength: "16",
      autocomplete: "off",
      autocapitalize: "characters",
      hint: "As on the report, for example 14 or 6B.",
      value: e.serotype || "",
    }),
    select({
      name: "timing",
      label: "Taken before or after the vaccine? (optional)",
      options: options("titre_timing"),
      value: e.timing || "",
      required: false,
      placeholder: "Not known",
    }),
    given.length
      ? select({
          name: "vaccination",
          label: "The vaccination it measures (optional)",
          options: given.map((v) => [v.id, vaccinationName(v)]),
          value: e.vaccination || "",
          required: false,
          placeholder: "Not linked to a vaccination",
        })
      : h("p", { class: "hint" }, "Log the vaccination first to link this titre to it."),
  );
  const toggle = () => {
    fieldset.hidden = testSelect.value !== TITRE_ANALYTE;
  };
  testSelect.addEventListener("change", toggle);
  toggle();
  return fieldset;
}

// The titre's fields for the payload: blank on any other result, so an edit from a titre to
// another test clears them.
export function titrePayload(data) {
  if (data.get("analyte") !== TITRE_ANALYTE) return { serotype: "", timing: "", vaccination: null };
  return {
    serotype: text(data, "serotype"),
    timing: data.get("timing") || "",
    vaccination: optional(data.get("vaccination")),
  };
}
