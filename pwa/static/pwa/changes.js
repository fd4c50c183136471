// Saving changes to the diary: every new entry, edit and deletion goes through the outbox
// first (so nothing is lost offline), then to the server; what the timeline shows merges the
// server's entries with what still waits on the phone.

import { api, ENTRY_SEGMENTS, etagOf, NetworkError } from "./api.js";
import { entryDate } from "./entries.js";
import * as outbox from "./outbox.js";
import { profileChanged, profileGone, saveDevice } from "./session.js";
import { state, ui } from "./state.js";

export async function loadEntries(profileId) {
  try {
    const results = await Promise.all(ENTRY_SEGMENTS.map((segment) => api.entries(profileId, segment)));
    if (results.some((r) => r.status === 401)) ui.sessionLost();
    const items = Object.fromEntries(ENTRY_SEGMENTS.map((segment, i) => [segment, results[i].data || []]));
    state.entries.set(profileId, { items, failed: results.some((r) => !r.ok) });
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    state.entries.set(profileId, { items: state.entries.get(profileId)?.items || {}, failed: true });
  }
}

export function serverEntry(profileId, segment, entryId) {
  const list = state.entries.get(profileId)?.items?.[segment] || [];
  return list.find((e) => e.id === entryId) || null;
}

function storeServerEntry(profileId, segment, entry, { removed = false } = {}) {
  const loaded = state.entries.get(profileId);
  if (!loaded) return;
  const list = (loaded.items[segment] || []).filter((e) => e.id !== entry.id);
  loaded.items[segment] = removed ? list : [entry, ...list];
}

// The entry as the person last wrote it: the server's copy with what waits on the phone applied.
export function currentEntry(profileId, segment, entryId) {
  let entry = serverEntry(profileId, segment, entryId);
  for (const item of state.outbox) {
    if (item.entryId !== entryId || item.segment !== segment) continue;
    if (item.op === "create") entry = { ...item.payload };
    else if (item.op === "update") entry = { ...(entry || {}), ...item.payload };
  }
  return entry;
}

// Timeline rows for one profile, newest first: {segment, entry, item (the waiting change) | null}.
export function timelineRows(profileId) {
  const rows = new Map();
  const loaded = state.entries.get(profileId);
  for (const [segment, list] of Object.entries(loaded?.items || {})) {
    for (const entry of list) rows.set(entry.id, { segment, entry, item: null });
  }
  for (const item of state.outbox) {
    if (item.profileId !== profileId || item.segment === "profile") continue;
    const known = rows.get(item.entryId);
    const entry =
      item.op === "create"
        ? item.payload
        : { ...(known ? known.entry : item.base || { id: item.entryId }), ...item.payload };
    rows.set(item.entryId, { segment: item.segment, entry, item });
  }
  return [...rows.values()];
}

// Every entry of one type, newest first, as the person last wrote it (waiting changes applied,
// deletions left out): what the charts and the forms that start from earlier entries read.
export function currentEntries(profileId, segment) {
  const day = (e) => String(entryDate(segment, e) || "");
  return timelineRows(profileId)
    .filter((row) => row.segment === segment && !(row.item && row.item.op === "delete"))
    .map((row) => currentEntry(profileId, segment, row.entry.id) || row.entry)
    .sort((a, b) => day(b).localeCompare(day(a)));
}

// What the last round of sending did, announced once when it ends.
const round = { sent: 0, errors: [] };

function onResult(item, outcome, data) {
  if (outcome === "signed-out") return ui.sessionLost();
  if (outcome === "sent") {
    state.outbox = state.outbox.filter((i) => i.id !== item.id);
    round.sent += 1;
    if (item.segment === "profile") {
      if (item.op === "delete") profileGone(item.profileId);
      else if (data) profileChanged(data);
    } else if (item.op === "delete") {
      storeServerEntry(item.profileId, item.segment, { id: item.entryId }, { removed: true });
    } else if (data) {
      const { guidance, ...entry } = data;
      storeServerEntry(item.profileId, item.segment, entry);
      if (guidance) ui.showGuidance(item, guidance);
    }
  } else {
    state.outbox = state.outbox.map((i) => (i.id === item.id ? item : i));
    round.errors.push(
      outcome === "conflict" ? "it was changed on another device. Choose which version to keep." : item.error,
    );
  }
  ui.refreshTimeline();
  ui.refreshChrome();
  // The profile screen says how its own change fared.
  if (item.segment === "profile" && location.hash === "#/profile") ui.rerender();
}

export async function syncNow() {
  if (!state.user) return;
  await outbox.flush(state.user.id, onResult);
  const messages = [];
  if (round.sent) messages.push(round.sent === 1 ? "Sent." : `${round.sent} changes sent.`);
  for (const error of round.errors) messages.push(`A change could not be sent: ${error}`);
  if (messages.length) ui.announce(messages.join(" "));
  round.sent = 0;
  round.errors = [];
}

// Queue a change and try to send it. Answers the queued item (or null when it cancelled an
// unsent one). `entry` is the row being edited or deleted, for its If-Match.
export async function queueChange({ profileId, segment, op, entryId, payload, entry }) {
  const next = outbox.change({
    userId: state.user.id,
    profileId,
    segment,
    op,
    entryId,
    payload,
    ifMatch: op === "create" ? null : etagOf(entry),
    base: op === "create" ? null : entry,
  });
  const [keep, drop] = outbox.coalesce(state.outbox, next);
  for (const id of drop) await outbox.remove(id);
  for (const item of keep) await outbox.put(item);
  state.outbox = [
    ...state.outbox.filter((i) => !drop.includes(i.id) && !keep.some((k) => k.id === i.id)),
    ...keep,
  ];
  return keep[0] || null;
}

export async function sendSoon(item) {
  await syncNow();
  if (item && state.outbox.some((i) => i.id === item.id && i.state === "pending")) {
    ui.announce("Saved on this phone. It will be sent when the connection is back.");
    outbox.requestBackgroundSync();
  }
}

export async function discard(id) {
  await outbox.remove(id);
  state.outbox = state.outbox.filter((i) => i.id !== id);
  ui.refreshTimeline();
  ui.refreshChrome();
  ui.announce("Change discarded.");
}

// A refused change, corrected by the person: send it again as they now wrote it.
export async function retryWith(id, payload) {
  const item = state.outbox.find((i) => i.id === id);
  const fixed = { ...item, payload: { ...item.payload, ...payload }, state: "pending", error: "" };
  await outbox.put(fixed);
  state.outbox = state.outbox.map((i) => (i.id === id ? fixed : i));
  return fixed;
}

// A 412: keep the other device's version (drop mine) or mine (send it over theirs).
export async function resolveConflict(id, keep) {
  const item = state.outbox.find((i) => i.id === id);
  if (keep === "theirs") {
    if (item.segment === "profile") await profileChanged(item.server);
    else storeServerEntry(item.profileId, item.segment, item.server);
    await discard(id);
    return null;
  }
  const again = { ...item, ifMatch: etagOf(item.server), state: "pending", error: "", server: null };
  await outbox.put(again);
  state.outbox = state.outbox.map((i) => (i.id === id ? again : i));
  await saveDevice();
  return again;
}
