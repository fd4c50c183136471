// The signed-in person: their account and profiles from the server, the device record that
// lets the diary open with no connection, and logging out (which deletes it all).

import { api, auth, NetworkError, pendingFlow } from "./api.js";
import * as outbox from "./outbox.js";
import { profileById, state, ui } from "./state.js";

const PROFILE_FIELDS = ["id", "display_name", "relationship", "date_of_birth", "sex", "version"];
const pick = (profile) => Object.fromEntries(PROFILE_FIELDS.map((name) => [name, profile[name]]));

export function saveDevice() {
  // Only what the diary needs to open with no connection: see outbox.js and pwa/README.md.
  return outbox.device.set("account", {
    user: state.user,
    profiles: state.profiles,
    profileId: state.profileId,
    careLinks: Object.fromEntries(state.careLinks),
    alertCounts: Object.fromEntries(state.alertCounts),
    alertsSeenAt: state.alertsSeenAt,
    prompted: state.prompted,
  });
}

function restoreDevice(saved) {
  state.careLinks = new Map(Object.entries(saved.careLinks || {}));
  state.alertCounts = new Map(Object.entries(saved.alertCounts || {}));
  state.alertsSeenAt = saved.alertsSeenAt || {};
  state.prompted = Boolean(saved.prompted);
}

// Open alerts and those not yet seen on this phone, per profile: the badges.
export function countAlerts(alerts) {
  const counts = new Map(state.profiles.map((p) => [p.id, { open: 0, unseen: 0 }]));
  for (const alert of alerts) {
    const count = counts.get(alert.profile);
    if (!count) continue;
    if (alert.status !== "resolved") count.open += 1;
    if (new Date(alert.created_at) > new Date(state.alertsSeenAt[alert.profile] || 0)) count.unseen += 1;
  }
  return counts;
}

export async function refreshAlertCounts() {
  try {
    const result = await api.allAlerts();
    if (result.ok) {
      state.alertCounts = countAlerts(result.data);
      await saveDevice();
    }
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
  }
}

export async function refreshCareLinks(profileId) {
  try {
    const result = await api.careLinks(profileId);
    if (result.ok) {
      state.careLinks.set(profileId, result.data);
      await saveDevice();
    }
    return result;
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    return null;
  }
}

// The profile to open: the last used, else one with an open alert, else the first.
function openingProfile(remembered) {
  if (profileById(remembered)) return remembered;
  const alerted = state.profiles.find((p) => (state.alertCounts.get(p.id) || {}).open);
  return (alerted || state.profiles[0] || {}).id || null;
}

export async function loadAccount() {
  const me = await api.me();
  if (!me.ok) throw new Error(`Could not load the account (${me.status})`);
  state.user = {
    id: me.data.id,
    email: me.data.email,
    role: me.data.role,
    display_name: me.data.display_name,
  };
  if (state.user.role === "clinician") return; // sent to /clinic/: the diary is for families
  const profiles = await api.profiles();
  if (!profiles.ok) throw new Error(`Could not load the profiles (${profiles.status})`);
  state.profiles = profiles.data.map(pick);
  const saved = await outbox.device.get("account").catch(() => null);
  const mine = saved && saved.user && saved.user.id === state.user.id ? saved : null;
  if (mine) restoreDevice(mine);
  await refreshAlertCounts();
  await Promise.all(state.profiles.map((p) => refreshCareLinks(p.id)));
  state.profileId = openingProfile(mine && mine.profileId);
  state.outbox = await outbox.items(state.user.id);
  await saveDevice();
}

export async function restoreSession() {
  try {
    const session = await auth.session();
    if (session.status === 200) await loadAccount();
    else state.flow = pendingFlow(session);
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    // Offline at start-up: open the diary of whoever last used it on this phone.
    const saved = await outbox.device.get("account").catch(() => null);
    if (saved && saved.user) {
      Object.assign(state, { user: saved.user, profiles: saved.profiles, profileId: saved.profileId });
      restoreDevice(saved);
      state.outbox = await outbox.items(saved.user.id);
    }
  }
}

export function forgetEverything() {
  Object.assign(state, {
    user: null,
    profiles: [],
    profileId: null,
    outbox: [],
    notice: null,
    flow: null,
    alertsSeenAt: {},
    prompted: false,
  });
  state.entries.clear();
  state.careLinks.clear();
  state.alertCounts.clear();
}

export async function logout() {
  await auth.logout(); // answers 401: no session any more
  // Nothing of this person's stays on the phone (see pwa/README.md).
  await outbox.clearAll();
  forgetEverything();
  ui.announce("You have logged out.");
  await ui.navigate("#/login", { replace: true });
}

// After the account was erased on the server: the session is gone with it.
export async function accountErased() {
  await outbox.clearAll();
  forgetEverything();
  await ui.navigate("#/goodbye", { replace: true });
}

export async function selectProfile(id, next) {
  state.profileId = id;
  state.notice = null;
  await saveDevice();
  await ui.navigate(next || location.hash || "#/diary", { replace: !next });
}

// A profile created, joined or edited: keep the local copy in step.
export async function profileChanged(profile) {
  const copy = pick(profile);
  const index = state.profiles.findIndex((p) => p.id === copy.id);
  if (index >= 0) state.profiles[index] = copy;
  else state.profiles.push(copy);
  await saveDevice();
}

export async function profileGone(profileId) {
  state.profiles = state.profiles.filter((p) => p.id !== profileId);
  state.entries.delete(profileId);
  if (state.profileId === profileId) state.profileId = (state.profiles[0] || {}).id || null;
  await saveDevice();
}

export async function alertsSeen(profileId) {
  state.alertsSeenAt[profileId] = new Date().toISOString();
  const count = state.alertCounts.get(profileId);
  if (count) count.unseen = 0;
  await saveDevice();
}
