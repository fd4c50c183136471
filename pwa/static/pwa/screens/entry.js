// One entry: edit it or delete it (offline too, queued with If-Match); fix a change the server
// refused; and, when another device changed it first (412), both versions side by side.

import { currentEntry, loadEntries, resolveConflict, retryWith, sendSoon } from "../changes.js";
import { confirmButton } from "../components/confirm.js";
import { formatDate } from "../dates.js";
import { h, link, screen } from "../dom.js";
import { describeEntry, typeOf } from "../entries.js";
import { currentProfile, state, ui } from "../state.js";
import { label } from "../vocabulary.js";
import { entryForm, FORMS, forWhom } from "./log.js";

const same = (a, b) => {
  if (typeof a === "string" && typeof b === "string" && a.includes("T") && b.includes("T")) {
    const [x, y] = [new Date(a).getTime(), new Date(b).getTime()];
    if (!Number.isNaN(x) && !Number.isNaN(y)) return x === y;
  }
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
};

// Only what the person changed goes in the PATCH: an edit never undoes, with the old value of
// a field it did not touch, what another device wrote there.
export function changedFields(before, after) {
  return Object.fromEntries(Object.entries(after).filter(([name, value]) => !same(before[name], value)));
}

const notFound = () =>
  screen(
    "Entry not found",
    h("p", {}, "It may have been deleted on another device. "),
    h("p", {}, link("#/diary", "Back to the diary")),
  );

export async function editEntry(app, segment, entryId) {
  const profile = currentProfile();
  if (!FORMS[segment]) return notFound();
  if (!state.entries.has(profile.id)) await loadEntries(profile.id);
  const entry = currentEntry(profile.id, segment, entryId);
  if (!entry) return notFound();
  const type = typeOf(segment);
  const name = (type.noun || type.name).toLowerCase();
  const remove = confirmButton({
    label: `Delete this ${name}`,
    question: `Delete this ${name} from the diary? Your care team will no longer see it.`,
    yes: "Yes, delete it",
    onyes: async () => {
      await app.saveChange({ segment, op: "delete", entryId, message: "Deleted." });
      return null;
    },
  });
  return screen(
    `Edit ${describeEntry(segment, entry).title.split(":")[0].toLowerCase()}`,
    forWhom(),
    entryForm(segment, {
      entry,
      submit: "Save changes",
      save: async (payload) => {
        const changes = changedFields(entry, payload);
        if (!Object.keys(changes).length) {
          app.announce("Nothing was changed.");
          return app.navigate("#/diary");
        }
        return app.saveChange({
          segment,
          op: "update",
          entryId,
          payload: changes,
          message: "Changes saved on this phone.",
        });
      },
    }),
    h(
      "section",
      { "aria-labelledby": "delete-heading" },
      h("h2", { id: "delete-heading" }, "Delete"),
      remove,
    ),
    h("p", {}, link("#/diary", "Back to the diary")),
  );
}

// A refused change, opened in its form with what the person wrote and why it was refused.
export function fixChange(app, itemId) {
  const item = state.outbox.find((i) => i.id === itemId);
  if (!item || !FORMS[item.segment]) return notFound();
  return screen(
    "Fix and send again",
    forWhom(),
    h("p", { class: "warning" }, `The server refused this: ${item.error}`),
    entryForm(item.segment, {
      entry: item.payload,
      submit: "Send again",
      save: async (payload) => {
        const fixed = await retryWith(itemId, payload);
        ui.announce("Saved on this phone.");
        await ui.navigate("#/diary");
        await sendSoon(fixed);
      },
    }),
    h("p", {}, link("#/diary", "Back to the diary")),
  );
}

// A profile reads as its name, date of birth and sex; an entry as it does in the timeline.
function describe(segment, row, profile) {
  if (segment !== "profile") return describeEntry(segment, row, profile.date_of_birth);
  return {
    title: row.display_name,
    details: [row.date_of_birth && `born ${formatDate(row.date_of_birth)}`, row.sex && label("sex", row.sex)],
  };
}

function versionCard(heading, segment, entry, profile) {
  const d = describe(segment, entry, profile);
  return h(
    "section",
    { class: "version", "aria-label": heading },
    h("h2", {}, heading),
    h("p", { class: "entry-title" }, d.title),
    h("p", { class: "entry-meta" }, d.details.filter(Boolean).join(" · ") || "—"),
    entry.notes ? h("p", {}, `Notes: ${entry.notes}`) : null,
  );
}

export function conflict(app, itemId) {
  const item = state.outbox.find((i) => i.id === itemId && i.state === "conflict");
  if (!item) return notFound();
  const profile = currentProfile();
  const mine = { ...item.server, ...item.payload };
  const choose = (keep) => async () => {
    const again = await resolveConflict(itemId, keep);
    ui.announce(keep === "theirs" ? "Kept the other version." : "Your version will be sent.");
    await ui.navigate(item.segment === "profile" ? "#/profile" : "#/diary");
    if (again) await sendSoon(again);
  };
  return screen(
    "Changed on another device",
    h(
      "p",
      {},
      `Someone changed this ${item.segment === "profile" ? "profile" : "entry"} on another device before your change arrived. Choose the version to keep.`,
    ),
    h(
      "div",
      { class: "versions" },
      item.op === "delete"
        ? h(
            "section",
            { class: "version", "aria-label": "Your change" },
            h("h2", {}, "Your change"),
            h("p", {}, "Delete the entry."),
          )
        : versionCard("Your version", item.segment, mine, profile),
      versionCard("The other version", item.segment, item.server, profile),
    ),
    h(
      "div",
      { class: "actions" },
      h(
        "button",
        { type: "button", class: "primary", onclick: choose("mine") },
        item.op === "delete" ? "Delete it anyway" : "Keep my version",
      ),
      h(
        "button",
        { type: "button", class: "secondary", onclick: choose("theirs") },
        "Keep the other version",
      ),
    ),
  );
}
