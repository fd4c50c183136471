// The outbox: every change made on this phone (a new entry, an edit, a deletion, of an entry or
// a profile) until the server has accepted it.
//
// What is kept in browser storage, and why (see pwa/README.md):
// - the outbox itself: each change with its client-made id, until the server answers 2xx.
//   Without it an entry typed with no signal would be lost. Changes the server refused stay,
//   marked with the reason, until the person fixes or discards them.
// - a "device" record: the account's id, e-mail and role; its profiles' ids, names and dates
//   of birth (the infant clause of the offline urgency check needs them); the last-used
//   profile; each profile's care-team names and alert counts, so the diary opens, names whose
//   record it is and says truthfully whether it is shared, with no connection.
// Nothing else: the timeline, the chart, alerts and lab values are fetched when shown and held
// in memory only; the service worker never caches /api/ or /_allauth/ answers. Logging out
// deletes the whole database.
//
// Replays are safe: the API answers 200 to a create whose id it already holds with the same
// content, and edits carry If-Match, so an edit made offline never overwrites a newer one.

import { api, errorText, NetworkError } from "./api.js";

const DB_NAME = "sigmd";
const OUTBOX = "outbox";
const DEVICE = "device";

let opening = null;

function openDb() {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore(OUTBOX, { keyPath: "id" });
      req.result.createObjectStore(DEVICE);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  return opening;
}

async function run(storeName, mode, work) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(storeName, mode);
    const result = work(tx.objectStore(storeName));
    tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
    tx.onerror = () => reject(tx.error);
  });
}

export const device = {
  get: (key) => run(DEVICE, "readonly", (store) => store.get(key)),
  set: (key, value) => run(DEVICE, "readwrite", (store) => store.put(value, key)),
};

// item: {id, entryId, userId, profileId, segment ("profile" for the profile itself),
//        op: "create"|"update"|"delete", payload, ifMatch, base, createdAt,
//        state: "pending"|"error"|"conflict", error, server (the other version, on a conflict)}
export const put = (item) => run(OUTBOX, "readwrite", (store) => store.put(item));
export const remove = (id) => run(OUTBOX, "readwrite", (store) => store.delete(id));

