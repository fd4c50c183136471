// The outbox: diary entries written on this phone and not yet accepted by the server.
//
// What is kept in browser storage, and why (see pwa/README.md):
// - the outbox itself: each entry with its client-made id, until the server answers 200/201.
//   Without it an entry typed with no signal would be lost. Entries the server refused stay,
//   marked with the reason, until the person discards them.
// - a "device" record: the signed-in account's id and role, and the names and ids of the
//   profiles it manages, so the diary can open and take entries with no connection.
// Nothing else: the timeline, the chart, alerts and lab values are fetched when shown and held
// in memory only; the service worker never caches /api/ or /_allauth/ answers. Logging out
// deletes the whole database.
//
// Replays are safe: the API answers 200 to an id it already holds with the same content.

import { api, NetworkError, errorText } from "./api.js";

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

// item: {id, userId, profileId, segment, payload, createdAt, state: "pending"|"error", error}
export const add = (item) => run(OUTBOX, "readwrite", (store) => store.put(item));
export const remove = (id) => run(OUTBOX, "readwrite", (store) => store.delete(id));

export async function entries(userId) {
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

export function newEntry({ userId, profileId, segment, payload }) {
  const id = crypto.randomUUID();
  return {
    id,
    userId,
    profileId,
    segment,
    payload: { id, ...payload },
    createdAt: new Date().toISOString(),
    state: "pending",
    error: "",
  };
}

// Worth sending again later: the server or the network had a problem, not the entry.
function isTransient(status) {
  return status >= 500 || status === 408 || status === 429;
}

let flushing = null;
let again = false;

async function sendPending(userId, onResult) {
  for (const item of await entries(userId)) {
    if (item.state !== "pending") continue;
    let result;
    try {
      result = await api.createEntry(item.profileId, item.segment, item.payload);
    } catch (error) {
      if (error instanceof NetworkError) return;
      throw error;
    }
    if (result.status === 200 || result.status === 201) {
      await remove(item.id);
      onResult(item, "sent", result.data);
    } else if (result.status === 401) {
      onResult(item, "signed-out", result.data);
      return;
    } else if (result.status === 403 || isTransient(result.status)) {
      // 403 here is a CSRF refusal (a profile one may not write to answers 404): try again later.
      return;
    } else {
      const error =
        result.status === 409
          ? "an entry with this id already exists with other content."
          : errorText(result);
      const failed = { ...item, state: "error", error };
      await add(failed);
      onResult(failed, "error", result.data);
    }
  }
}

// Sends pending entries one at a time, oldest first. `onResult(item, outcome, data)` hears
// "sent" (200/201), "error" (409 or another 4xx: shown on the entry, never retried by itself)
// and "signed-out" (401: kept for after the next sign-in). A network error or a 5xx ends
// the round and leaves the rest pending for the next `online` event, start-up or background
// sync. A call made while a round runs is answered by one more round after it.
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
