// Building blocks of the screens: elements made with h() (never from HTML strings), labelled
// form fields, and a form that shows its errors in a role="alert" box.

import { errorText, NetworkError } from "./api.js";
import { today } from "./dates.js";

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "class") el.className = value;
    else el.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

let fieldCount = 0;
const fieldId = (name) => `f-${name}-${++fieldCount}`;

export function screen(title, ...nodes) {
  return { title, nodes: [h("h1", { tabindex: "-1" }, title), ...nodes.flat(Infinity).filter(Boolean)] };
}

export function input({ name, label, type = "text", hint, ...attrs }) {
  const id = fieldId(name);
  const hintId = hint ? `${id}-hint` : null;
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    hint && h("p", { class: "hint", id: hintId }, hint),
    h("input", { id, name, type, "aria-describedby": hintId, ...attrs }),
  );
}

export function select({ name, label, options, value, required = true, placeholder = null, hint }) {
  const id = fieldId(name);
  const hintId = hint ? `${id}-hint` : null;
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    hint && h("p", { class: "hint", id: hintId }, hint),
    h(
      "select",
      { id, name, required, "aria-describedby": hintId },
      placeholder === null ? null : h("option", { value: "", selected: !value }, placeholder),
      options.map(([v, optionText]) => h("option", { value: v, selected: v === value }, optionText)),
    ),
  );
}

export function radios({ name, legend, options, value, required = true, hint }) {
  return h(
    "fieldset",
    { class: "choices" },
    h("legend", {}, legend),
    hint && h("p", { class: "hint" }, hint),
    options.map(([v, text]) => {
      const id = fieldId(`${name}-${v}`);
      return h(
        "div",
        { class: "choice" },
        h("input", { type: "radio", id, name, value: v, required, checked: v === value }),
        h("label", { for: id }, text),
      );
    }),
  );
}

// The day an entry is about: required, today unless the entry says otherwise, never later.
export const dayInput = (name, label, entry, attrs = {}) =>
  input({ name, label, type: "date", required: true, value: entry[name] || today(), max: today(), ...attrs });

// The optional notes every entry form ends with, filled from the entry when editing.
export const notesInput = (entry) =>
  input({
    name: "notes",
    label: "Notes (optional)",
    maxlength: "4000",
    autocomplete: "off",
    value: entry.notes || "",
  });

export function checkbox({ name, label, value = "yes", checked = false }) {
  const id = fieldId(`${name}-${value}`);
  return h(
    "div",
    { class: "choice" },
    h("input", { type: "checkbox", id, name, value, checked }),
    h("label", { for: id }, label),
  );
}

// Codes to tick, each with its red flag (symptoms, reactions to an infusion): the red flags in
// a fieldset of their own that says they need urgent care, the others in a second one.
export function flaggedChoices({ name, codes, ticked = [], urgentLegend, otherLegend }) {
  const chosen = new Set(ticked);
  const box = (c) => checkbox({ name, value: c.code, label: c.label, checked: chosen.has(c.code) });
  return {
    urgent: h(
      "fieldset",
      { class: "choices red-flags" },
      h("legend", {}, urgentLegend),
      h("p", { class: "hint" }, "Any one of these needs urgent care now."),
      codes.filter((c) => c.red_flag).map(box),
    ),
    others: h(
      "fieldset",
      { class: "choices" },
      h("legend", {}, otherLegend),
      codes.filter((c) => !c.red_flag).map(box),
    ),
  };
}

// A table of figures: a caption, the column headings, and rows whose first cell heads the row.
export function dataTable(caption, headings, rows) {
  return h(
    "table",
    { class: "chart-table" },
    h("caption", {}, caption),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        headings.map((c) => h("th", { scope: "col" }, c)),
      ),
    ),
    h(
      "tbody",
      {},
      rows.map(([first, ...rest]) =>
        h(
          "tr",
          {},
          h("th", { scope: "row" }, first),
          rest.map((c) => h("td", {}, c)),
        ),
      ),
    ),
  );
}

export class FormError extends Error {}

// The name a person sees for a field: its label, or its group's legend.
function fieldName(field) {
  const group = field.closest("fieldset");
  if ((field.type === "radio" || field.type === "checkbox") && group) {
    return group.querySelector("legend").textContent;
  }
  return (field.labels && field.labels[0] && field.labels[0].textContent) || field.name;
}

// The browser's checks, said in the error box at the top instead of a bubble that vanishes.
function invalidFields(el) {
  const seen = new Set();
  return [...el.elements].filter((field) => {
    if (!field.willValidate || field.checkValidity() || seen.has(field.name)) return false;
    seen.add(field.name);
    return true;
  });
}

export function form({ submit, onsubmit, extra = null }, ...fields) {
  const errors = h("div", { class: "form-errors", role: "alert" });
  const button = h("button", { type: "submit", class: "primary" }, submit);
  const el = h(
    "form",
    { novalidate: true },
    errors,
    ...fields,
    h("div", { class: "actions" }, button, extra),
  );
  el.addEventListener("submit", async (event) => {
    event.preventDefault();
    errors.replaceChildren();
    const invalid = invalidFields(el);
    if (invalid.length) {
      errors.replaceChildren(
        ...invalid.map((field) => h("p", {}, `${fieldName(field)}: ${field.validationMessage}`)),
      );
      invalid[0].focus();
      return;
    }
    button.disabled = true;
    try {
      await onsubmit(new FormData(el), el);
    } catch (error) {
      const message =
        error instanceof NetworkError
          ? "No connection. Please try again when you are back online."
          : error instanceof FormError
            ? error.message
            : "Something went wrong. Please try again.";
      errors.replaceChildren(h("p", {}, message));
      if (!(error instanceof FormError) && !(error instanceof NetworkError)) console.error(error);
    } finally {
      button.disabled = false;
    }
  });
  return el;
}

export function fail(result) {
  throw new FormError(errorText(result));
}

export const link = (href, label, attrs = {}) => h("a", { href, ...attrs }, label);
export const yes = (data, name) => data.get(name) === "yes";
export const optional = (value) => (value === null || value === "" ? null : value);
export const text = (data, name) => (data.get(name) || "").trim();

export function decimal(value, places) {
  return value === null || value === "" ? null : Number(Number(value).toFixed(places));
}
