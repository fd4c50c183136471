// SIgMD diary: start-up, the hash router, and the few actions screens share (saving an entry,
// an edit or a deletion; the guidance after it; the sync loop).

import { NetworkError } from "./api.js";
import { discard, queueChange, sendSoon, serverEntry, syncNow } from "./changes.js";
import { updateHeader, updateTabs } from "./components/chrome.js";
import {
  numbers,
  setUrgentMessage,
  showUrgent,
  urgentOpen,
  wireUrgentDialog,
} from "./components/emergency.js";
import { guidanceNotice } from "./components/guidance.js";
import { timelineList } from "./components/timeline.js";
import { today } from "./dates.js";
import { h } from "./dom.js";
import { ENTRY_TYPES } from "./entries.js";
import { loadAccount, restoreSession, saveDevice } from "./session.js";
import { activeTeams, currentProfile, state, ui } from "./state.js";
import { checkUrgency } from "./urgency.js";
import { articleSlug, loadVocabulary, vocabulary } from "./vocabulary.js";
import { accessLog } from "./screens/access-log.js";
import { account, deleteAccount, goodbye } from "./screens/account.js";
import { alerts } from "./screens/alerts.js";
import * as auth from "./screens/auth.js";
import { care } from "./screens/care.js";
import { chart } from "./screens/chart.js";
import { diary } from "./screens/diary.js";
import { doctorLinks } from "./screens/doctor.js";
import { growthScreen } from "./screens/growth.js";
import { immuneScreen } from "./screens/immune.js";
import { conflict, editEntry, fixChange } from "./screens/entry.js";
import { joinDiary } from "./screens/join.js";
import { learn } from "./screens/learn.js";
import { logScreen } from "./screens/log.js";
import { profileScreen } from "./screens/profile.js";
import { editProfile, newProfile, onboarding, profiles } from "./screens/profiles.js";

const main = document.getElementById("main");
const syncStatus = document.getElementById("sync-status");
const connection = document.getElementById("connection");

const segmentOf = (kind) => ENTRY_TYPES.find((t) => t.kind === kind).segment;

const ROUTES = [
  [/^\/login$/, auth.login, "public"],
  [/^\/signup$/, auth.signup, "public"],
  [/^\/verify(?:\/([^/]+))?$/, auth.verify, "public"],
  [/^\/password-reset$/, auth.passwordRequest, "public"],
  [/^\/reset-code$/, auth.passwordReset, "public"],
  [/^\/password-reset\/([^/]+)$/, auth.passwordReset, "public"],
  [/^\/mfa$/, auth.mfa, "public"],
  [/^\/learn$/, learn, "public"],
  [/^\/goodbye$/, goodbye, "public"],
  [/^\/onboarding$/, onboarding, "user"],
  [/^\/profiles$/, profiles, "user"],
  [/^\/profiles\/new$/, newProfile, "user"],
  [/^\/profiles\/join$/, joinDiary, "user"],
  [/^\/profile\/([0-9a-f-]+)\/edit$/, editProfile, "user"],
  [/^\/account$/, account, "user"],
  [/^\/account\/delete$/, deleteAccount, "user"],
  [/^\/diary$/, diary, "profile"],
  [
    new RegExp(`^/log/(${ENTRY_TYPES.map((t) => t.kind).join("|")})$`),
    (app, kind) => logScreen(app, segmentOf(kind)),
    "profile",
  ],
  [/^\/entry\/([a-z]+)\/([0-9a-f-]+)$/, editEntry, "profile"],
  [/^\/fix\/([0-9a-f-]+)$/, fixChange, "profile"],
  [/^\/conflict\/([0-9a-f-]+)$/, conflict, "profile"],
  [/^\/profile$/, profileScreen, "profile"],
  [/^\/profile\/doctor$/, doctorLinks, "profile"],
  [/^\/profile\/access-log$/, accessLog, "profile"],
  [/^\/chart$/, chart, "profile"],
  [/^\/chart\/immune$/, immuneScreen, "profile"],
  [/^\/chart\/growth$/, growthScreen, "profile"],
  [/^\/alerts$/, alerts, "profile"],
  [/^\/care$/, care, "profile"],
];

// --- routing -----------------------------------------------------------------------------------

