// SIgMD diary: start-up, the hash router, the session, and the outbox's sync loop.

import { api, auth, ENTRY_SEGMENTS, NetworkError, pendingFlow } from "./api.js";
import { h } from "./dom.js";
import { log, RED_FLAGS } from "./entries.js";
import * as outbox from "./outbox.js";
import { joinDiary } from "./sharing.js";
import * as views from "./views.js";

const state = {
  user: null, // {id, email, role}
  profiles: [], // [{id, display_name, relationship}]
  profileId: null,
  entries: new Map(), // profile id -> {items: {segment: [entry]}, failed}; memory only
  sent: new Map(), // entry id -> {profileId, segment, entry}: sent from the outbox this visit
  outbox: [], // this person's unsent entries (a copy of IndexedDB)
  notice: null, // guidance for the entry just saved
  justSaved: null,
  flow: null, // allauth flow waiting at start-up (verify_email, mfa_authenticate)
};

const main = document.getElementById("main");
const syncStatus = document.getElementById("sync-status");
const connection = document.getElementById("connection");
const tabs = document.getElementById("tabs");
const accountLink = document.getElementById("account-link");
const urgent = document.getElementById("urgent");

const ROUTES = [
  [/^\/login$/, views.login, "public"],
  [/^\/signup$/, views.signup, "public"],
  [/^\/verify(?:\/([^/]+))?$/, views.verify, "public"],
  [/^\/password-reset$/, views.passwordRequest, "public"],
  [/^\/reset-code$/, views.passwordReset, "public"],
  [/^\/password-reset\/([^/]+)$/, views.passwordReset, "public"],
  [/^\/mfa$/, views.mfa, "public"],
  [/^\/learn$/, views.learn, "public"],
  [/^\/learn\/([a-z0-9-]+)$/, views.article, "public"],
  [/^\/onboarding$/, views.onboarding, "user"],
  [/^\/profiles$/, views.profiles, "user"],
  [/^\/profiles\/new$/, views.newProfile, "user"],
  [/^\/profiles\/join$/, joinDiary, "user"],
  [/^\/account$/, views.account, "user"],
  [/^\/diary$/, views.diary, "profile"],
  [/^\/log\/(infection|symptoms|treatment|vaccination|lab)$/, log, "profile"],
  [/^\/chart$/, views.chart, "profile"],
  [/^\/alerts$/, views.alerts, "profile"],
  [/^\/care$/, views.care, "profile"],
];

// --- routing and screens ------------------------------------------------------------------

