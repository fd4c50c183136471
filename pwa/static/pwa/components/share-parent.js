// Sharing a profile with another parent: the managers of a profile, and a single-use sharing
// code (valid two days) made by one of them, passed on by the phone's share sheet or copied.
// Everything here needs a connection; offline, the section says so instead of failing.

import { api, errorText, NetworkError } from "../api.js";
import { dateFormat, timeFormat } from "../dates.js";
import { h } from "../dom.js";
import { state, whose } from "../state.js";

const OFFLINE = "No connection. Please try again when you are back online.";

// "ABCDEFGH" -> two groups of four, easier to read out and type.
function codeGroups(code) {
  const half = Math.ceil(code.length / 2);
  return [code.slice(0, half), code.slice(half)];
}

function expiryText(expiresAt) {
  const at = new Date(expiresAt);
  return `${dateFormat.format(at)} at ${timeFormat.format(at)}`;
}

function codeCard(invitation) {
  const [first, second] = codeGroups(invitation.code);
  return h(
    "div",
    { class: "share-card" },
    h("p", { class: "share-code-label", id: "share-code-label" }, "Sharing code"),
    h(
      "p",
      { class: "share-code", "aria-describedby": "share-code-label" },
      h("span", {}, first),
      " ",
      h("span", {}, second),
    ),
    h(
      "p",
      { class: "entry-meta" },
      "Works once. Valid until ",
      h("time", { datetime: invitation.expires_at }, expiryText(invitation.expires_at)),
      ".",
    ),
  );
}

function managerList(managers, userId) {
  if (!managers) return h("p", {}, "The list of parents needs a connection.");
  return h(
    "ul",
    { class: "managers" },
    managers.map((m) =>
      h(
        "li",
        {},
        h("p", { class: "entry-title" }, m.display_name || m.email, m.id === userId ? " (you)" : ""),
        m.display_name && m.email ? h("p", { class: "entry-meta" }, m.email) : null,
      ),
    ),
  );
}

// "Share the code" through the phone's share sheet where it has one, and "Copy" always.
function passOn(invitation, profile) {
  const message = `Join ${whose(profile)} SIgMD diary: open ${location.origin}/app/#/profiles/join and enter the code ${invitation.code}. It works once, within two days.`;
  const said = h("p", { class: "hint", "aria-live": "polite" });
  const share = navigator.share
    ? h(
        "button",
        {
          type: "button",
          class: "secondary",
          onclick: () =>
            navigator.share({ title: "SIgMD diary sharing code", text: message }).catch(() => {}),
        },
        "Share the code",
      )
    : null;
  const copy = h(
    "button",
    {
      type: "button",
      class: "secondary",
      onclick: async () => {
        try {
          await navigator.clipboard.writeText(invitation.code);
          said.textContent = "Code copied.";
        } catch {
          said.textContent = "This browser cannot copy: read the code out or write it down.";
        }
      },
    },
    "Copy the code",
  );
  return [h("div", { class: "actions" }, share, copy), said];
}

// The "Share with another parent" section of the profile screen.
export async function shareSection(profile) {
  let managers = null;
  let status = null;
  try {
    const result = await api.managers(profile.id);
    if (result.ok) managers = result.data;
    else status = errorText(result);
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
  }
  const result = h("div", { class: "share-result", "aria-live": "polite" });
  // Made only when needed: an empty role="alert" box would be a second alert on the screen.
  const errors = h("div", { class: "share-errors" });
  const button = h(
    "button",
    {
      type: "button",
      class: "primary",
      onclick: async () => {
        errors.replaceChildren();
        button.disabled = true;
        try {
          const answer = await api.makeSharingCode(profile.id);
          if (!answer.ok) {
            errors.append(h("p", { role: "alert", class: "form-errors" }, errorText(answer)));
            return;
          }
          result.replaceChildren(
            codeCard(answer.data),
            h(
              "p",
              {},
              "Give this code to the other parent. They tap “I have a code” on the Profiles screen of the diary app.",
            ),
            ...passOn(answer.data, profile),
          );
          button.textContent = "Make a new sharing code";
        } catch (error) {
          if (!(error instanceof NetworkError)) throw error;
          errors.append(h("p", { role: "alert", class: "form-errors" }, OFFLINE));
        } finally {
          button.disabled = false;
        }
      },
    },
    "Make a sharing code",
  );
  return h(
    "section",
    { "aria-labelledby": "share-heading" },
    h("h2", { id: "share-heading" }, "Share with another parent"),
    h(
      "p",
      {},
      `Sharing gives another parent full access to ${whose(profile)} diary: they can read everything in it and add or change entries, just as you can. They log in with their own account. The code works once and for two days.`,
    ),
    h("h3", { id: "managers-heading" }, "Who manages this diary"),
    status ? h("p", {}, status) : managerList(managers, state.user.id),
    errors,
    h("div", { class: "actions" }, button),
    result,
  );
}
