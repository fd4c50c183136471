// "Log an infusion": one immunoglobulin infusion (IVIG or SCIG) with its batch number and any
// reactions, the serious ones first. A new one starts from the last infusion's product, route,
// dose and sites: at home these rarely change, and the batch is what the family types.

import { currentEntries } from "../changes.js";
import { dayInput, decimal, flaggedChoices, FormError, input, notesInput, radios, text } from "../dom.js";
import { infusionReactions, infusionRules, options, reactionLabel } from "../vocabulary.js";

// "No reaction" goes with no other: ticking it clears the others, ticking another clears it.
function exclusiveNoReaction(fieldsets) {
  const none = infusionRules().no_reaction;
  const boxes = fieldsets.flatMap((f) => [...f.querySelectorAll("input[type=checkbox]")]);
  for (const box of boxes) {
    box.addEventListener("change", () => {
      if (!box.checked) return;
      for (const other of boxes) {
        if (other !== box && (box.value === none || other.value === none)) other.checked = false;
      }
    });
  }
}

export const INFUSION_FORM = {
  title: "Log an infusion",
  submit: "Save infusion",
  defaults(profileId) {
    const [last] = currentEntries(profileId, "infusions"); // the newest
    return last ? { product: last.product, route: last.route, dose_g: last.dose_g, sites: last.sites } : {};
  },
  fields: (e) => {
    const { urgent, others } = flaggedChoices({
      name: "reactions",
      codes: infusionReactions(),
      ticked: e.reactions,
      urgentLegend: "Serious reactions: tick any that happened",
      otherLegend: "Other reactions",
    });
    exclusiveNoReaction([urgent, others]);
    return [
      dayInput("given_on", "Given on", e),
      input({
        name: "product",
        label: "Product",
        required: true,
        maxlength: "200",
        autocomplete: "off",
        hint: e.product && !e.id ? "From the last infusion: change it if it differs." : "As on the box.",
        value: e.product || "",
      }),
      radios({
        name: "route",
        legend: "How it was given",
        options: options("infusion_route"),
        value: e.route || null,
      }),
      input({
        name: "dose_g",
        label: "Dose in grams (g)",
        type: "number",
        inputmode: "decimal",
        required: true,
        min: "0.01",
        step: "0.01",
        value: e.dose_g ?? "",
      }),
      input({
        name: "lot_number",
        label: "Batch (lot) number",
        maxlength: "64",
        autocomplete: "off",
        autocapitalize: "characters",
        spellcheck: "false",
        hint: "On the vial's label. It lets you and your care team find this infusion if a batch is recalled.",
        value: e.lot_number || "",
      }),
      input({
        name: "sites",
        label: "Number of needle sites (optional)",
        type: "number",
        inputmode: "numeric",
        min: "1",
        step: "1",
        value: e.sites ?? "",
      }),
      urgent,
      others,
      notesInput(e),
    ];
  },
  payload: (data) => {
    const reactions = [...new Set(data.getAll("reactions"))].sort();
    const none = infusionRules().no_reaction;
    if (reactions.includes(none) && reactions.length > 1) {
      throw new FormError(`Reactions: “${reactionLabel(none)}” cannot be ticked with a reaction.`);
    }
    const sites = data.get("sites");
    return {
      given_on: data.get("given_on"),
      product: text(data, "product"),
      route: data.get("route"),
      dose_g: decimal(data.get("dose_g"), 2),
      lot_number: text(data, "lot_number"),
      sites: sites ? Number(sites) : null,
      reactions,
      notes: text(data, "notes"),
    };
  },
};
