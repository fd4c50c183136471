// "Find a batch": when a product batch is recalled, the infusions of that batch (lot) number in
// every diary this account manages, found by the server (never another family's).

import { api } from "../api.js";
import { formatDate } from "../dates.js";
import { fail, form, h, input, text } from "../dom.js";
import { label } from "../vocabulary.js";

export function batchSearch() {
  const found = h("div", { "aria-live": "polite" });
  const search = form(
    {
      submit: "Find",
      onsubmit: async (data) => {
        const lot = text(data, "lot");
        const result = await api.searchBatch(lot);
        if (!result.ok) fail(result);
        found.replaceChildren(
          result.data.length
            ? h(
                "ul",
                { class: "inline-list" },
                result.data.map((i) =>
                  h(
                    "li",
                    {},
                    `${i.profile.display_name}: ${formatDate(i.given_on)}, ${i.product}, ` +
                      `${label("infusion_route", i.route)}, batch ${i.lot_number}`,
                  ),
                ),
              )
            : h("p", {}, `No infusion of batch ${lot} in your diaries.`),
        );
      },
    },
    input({
      name: "lot",
      label: "Batch (lot) number",
      required: true,
      maxlength: "64",
      autocomplete: "off",
      autocapitalize: "characters",
      spellcheck: "false",
    }),
  );
  return h(
    "section",
    { "aria-labelledby": "batch-heading" },
    h("h2", { id: "batch-heading" }, "Find a batch"),
    h("p", {}, "If a batch is recalled, find the infusions given from it in all your diaries."),
    search,
    found,
  );
}
