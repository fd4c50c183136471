// The timeline: every entry of the profile, newest first, with its day and time, a red-flag
// mark, who logged it, whether it has reached the server, and what can be done with it.

import { currentEntry, timelineRows } from "../changes.js";
import { formatDate, formatDateTime, hasTime, today } from "../dates.js";
import { h, link } from "../dom.js";
import { describeEntry, isOngoing } from "../entries.js";
import { profileById, state } from "../state.js";

const WAITING = {
  create: "Saved on this phone",
  update: "Change saved on this phone",
  delete: "Deletion saved on this phone",
};

function syncLine(row) {
  const { item } = row;
  if (!item) return h("p", { class: "sync sync-sent" }, "Sent");
  if (item.state === "pending") return h("p", { class: "sync sync-pending" }, WAITING[item.op]);
  if (item.state === "conflict") {
    return h("p", { class: "sync sync-error" }, "Not sent: changed on another device");
  }
  return h("p", { class: "sync sync-error" }, `Not sent: ${item.error}`);
}

function loggedBy(entry) {
  const by = entry.created_by;
  if (!by) return null;
  const name = by.id === state.user.id ? "you" : by.display_name || "another parent";
  return h("p", { class: "entry-meta" }, `Logged by ${name}`);
}

// What can be done with a change the server refused, or one that met a newer version.
function refusedActions(app, row) {
  const { item } = row;
  if (item.state === "conflict") {
    return h(
      "div",
      { class: "entry-actions" },
      link(`#/conflict/${item.id}`, "Compare and choose", { class: "button" }),
    );
  }
  return h(
    "div",
    { class: "entry-actions" },
    item.op === "delete" ? null : link(`#/fix/${item.id}`, "Fix and send again", { class: "button" }),
    h(
      "button",
      { type: "button", class: "secondary", onclick: () => app.discard(item.id) },
      "Discard this change",
    ),
  );
}

function rowActions(app, row, profileId) {
  if (row.item && row.item.state !== "pending") return refusedActions(app, row);
  if (row.item && row.item.op === "delete") return null;
  const entry = currentEntry(profileId, row.segment, row.entry.id) || row.entry;
  return h(
    "div",
    { class: "entry-actions" },
    link(`#/entry/${row.segment}/${row.entry.id}`, "Edit", { class: "button secondary-link" }),
    isOngoing(row.segment, entry)
      ? h(
          "button",
          { type: "button", class: "secondary", onclick: () => app.markBetter(row.segment, entry) },
          "Mark as better",
        )
      : null,
  );
}

export function timelineList(app) {
  const profileId = state.profileId;
  const profile = profileById(profileId);
  const loaded = state.entries.get(profileId);
  const rows = timelineRows(profileId)
    .map((row) => ({ ...row, ...describeEntry(row.segment, row.entry, profile && profile.date_of_birth) }))
    .sort(
      (a, b) =>
        new Date(b.date) - new Date(a.date) ||
        (b.entry.created_at || "").localeCompare(a.entry.created_at || ""),
    );
  if (!rows.length) {
    return h(
      "p",
      { id: "timeline-list" },
      loaded?.failed
        ? "The diary could not be loaded. Entries you add now are kept on this phone."
        : "Nothing logged yet.",
    );
  }
  const when = (date) =>
    hasTime(date) ? formatDateTime(date) : date === today() ? "today" : formatDate(date);
  return h(
    "ol",
    { id: "timeline-list", class: "timeline" },
    rows.map((row) =>
      h(
        "li",
        { class: `entry${row.redFlag ? " entry-red-flag" : ""}`, "data-id": row.entry.id },
        row.redFlag ? h("p", { class: "red-flag-mark" }, "Red flag") : null,
        h("p", { class: "entry-title" }, row.title),
        h(
          "p",
          { class: "entry-meta" },
          h("time", { datetime: row.date }, when(row.date)),
          row.details.filter(Boolean).map((d) => ` · ${d}`),
        ),
        loggedBy(row.entry),
        syncLine(row),
        rowActions(app, row, profileId),
      ),
    ),
  );
}
