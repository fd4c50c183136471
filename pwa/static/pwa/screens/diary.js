// The diary of the current profile: one-tap logging, the guidance for what was just saved,
// and the timeline.

import { loadEntries } from "../changes.js";
import { profileSwitcher } from "../components/chrome.js";
import { guidanceNotice } from "../components/guidance.js";
import { timelineList } from "../components/timeline.js";
import { h, link, screen } from "../dom.js";
import { ENTRY_TYPES } from "../entries.js";
import { refreshAlertCounts, selectProfile } from "../session.js";
import { currentProfile, state, ui, whoAndAge } from "../state.js";

export async function diary(app) {
  const profile = currentProfile();
  await loadEntries(profile.id);
  // New alerts since start-up show on the badges without blocking the screen.
  refreshAlertCounts()
    .then(() => ui.refreshChrome())
    .catch((error) => console.warn("Alert counts:", error));
  const loaded = state.entries.get(profile.id);
  return screen(
    profile.relationship === "self" ? "My diary" : `${profile.display_name}'s diary`,
    h(
      "p",
      { class: "for-whom" },
      link("#/profile", whoAndAge(profile)),
      " · ",
      link("#/profiles", "All profiles"),
    ),
    profileSwitcher((id) => selectProfile(id)),
    guidanceNotice(app),
    h(
      "section",
      { "aria-labelledby": "log-heading" },
      h("h2", { id: "log-heading" }, "Log"),
      h(
        "ul",
        { class: "log-actions" },
        ENTRY_TYPES.map((t) => h("li", {}, link(`#/log/${t.kind}`, t.name, { class: "button" }))),
      ),
    ),
    h(
      "section",
      { "aria-labelledby": "timeline-heading" },
      h("h2", { id: "timeline-heading", tabindex: "-1" }, "Timeline"),
      loaded?.failed && state.outbox.length
        ? h("p", { class: "hint" }, "Offline: showing only the entries saved on this phone.")
        : null,
      timelineList(app),
    ),
  );
}