const currentPath = () => (location.hash.replace(/^#/, "") || "/").split("?")[0];

function home() {
  if (!state.user) {
    if (state.flow === "verify_email") return "#/verify";
    return state.flow === "mfa_authenticate" ? "#/mfa" : "#/login";
  }
  return state.profiles.length ? "#/diary" : "#/onboarding";
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
  refreshChrome();
  window.scrollTo(0, 0);
  // Focus the heading so keyboard and screen-reader users start at the top of the new screen.
  main.querySelector("h1")?.focus();
}

function refreshChrome() {
  updateHeader();
  updateTabs(currentPath());
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
  document.getElementById("timeline-list")?.replaceWith(timelineList(app));
}

function refreshNotice() {
  document.getElementById("guidance")?.replaceWith(guidanceNotice(app));
}

// --- the session -------------------------------------------------------------------------------

// The app is for families: a clinician is sent to the clinic's pages.
function isClinician() {
  if (state.user && state.user.role === "clinician") {
    // Back where the clinic sent them to sign in, if it did; never anywhere outside /clinic/.
    const next = new URLSearchParams(location.search).get("next") || "";
    location.replace(/^\/clinic\/[\w\-/]*$/.test(next) ? next : "/clinic/");
    return true;
  }
  return false;
}

async function signedIn() {
  await loadAccount();
  if (isClinician()) return;
  announce(`Signed in as ${state.user.email}.`);
  await navigate(home());
  syncNow();
}

function sessionLost() {
  if (!state.user) return;
  state.user = null;
  state.entries.clear();
  announce("Please log in again. Entries saved on this phone are kept and sent after you log in.");
  navigate("#/login", { replace: true });
}

// --- saving ------------------------------------------------------------------------------------

const warned = new Set(); // entries whose urgent screen the phone already showed

async function saveNew(segment, payload) {
  const profile = currentProfile();
  const item = await queueChange({ profileId: profile.id, segment, op: "create", payload });
  const check = checkUrgency(vocabulary(), {
    segment,
    entry: item.payload,
    dateOfBirth: profile.date_of_birth,
    number: numbers()[0],
  });
  // After the first entry, once: suggest joining a care team, if the diary has none.
  const joinPrompt = !state.prompted && !activeTeams(profile.id).length;
  if (joinPrompt) {
    state.prompted = true;
    await saveDevice();
  }
  state.notice =
    check || joinPrompt
      ? { ...(check || { level: "routine", message: "Saved." }), joinPrompt, profileId: profile.id }
      : null;
  if (state.notice && state.notice.level !== "routine")
    state.notice.articles = [articleSlug("urgent_care")].filter(Boolean);
  state.justSaved = item.id;
  announce("Saved on this phone.");
  await navigate("#/diary");
  if (check && check.level === "urgent" && check.callNow) {
    warned.add(item.id);
    showUrgent(check.message, check.reason);
  }
  await sendSoon(item);
}

// An edit or a deletion of an entry; offline too.
async function saveChange({ segment, op, entryId, payload, message }) {
  const profile = currentProfile();
  const item = await queueChange({
    profileId: profile.id,
    segment,
    op,
    entryId,
    payload,
    entry: serverEntry(profile.id, segment, entryId),
  });
  announce(message);
  await navigate("#/diary");
  await sendSoon(item);
}

async function markBetter(segment, entry) {
  const item = await queueChange({
    profileId: state.profileId,
    segment,
    op: "update",
    entryId: entry.id,
    payload: { resolved_on: today() },
    entry: serverEntry(state.profileId, segment, entry.id),
  });
  refreshTimeline();
  announce("Marked as better today.");
  await sendSoon(item);
}

function showGuidance(item, guidance) {
  if (guidance.level === "urgent") {
    if (urgentOpen()) setUrgentMessage(guidance.message);
    else if (!warned.has(item.id) && item.op === "create") showUrgent(guidance.message);
  }
  if (item.id === state.justSaved) {
    state.notice = {
      ...guidance,
      joinPrompt: state.notice && state.notice.joinPrompt,
      profileId: item.profileId,
    };
    refreshNotice();
  }
}

function dismissNotice() {
  state.notice = null;
  refreshNotice();
  main.querySelector("h1")?.focus();
}

async function discardChange(id) {
  await discard(id);
  document.getElementById("timeline-heading")?.focus();
}

// --- start-up ----------------------------------------------------------------------------------

// What screens call back into.
const app = {
  navigate,
  announce,
  signedIn,
  saveNew,
  saveChange,
  markBetter,
  discard: discardChange,
  dismissNotice,
};

Object.assign(ui, {
  navigate,
  rerender: route,
  announce,
  refreshChrome,
  refreshTimeline,
  showGuidance,
  sessionLost,
});

async function start() {
  wireUrgentDialog();
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
    refreshChrome();
    syncNow();
  });
  window.addEventListener("offline", refreshChrome);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") syncNow();
  });
  // Networks come back without telling anyone (captive portals, flaky cells): keep trying.
  setInterval(() => {
    if (navigator.onLine && state.outbox.some((i) => i.state === "pending")) syncNow();
  }, 30000);
  window.addEventListener("popstate", route);

  await loadVocabulary();
  try {
    await restoreSession();
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
  }
  if (isClinician()) return;
  if (!location.hash || location.hash === "#") history.replaceState(null, "", home());
  await route();
  syncNow();
}

start();
