// A temperature field that takes °C or °F (the unit the phone's region uses comes first);
// the API always receives °C, to one decimal.

import { decimal, h } from "../dom.js";
import { usesFahrenheit } from "../vocabulary.js";

let count = 0;

export const toCelsius = (fahrenheit) => ((fahrenheit - 32) * 5) / 9;
export const toFahrenheit = (celsius) => (celsius * 9) / 5 + 32;

const LIMITS = { C: { min: "30", max: "45" }, F: { min: "86", max: "113" } };

export function temperatureField({ name, label, celsius = null }) {
  const id = `f-${name}-t${++count}`;
  let unit = usesFahrenheit() ? "F" : "C";
  const value =
    celsius === null || celsius === undefined
      ? ""
      : unit === "F"
        ? toFahrenheit(celsius).toFixed(1)
        : celsius;
  const field = h("input", {
    id,
    name,
    type: "number",
    inputmode: "decimal",
    step: "0.1",
    value,
    ...LIMITS[unit],
    "data-unit": unit,
  });
  const radios = {};
  const setUnit = (u) => {
    unit = u;
    field.dataset.unit = u;
    field.min = LIMITS[u].min;
    field.max = LIMITS[u].max;
    radios[u].checked = true;
  };
  // The two scales do not overlap for a body temperature: 37.5 can only be °C, 99.5 only °F.
  field.addEventListener("input", () => {
    const typed = Number(field.value);
    if (field.value === "" || Number.isNaN(typed)) return;
    if (unit === "F" && typed >= 30 && typed <= 45) setUnit("C");
    else if (unit === "C" && typed >= 86 && typed <= 113) setUnit("F");
  });
  const unitRadio = (u, text) => {
    const radioId = `${id}-${u}`;
    radios[u] = h("input", {
      type: "radio",
      id: radioId,
      name: `${name}_unit`,
      value: u,
      checked: u === unit,
      onchange: () => {
        // Convert what is typed, so switching the unit never changes the reading.
        const typed = field.value === "" ? null : Number(field.value);
        if (typed !== null && u !== unit) {
          field.value = (u === "F" ? toFahrenheit(typed) : toCelsius(typed)).toFixed(1);
        }
        setUnit(u);
      },
    });
    return h("span", { class: "unit-choice" }, radios[u], h("label", { for: radioId }, text));
  };
  return h(
    "div",
    { class: "field temperature" },
    h("label", { for: id }, label),
    h(
      "div",
      { class: "temperature-row" },
      field,
      h(
        "fieldset",
        { class: "units" },
        h("legend", { class: "visually-hidden" }, "Unit"),
        unitRadio("C", "°C"),
        unitRadio("F", "°F"),
      ),
    ),
  );
}

// The reading in °C (one decimal) from a form holding a temperatureField, or null.
export function celsiusFrom(form, name) {
  const field = form.elements[name];
  if (!field || field.value === "") return null;
  const typed = Number(field.value);
  return decimal(field.dataset.unit === "F" ? toCelsius(typed) : typed, 1);
}
