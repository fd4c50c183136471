// "Share with a doctor": a read-only link to the profile's summary and PDF for someone without
// an account, with a note and an expiry of at most 30 days, its QR code for the waiting room,
// the list of links made, and revoking one. Needs a connection.

import { api, errorText, NetworkError } from "../api.js";
import { confirmButton } from "../components/confirm.js";
import { dateFormat, formatDateTime } from "../dates.js";
import { fail, form, h, input, link, screen, select, text } from "../dom.js";
import { currentProfile, ui, whose } from "../state.js";

const DAY_MS = 86400000;
const EXPIRY_DAYS = [
  ["1", "1 day"],
  ["7", "7 days"],
  ["14", "14 days"],
  ["30", "30 days (the longest)"],
];

function linkState(l) {
  if (l.revoked_at) return `Revoked ${dateFormat.format(new Date(l.revoked_at))}`;
  if (new Date(l.expires_at) <= new Date()) return `Expired ${dateFormat.format(new Date(l.expires_at))}`;
  return `Works until ${formatDateTime(l.expires_at)}`;
}
const isLive = (l) => !l.revoked_at && new Date(l.expires_at) > new Date();

function createdCard(created) {
  const copied = h("p", { class: "hint", "aria-live": "polite" });
  return h(
    "div",
    { class: "share-card", id: "new-share-link" },
    h("h2", { tabindex: "-1" }, "The link is ready"),
    created.qr_svg
      ? h("img", {
          class: "qr",
          src: created.qr_svg,
          alt: "QR code of the link: the doctor points a phone camera at it",
          width: "240",
          height: "240",
        })
      : null,
    h("p", { class: "share-url" }, created.url),
    h("p", { class: "entry-meta" }, linkState(created)),
    h(
      "div",
      { class: "actions" },
      h(
        "button",
        {
          type: "button",
          class: "secondary",
          onclick: async () => {
            try {
              await navigator.clipboard.writeText(created.url);
              copied.textContent = "Link copied.";
            } catch {
              copied.textContent = "This browser cannot copy: show the QR code instead.";
            }
          },
        },
        "Copy the link",
      ),
    ),
    copied,
  );
}

// One link in the list: its note, whether it still works, its last use, and revoking it.
function linkItem(profile, l) {
  return h(
    "li",
    {},
    h("p", { class: "entry-title" }, l.note || "A link without a note"),
    h("p", { class: "entry-meta" }, linkState(l)),
    l.last_used_at ? h("p", { class: "entry-meta" }, `Last opened ${formatDateTime(l.last_used_at)}`) : null,
    isLive(l)
      ? confirmButton({
          label: `Revoke the link${l.note ? ` “${l.note}”` : ""}`,
          question: "Revoke this link? Anyone who has it can no longer open the summary.",
          yes: "Yes, revoke it",
          onyes: async () => {
            const result = await api.revokeShareLink(profile.id, l.id);
            if (!result.ok && result.status !== 404) return errorText(result);
            ui.announce("The link is revoked.");
            await ui.rerender();
            return null;
          },
        })
      : null,
  );
}

export async function doctorLinks() {
  const profile = currentProfile();
  let links = null;
  let status = null;
  try {
    const result = await api.shareLinks(profile.id);
    if (result.ok) links = result.data;
    else status = errorText(result);
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    status = "Links for a doctor need a connection.";
  }
  const fresh = h("div", { "aria-live": "polite" });
  // Redrawn in place when a link is made, so the new link's QR code stays on the screen.
  const listed = h("div", {});
  const showLinks = () =>
    listed.replaceChildren(
      links && links.length
        ? h(
            "ul",
            { class: "links", id: "share-link-list" },
            links.map((l) => linkItem(profile, l)),
          )
        : h("p", {}, links ? "None yet." : "The list needs a connection."),
    );
  showLinks();
  return screen(
    "Share with a doctor",
    h(
      "p",
      {},
      `A read-only link to ${whose(profile)} 12-month summary and its PDF, for a doctor without an account. Nothing else of the diary can be reached through it, every use shows in “Who has seen this diary”, and you can revoke it at any time.`,
    ),
    status ? h("p", {}, status) : null,
    form(
      {
        submit: "Make a link",
        onsubmit: async (data) => {
          const days = Number(data.get("days"));
          const result = await api.createShareLink(profile.id, {
            note: text(data, "note"),
            expires_at: new Date(Date.now() + days * DAY_MS).toISOString(),
          });
          if (!result.ok) fail(result);
          const card = createdCard(result.data);
          fresh.replaceChildren(card);
          card.querySelector("h2").focus();
          // The whole card, QR code included, on the screen to show it in the waiting room.
          card.scrollIntoView({ block: "nearest" });
          links = [result.data, ...(links || [])];
          showLinks();
        },
      },
      input({
        name: "note",
        label: "Note (optional)",
        maxlength: "200",
        autocomplete: "off",
        hint: "For example: for Dr Patel, 12 March.",
      }),
      select({ name: "days", label: "The link works for", options: EXPIRY_DAYS, value: "7" }),
    ),
    fresh,
    h(
      "section",
      { "aria-labelledby": "links-heading" },
      h("h2", { id: "links-heading" }, "Links you have made"),
      listed,
    ),
    h("p", {}, link("#/profile", "Back to the profile")),
  );
}
