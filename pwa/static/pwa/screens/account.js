// The account: who is signed in, what the phone keeps, logging out, taking one's data away
// (export) and erasing the account.

import { api, NetworkError } from "../api.js";
import { today } from "../dates.js";
import { download } from "../downloads.js";
import { fail, form, h, input, link, screen } from "../dom.js";
import { countAll as outboxCount } from "../outbox.js";
import { accountErased, logout } from "../session.js";
import { state } from "../state.js";

function exportButton() {
  const said = h("div", { "aria-live": "polite" });
  const button = h(
    "button",
    {
      type: "button",
      class: "secondary",
      onclick: async () => {
        button.disabled = true;
        said.replaceChildren(h("p", { class: "hint" }, "Preparing your data…"));
        try {
          const problem = await download(api.accountExportUrl(), `SIgMD data ${today()}.json`);
          said.replaceChildren(
            h(
              "p",
              problem ? { class: "form-errors" } : { class: "hint" },
              problem || "Your data is downloaded.",
            ),
          );
        } finally {
          button.disabled = false;
        }
      },
    },
    "Export my data",
  );
  return [h("div", { class: "actions" }, button), said];
}

export async function account() {
  const { user } = state;
  const unsent = await outboxCount();
  const message = h("div", { role: "alert", class: "form-errors" });
  const logoutButton = h(
    "button",
    {
      type: "button",
      class: unsent ? "danger" : "primary",
      onclick: async () => {
        message.replaceChildren();
        try {
          await logout();
        } catch (error) {
          message.append(
            h(
              "p",
              {},
              error instanceof NetworkError
                ? "You need a connection to log out."
                : "Logging out failed. Please try again.",
            ),
          );
        }
      },
    },
    unsent ? `Log out and delete ${unsent} unsent ${unsent === 1 ? "change" : "changes"}` : "Log out",
  );
  return screen(
    "Account",
    h("p", {}, `Signed in as ${user.email} (${user.role}).`),
    h("p", {}, link("#/profiles", "Profiles")),
    h(
      "section",
      { "aria-labelledby": "privacy-heading" },
      h("h2", { id: "privacy-heading" }, "What stays on this phone"),
      h(
        "p",
        {},
        "Changes that have not reached the server yet; your profiles' names and dates of birth (so the emergency check works offline, babies included); the names of their care teams and how many alerts they have. Everything is deleted when you log out.",
      ),
      unsent
        ? h(
            "p",
            { class: "warning" },
            `${unsent} ${unsent === 1 ? "change has" : "changes have"} not been sent yet. Go online first to keep them.`,
          )
        : null,
    ),
    message,
    h("div", { class: "actions" }, logoutButton),
    h(
      "section",
      { "aria-labelledby": "data-heading" },
      h("h2", { id: "data-heading" }, "Your data"),
      h(
        "p",
        {},
        "Everything your account holds, with every profile you manage, as one file (JSON, with a FHIR bundle per profile) to keep or take to another service.",
      ),
      ...exportButton(),
      h("p", {}, link("#/account/delete", "Delete my account")),
    ),
  );
}

export function deleteAccount() {
  return screen(
    "Delete my account",
    h("p", {}, "Deleting your account cannot be undone. Export your data first if you want to keep a copy."),
    h("h2", {}, "What goes"),
    h(
      "ul",
      {},
      h("li", {}, "Your account, your sign-in on every device, and this phone's notifications."),
      h("li", {}, "Every profile that only you manage, with all its entries, alerts and history."),
      h("li", {}, "Your care teams can no longer see those profiles."),
    ),
    h("h2", {}, "What stays"),
    h(
      "ul",
      {},
      h("li", {}, "A profile another parent also manages stays with them, whole. Only you leave it."),
      h("li", {}, "The record of who looked at a diary stays, without your name or e-mail address."),
    ),
    h("p", {}, "We send you an e-mail to confirm it is done."),
    form(
      {
        submit: "Delete my account for good",
        onsubmit: async (data) => {
          const result = await api.deleteAccount(data.get("password"));
          if (result.status === 204 || result.ok) return accountErased();
          if (result.status === 400 || result.status === 403)
            fail({ ...result, data: result.data || { detail: "That password is not right." } });
          fail(result);
        },
      },
      input({
        name: "password",
        label: "Your password, to confirm",
        type: "password",
        autocomplete: "current-password",
        required: true,
      }),
    ),
    h("p", {}, link("#/account", "Keep my account")),
  );
}

export function goodbye() {
  return screen(
    "Your account is deleted",
    h("p", {}, "Nothing of yours is left on this phone. We have sent an e-mail to confirm."),
    h("p", {}, link("/learn/", "The articles on selective IgM deficiency"), " stay open to everyone."),
  );
}
