// The frame around every screen: whose diary (name and age) and a tap-to-call emergency link in
// the header, badges on the tabs, and the switcher between profiles with their own badges.

import { h } from "../dom.js";
import { currentProfile, profileName, state, unsentCount, whoAndAge } from "../state.js";
import { numbers } from "./emergency.js";

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

// Badges of one profile: open alerts and changes not yet sent.
export function badges(profileId) {
  const alerts = (state.alertCounts.get(profileId) || {}).open || 0;
  const unsent = unsentCount(profileId);
  return [
    alerts ? h("span", { class: "badge badge-alert" }, plural(alerts, "open alert", "open alerts")) : null,
    unsent ? h("span", { class: "badge badge-unsent" }, `${unsent} unsent`) : null,
  ].filter(Boolean);
}

export function updateHeader() {
  const profile = state.user ? currentProfile() : null;
  const chip = document.getElementById("current-profile");
  chip.hidden = !profile;
  if (profile) chip.textContent = whoAndAge(profile);
  const call = document.getElementById("emergency-call");
  const [first] = numbers();
  call.href = `tel:${first}`;
  call.textContent = `Call ${first}`;
  document.getElementById("account-link").hidden = !state.user;
}

export function updateTabs(path) {
  const tabs = document.getElementById("tabs");
  const profile = currentProfile();
  tabs.hidden = !state.user || !profile;
  for (const a of tabs.querySelectorAll("a")) {
    const target = a.getAttribute("href").slice(1);
    const current =
      path === target ||
      (target === "/diary" && /^\/(log|entry|conflict)\//.test(path)) ||
      (target === "/profile" && path.startsWith("/profile/")) ||
      (target === "/chart" && path.startsWith("/chart/"));
    if (current) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  const unseen = profile ? (state.alertCounts.get(profile.id) || {}).unseen || 0 : 0;
  const badge = document.getElementById("alerts-badge");
  badge.hidden = !unseen;
  badge.textContent = unseen ? String(unseen) : "";
  document.getElementById("alerts-badge-text").textContent = unseen ? `(${unseen} new)` : "";
}

export function profileSwitcher(onSelect) {
  const list = state.profiles;
  if (list.length < 2) return null;
  return h(
    "nav",
    { class: "switcher", "aria-label": "Whose diary" },
    h(
      "ul",
      {},
      list.map((p) =>
        h(
          "li",
          {},
          h(
            "button",
            {
              type: "button",
              "aria-pressed": String(p.id === state.profileId),
              onclick: () => onSelect(p.id),
            },
            h("span", { class: "switcher-name" }, profileName(p)),
            badges(p.id),
          ),
        ),
      ),
    ),
  );
}
