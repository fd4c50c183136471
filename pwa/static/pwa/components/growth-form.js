// "Weight and height": one day's weight, height or both (children's growth). The bounds are the
// server's own, from the vocabulary, so a slip of the finger is caught before it is queued.

import { dayInput, decimal, FormError, input, notesInput, text } from "../dom.js";
import { currentProfile } from "../state.js";
import { measurementLimits } from "../vocabulary.js";

function amount(name, label, value, step, limits = {}) {
  return input({
    name,
    label,
    type: "number",
    inputmode: "decimal",
    step,
    min: limits.min === undefined ? "0" : String(limits.min),
    max: limits.max === undefined ? null : String(limits.max),
    value: value ?? "",
  });
}

export const GROWTH_FORM = {
  title: "Weight and height",
  submit: "Save weight and height",
  fields: (e) => {
    const limits = measurementLimits();
    const profile = currentProfile();
    return [
      dayInput("measured_on", "Measured on", e, { min: profile ? profile.date_of_birth : null }),
      amount("weight_kg", "Weight in kilograms (kg)", e.weight_kg, "0.001", limits.weight_kg),
      amount("height_cm", "Height in centimetres (cm)", e.height_cm, "0.1", limits.height_cm),
      notesInput(e),
    ];
  },
  payload: (data) => {
    const weight = decimal(data.get("weight_kg"), 3);
    const height = decimal(data.get("height_cm"), 1);
    if (weight === null && height === null) throw new FormError("Give a weight, a height or both.");
    return {
      measured_on: data.get("measured_on"),
      weight_kg: weight,
      height_cm: height,
      notes: text(data, "notes"),
    };
  },
};
