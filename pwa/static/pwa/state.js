// What the app holds while it runs, and how a profile is named. Health data here lives in
// memory only; what the phone keeps is listed in outbox.js.

import { ageText, formatDate } from "./dates.js";

export const state = {
  user: null, // {id, email, role, display_name}
  profiles: [], // [{id, display_name, relationship, date_of_birth, sex, version}]
  profileId: null,
  entries: new Map(), // profile id -> {items: {segment: [entry]}, failed}
  outbox: [], // this person's unsent changes (a copy of IndexedDB)
  careLinks: new Map(), // profile id -> [{id, team_name, active, ...}] (kept for offline)
  alertCounts: new Map(), // profile id -> {open, unseen} (kept for offline)
  alertsSeenAt: {}, // profile id -> ISO time the Alerts screen was last opened
  notice: null, // guidance for the entry just saved
  justSaved: null,
  prompted: false, // the one-time "join a care team" prompt has been offered
  flow: null, // allauth flow waiting at start-up (verify_email, mfa_authenticate)
};

// The UI functions modules call back into; app.js fills them in at start-up.
export const ui = {
  navigate: async () => {},
  rerender: async () => {},
  announce: () => {},
  refreshChrome: () => {},
  refreshTimeline: () => {},
  showGuidance: () => {},
  sessionLost: () => {},
};

export const currentProfile = () => state.profiles.find((p) => p.id === state.profileId) || null;
export const profileById = (id) => state.profiles.find((p) => p.id === id) || null;

// A profile's name, with its date of birth when another profile has the same name (two
// children called Ava, or a joined "Ava" and one's own).
export function profileName(profile) {
  if (profile.relationship === "self") return "Me";
  const twins = state.profiles.filter(
    (p) =>
      p.id !== profile.id &&
      p.display_name.trim().toLowerCase() === profile.display_name.trim().toLowerCase(),
  );
  return twins.length && profile.date_of_birth
    ? `${profile.display_name} (born ${formatDate(profile.date_of_birth)})`
    : profile.display_name;
}

// "Ava, 4 years" or "Me, 34 years": whose record this is, at a glance.
export function whoAndAge(profile) {
  const age = ageText(profile.date_of_birth);
  return age ? `${profileName(profile)}, ${age}` : profileName(profile);
}

// "your" or "Ava's", for sentences about the diary.
export const whose = (profile) => (profile.relationship === "self" ? "your" : `${profile.display_name}'s`);

export const activeTeams = (profileId) => (state.careLinks.get(profileId) || []).filter((l) => l.active);

export const unsentCount = (profileId) =>
  state.outbox.filter((i) => i.profileId === profileId && i.segment !== "profile").length;