const currentPath = () => (location.hash.replace(/^#/, "") || "/").split("?")[0];
const currentProfile = () => state.profiles.find((p) => p.id === state.profileId) || null;

function home() {
  if (!state.user)
    return state.flow === "verify_email"
      ? "#/verify"
      : state.flow === "mfa_authenticate"
        ? "#/mfa"
        : "#/login";
  if (!state.profiles.length) return "#/onboarding";
  return "#/diary";
}

function navigate(hash, { replace = false } = {}) {
  history[replace ? "replaceState" : "pushState"](null, "", hash);
  return route();
}

let renderCount = 0;

async function route() {
  const path = currentPath();
  const found = ROUTES.map(([pattern, view, need]) => [path.match(pattern), view, need]).find(([m]) => m);
  if (!found) return navigate(home(), { replace: true });
  const [match, view, need] = found;
  if (need !== "public" && !state.user) return navigate("#/login", { replace: true });
  if (need === "profile" && !currentProfile()) {
    return navigate(state.profiles.length ? "#/profiles" : "#/onboarding", { replace: true });
  }
  const token = ++renderCount;
  main.setAttribute("aria-busy", "true");
  let screen;
  try {
    screen = await view(app, ...match.slice(1).filter(Boolean).map(decodeURIComponent));
  } catch (error) {
    console.error(error);
    screen = {
      title: "Something went wrong",
      nodes: [h("h1", { tabindex: "-1" }, "Something went wrong"), h("p", {}, "Please try again.")],
    };
  }
  if (token !== renderCount) return; // the person has moved on to another screen
  main.replaceChildren(...screen.nodes);
  main.removeAttribute("aria-busy");
  document.title = `${screen.title} – SIgMD diary`;
  updateChrome(path);
  window.scrollTo(0, 0);
  // Focus the heading so keyboard and screen-reader users start at the top of the new screen.
  main.querySelector("h1")?.focus();
}

function updateChrome(path) {
  tabs.hidden = !state.user || !currentProfile();
  accountLink.hidden = !state.user;
  for (const a of tabs.querySelectorAll("a")) {
    const target = a.getAttribute("href").slice(1);
    const current = path === target || (target === "/diary" && path.startsWith("/log/"));
    if (current) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  updateConnection();
}

function updateConnection() {
  connection.hidden = navigator.onLine;
}

// Polite announcements of sync state; the same text twice is announced twice.
function announce(text) {
  syncStatus.textContent = "";
  setTimeout(() => {
    syncStatus.textContent = text;
  }, 50);
}

function refreshTimeline() {
  document.getElementById("timeline-list")?.replaceWith(views.timelineList(app));
}

// --- the session ------------------------------------------------------------------------------

function saveDevice() {
  // Only what the diary needs to open with no connection: see outbox.js and pwa/README.md.
  return outbox.device.set("account", {
    user: state.user,
    profiles: state.profiles,
    profileId: state.profileId,
  });
}

async function loadAccount() {
  const [me, profiles] = await Promise.all([api.me(), api.profiles()]);
  if (!me.ok || !profiles.ok)
    throw new Error(`Could not load the account (${me.status}, ${profiles.status})`);
  state.user = { id: me.data.id, email: me.data.email, role: me.data.role };
  state.profiles = profiles.data.map(({ id, display_name, relationship }) => ({
    id,
    display_name,
    relationship,
  }));
  const saved = await outbox.device.get("account").catch(() => null);
  const remembered = saved && saved.user && saved.user.id === state.user.id ? saved.profileId : null;
  state.profileId = (state.profiles.find((p) => p.id === remembered) || state.profiles[0] || {}).id || null;
  state.outbox = await outbox.entries(state.user.id);
  await saveDevice();
}

async function restoreSession() {
  try {
    const session = await auth.session();
    if (session.status === 200) {
      await loadAccount();
    } else {
      state.flow = pendingFlow(session);
    }
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    // Offline at start-up: open the diary of whoever last used it on this phone.
    const saved = await outbox.device.get("account").catch(() => null);
    if (saved && saved.user) {
      Object.assign(state, { user: saved.user, profiles: saved.profiles, profileId: saved.profileId });
      state.outbox = await outbox.entries(saved.user.id);
    }
  }
}

async function signedIn() {
  await loadAccount();
  announce(`Signed in as ${state.user.email}.`);
  await navigate(home());
  syncNow();
}

async function logout() {
  await auth.logout(); // answers 401: no session any more
  // Nothing of this person's stays on the phone (see pwa/README.md).
  await outbox.clearAll();
  Object.assign(state, { user: null, profiles: [], profileId: null, outbox: [], notice: null, flow: null });
  state.entries.clear();
  state.sent.clear();
  announce("You have logged out.");
  await navigate("#/login", { replace: true });
}

function sessionLost() {
  if (!state.user) return;
  state.user = null;
  state.entries.clear();
  announce("Please log in again. Entries saved on this phone are kept and sent after you log in.");
  navigate("#/login", { replace: true });
}

async function selectProfile(id, next) {
  state.profileId = id;
  state.notice = null;
  await saveDevice();
  await navigate(next || location.hash || "#/diary", { replace: !next });
}

async function profileAdded(profile) {
  state.profiles.push({
    id: profile.id,
    display_name: profile.display_name,
    relationship: profile.relationship,
  });
  announce(`Profile ${profile.display_name} added.`);
  await selectProfile(profile.id, "#/diary");
}

// The other parent's sharing code worked (joined now) or they already managed this profile.
async function profileJoined(profile, joined) {
  if (!state.profiles.some((p) => p.id === profile.id)) {
    state.profiles.push({
      id: profile.id,
      display_name: profile.display_name,
      relationship: profile.relationship,
    });
  }
  announce(
    joined
      ? `You now share ${profile.display_name}'s diary.`
      : `You already share ${profile.display_name}'s diary.`,
  );
  await selectProfile(profile.id, "#/diary");
}

async function loadEntries(profileId) {
  try {
    const results = await Promise.all(ENTRY_SEGMENTS.map((segment) => api.entries(profileId, segment)));
    if (results.some((r) => r.status === 401)) sessionLost();
    const items = Object.fromEntries(
      ENTRY_SEGMENTS.map((segment, i) => [segment, results[i].ok ? results[i].data : []]),
    );
    state.entries.set(profileId, { items, failed: results.some((r) => !r.ok) });
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    state.entries.set(profileId, { items: state.entries.get(profileId)?.items || {}, failed: true });
  }
}

// --- saving entries and the outbox ------------------------------------------------------------

const DAY_MS = 86400000;
const RED_FLAG_CODES = new Map(RED_FLAGS);
const URGENT_ADVICE =
  "Seek urgent care now: call the emergency number or go to the nearest emergency department. Do not wait for your care team to reply.";

// The red-flag rules of DESIGN.md, checked on the phone too, so the urgent screen appears at
// once even with no connection. The server's guidance, when it arrives, takes its place.
function localUrgency(segment, entry) {
  const recent = (day) => Date.now() - new Date(day).getTime() <= 15 * DAY_MS;
  const temperatureFlag = (t) => t !== null && t !== undefined && (t >= 40 || t < 36);
  if (segment === "symptoms" && recent(entry.recorded_at)) {
    const flags = entry.symptoms
      .filter((code) => RED_FLAG_CODES.has(code))
      .map((code) => RED_FLAG_CODES.get(code));
    if (flags.length) return `${URGENT_ADVICE} Emergency signs: ${flags.join("; ")}.`;
    if (temperatureFlag(entry.temperature_c))
      return `${URGENT_ADVICE} A temperature of ${entry.temperature_c} °C is a red flag.`;
  }
  if (segment === "infections" && !entry.resolved_on && recent(entry.onset)) {
    if (
      ["sepsis", "meningitis"].includes(entry.kind) ||
      entry.severity === "life_threatening" ||
      entry.icu ||
      temperatureFlag(entry.max_temperature_c)
    ) {
      return URGENT_ADVICE;
    }
  }
  return null;
}

async function saveEntry(segment, payload) {
  const item = outbox.newEntry({ userId: state.user.id, profileId: state.profileId, segment, payload });
  const warning = localUrgency(segment, item.payload);
  item.warned = Boolean(warning);
  await outbox.add(item);
  state.outbox.push(item);
  state.notice = null;
  state.justSaved = item.id;
  announce("Saved on this phone.");
  await navigate("#/diary");
  if (warning) showUrgent(warning);
  await syncNow();
  if (state.outbox.some((i) => i.id === item.id && i.state === "pending")) {
    announce("Saved on this phone. It will be sent when the connection is back.");
    outbox.requestBackgroundSync();
  }
}

function onResult(item, outcome, data) {
  if (outcome === "signed-out") return sessionLost();
  if (outcome === "sent") {
    state.outbox = state.outbox.filter((i) => i.id !== item.id);
    const { guidance, ...entry } = data || {};
    state.sent.set(item.id, { profileId: item.profileId, segment: item.segment, entry });
    round.sent += 1;
    if (guidance) showGuidance(item, guidance);
  } else {
    state.outbox = state.outbox.map((i) => (i.id === item.id ? item : i));
    round.errors.push(item.error);
  }
  refreshTimeline();
}

function showGuidance(item, guidance) {
  if (guidance.level === "urgent") {
    if (urgent.open) document.getElementById("urgent-message").textContent = guidance.message;
    else if (!item.warned) showUrgent(guidance.message);
  }
  if (item.id === state.justSaved) {
    state.notice = { ...guidance, profileId: item.profileId };
    document.getElementById("guidance")?.replaceWith(views.guidanceNotice(app));
  }
}

// What the last round did, announced once when it ends.
const round = { sent: 0, errors: [] };

async function syncNow() {
  if (!state.user) return;
  await outbox.flush(state.user.id, onResult);
  const messages = [];
  if (round.sent) messages.push(round.sent === 1 ? "Sent." : `${round.sent} entries sent.`);
  for (const error of round.errors) messages.push(`An entry could not be sent: ${error}`);
  if (messages.length) announce(messages.join(" "));
  round.sent = 0;
  round.errors = [];
}

async function discard(id) {
  await outbox.remove(id);
  state.outbox = state.outbox.filter((i) => i.id !== id);
  refreshTimeline();
  announce("Entry discarded.");
  document.getElementById("timeline-heading")?.setAttribute("tabindex", "-1");
  document.getElementById("timeline-heading")?.focus();
}

function dismissNotice() {
  state.notice = null;
  document.getElementById("guidance")?.replaceWith(views.guidanceNotice(app));
  main.querySelector("h1")?.focus();
}

// --- the urgent screen ----------------------------------------------------------------------------

function emergencyNumbers() {
  const region = (navigator.language.split("-")[1] || "").toUpperCase();
  const first = ["US", "CA"].includes(region) ? "911" : region === "GB" ? "999" : "112";
  return [first, ...["999", "112", "911"].filter((n) => n !== first)];
}

function showUrgent(message) {
  const [first, ...others] = emergencyNumbers();
  document.getElementById("urgent-message").textContent = message;
  const call = document.getElementById("urgent-call");
  call.href = `tel:${first}`;
  call.textContent = `Call ${first}`;
  const list = document.getElementById("urgent-others");
  list.replaceChildren(...others.map((n) => h("li", {}, h("a", { href: `tel:${n}` }, `Call ${n}`))));
  if (!urgent.open) urgent.showModal();
  call.focus();
}

// --- start-up ----------------------------------------------------------------------------------------

const app = {
  state,
  navigate,
  rerender: route,
  announce,
  signedIn,
  logout,
  selectProfile,
  profileAdded,
  profileJoined,
  currentProfile,
  loadEntries,
  saveEntry,
  discard,
  dismissNotice,
};

async function start() {
  document.getElementById("urgent-close").addEventListener("click", () => urgent.close());
  document.querySelector(".skip").addEventListener("click", (event) => {
    event.preventDefault();
    main.querySelector("h1")?.focus();
  });
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker
      .register("/sw.js", { scope: "/" })
      .catch((error) => console.warn("Service worker:", error));
    // Background Sync: the worker cannot read the CSRF cookie, so it asks this page to send.
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "flush-outbox") syncNow();
    });
  }
  window.addEventListener("online", () => {
    updateConnection();
    syncNow();
  });
  window.addEventListener("offline", updateConnection);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") syncNow();
  });
  // Networks come back without telling anyone (captive portals, flaky cells): keep trying.
  setInterval(() => {
    if (navigator.onLine && state.outbox.some((i) => i.state === "pending")) syncNow();
  }, 30000);
  window.addEventListener("popstate", route);

  await restoreSession();
  if (!location.hash || location.hash === "#") history.replaceState(null, "", home());
  await route();
  syncNow();
}

start();
