// A destructive action asked twice, in place: the button, then "Yes, …" and "Cancel".

import { h } from "../dom.js";

export function confirmButton({ label, question, yes, onyes, oncancel = null }) {
  const box = h("div", { class: "confirm", role: "group", "aria-label": label });
  const ask = () => {
    const message = h("div", {});
    box.replaceChildren(
      h("p", {}, question),
      h(
        "button",
        {
          type: "button",
          class: "danger",
          onclick: async (event) => {
            const button = event.currentTarget;
            button.disabled = true;
            try {
              const problem = await onyes();
              if (problem) message.replaceChildren(h("p", { role: "alert", class: "form-errors" }, problem));
            } finally {
              button.disabled = false;
            }
          },
        },
        yes,
      ),
      h(
        "button",
        {
          type: "button",
          class: "secondary",
          onclick: () => {
            box.replaceChildren(start);
            if (oncancel) oncancel();
            start.focus();
          },
        },
        "Cancel",
      ),
      message,
    );
    box.querySelector("button").focus();
  };
  const start = h("button", { type: "button", class: "secondary", onclick: ask }, label);
  box.append(start);
  return box;
}