export async function items(userId) {
  const all = await run(OUTBOX, "readonly", (store) => store.getAll());
  return all.filter((item) => item.userId === userId).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

// Everything waiting on this phone, whoever wrote it: what logging out would delete.
export const countAll = () => run(OUTBOX, "readonly", (store) => store.count());

// Logging out: nothing of this person's stays on the phone.
export async function clearAll() {
  const db = await openDb();
  db.close();
  opening = null;
  await new Promise((resolve, reject) => {
    const req = indexedDB.deleteDatabase(DB_NAME);
    req.onsuccess = () => resolve();
    req.onerror = () => reject(req.error);
    req.onblocked = () => resolve();
  });
}

// A new change. A create's id is the entry's own id (the API takes client-made ids).
export function change({
  userId,
  profileId,
  segment,
  op,
  entryId = null,
  payload = {},
  ifMatch = null,
  base = null,
}) {
  const id = op === "create" ? entryId || crypto.randomUUID() : crypto.randomUUID();
  return {
    id,
    entryId: op === "create" ? id : entryId,
    userId,
    profileId,
    segment,
    op,
    payload: op === "create" ? { ...payload, id } : payload,
    ifMatch,
    base, // the row as it was, so the timeline can show the change offline after a reload
    createdAt: new Date().toISOString(),
    state: "pending",
    error: "",
    server: null,
  };
}

// Folds a change into what already waits for the same row, so the server hears one request:
// an edit of an unsent entry edits the create; deleting an unsent entry sends nothing at all.
// Answers [the items to keep, the ids to drop].
export function coalesce(waiting, next) {
  const earlier = waiting.find((i) => i.entryId === next.entryId && i.segment === next.segment);
  if (!earlier || earlier.state !== "pending" || next.op === "create") return [[next], []];
  if (earlier.op === "create") {
    if (next.op === "delete") return [[], [earlier.id]];
    return [[{ ...earlier, payload: { ...earlier.payload, ...next.payload } }], []];
  }
  if (earlier.op === "update" && next.op === "update") {
    return [[{ ...earlier, payload: { ...earlier.payload, ...next.payload } }], []];
  }
  // An edit then a deletion: the deletion, checked against what the edit was based on.
  return [[{ ...next, ifMatch: earlier.ifMatch }], [earlier.id]];
}

// Worth sending again later: the server or the network had a problem, not the change.
function isTransient(result) {
  if (result.status >= 500 || result.status === 408 || result.status === 429) return true;
  // Django's CSRF refusal is a 403 too, and a fresh cookie fixes it; any other 403 is final.
  return result.status === 403 && /CSRF/i.test((result.data && result.data.detail) || "");
}

function send(item) {
  if (item.op === "create") {
    if (item.segment === "profile") return api.createProfile(item.payload);
    return api.createEntry(item.profileId, item.segment, item.payload);
  }
  if (item.op === "update") {
    return api.updateEntry(item.profileId, item.segment, item.entryId, item.payload, item.ifMatch);
  }
  return api.deleteEntry(item.profileId, item.segment, item.entryId, item.ifMatch);
}

function refusal(item, result) {
  if (result.status === 409 && item.op === "create")
    return "an entry with this id already exists with other content.";
  if (result.status === 404) {
    return item.segment === "profile"
      ? "this diary is no longer yours to change."
      : "it is no longer in this diary: it may have been deleted on another device.";
  }
  if (result.status === 403) return "you are not allowed to change this diary.";
  return errorText(result);
}

async function sendOne(item, onResult) {
  const result = await send(item);
  if (result.ok || (item.op === "delete" && result.status === 404)) {
    await remove(item.id);
    onResult(item, "sent", result.data);
  } else if (result.status === 401) {
    onResult(item, "signed-out", null);
    return false;
  } else if (isTransient(result)) {
    return false;
  } else if (result.status === 412) {
    // Changed on another device first: keep both versions and let the person choose.
    const current = await api.entry(item.profileId, item.segment, item.entryId);
    const settled = current.ok
      ? { ...item, state: "conflict", server: current.data, error: "changed on another device." }
      : { ...item, state: "error", error: refusal(item, current) };
    await put(settled);
    onResult(settled, settled.state, null);
  } else {
    const failed = { ...item, state: "error", error: refusal(item, result) };
    await put(failed);
    onResult(failed, "error", result.data);
  }
  return true;
}

let flushing = null;
let again = false;

async function sendPending(userId, onResult) {
  for (const item of await items(userId)) {
    if (item.state !== "pending") continue;
    try {
      if (!(await sendOne(item, onResult))) return;
    } catch (error) {
      if (error instanceof NetworkError) return;
      throw error;
    }
  }
}

// Sends pending changes one at a time, oldest first. `onResult(item, outcome, data)` hears
// "sent" (2xx), "error" (refused for good: 400, 403, 404, a create's 409; shown with the
// reason, never retried by itself), "conflict" (412: both versions kept) and "signed-out"
// (401: kept for after the next sign-in). A network error or a 5xx ends the round and leaves
// the rest pending for the next `online` event, start-up or background sync. A call made
// while a round runs is answered by one more round after it.
export function flush(userId, onResult) {
  if (flushing) {
    again = true;
    return flushing;
  }
  flushing = (async () => {
    try {
      do {
        again = false;
        await sendPending(userId, onResult);
      } while (again);
    } finally {
      flushing = null;
    }
  })();
  return flushing;
}

// Background Sync where the browser has it: the service worker wakes the page to flush,
// because only the page can read the CSRF cookie.
export async function requestBackgroundSync() {
  try {
    const registration = await navigator.serviceWorker?.ready;
    await registration?.sync?.register("outbox");
  } catch {
    // Not supported or not allowed: the `online` event and start-up cover it.
  }
}
