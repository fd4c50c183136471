// Infections of the last 12 months by kind, against the thresholds the care team uses.

import { api, optionalGet } from "../api.js";
import { currentEntries, loadEntries } from "../changes.js";
import { chartNav } from "../components/chart-nav.js";
import { profileSwitcher } from "../components/chrome.js";
import { infectionChart } from "../components/infection-chart.js";
import { today } from "../dates.js";
import { h, screen } from "../dom.js";
import { selectProfile } from "../session.js";
import { currentProfile, state } from "../state.js";
import { label } from "../vocabulary.js";

export async function chart() {
  const profile = currentProfile();
  await loadEntries(profile.id);
  const loaded = state.entries.get(profile.id);
  const summary = await optionalGet(() => api.summary(profile.id)); // tolerated: 404 or offline
  const infections = currentEntries(profile.id, "infections");
  return screen(
    "Infections in the last 12 months",
    profileSwitcher((id) => selectProfile(id)),
    chartNav("/chart"),
    loaded?.failed
      ? h("p", { class: "hint" }, "Offline: only entries saved on this phone are counted.")
      : null,
    infectionChart({
      infections,
      thresholds: summary?.thresholds,
      today: today(),
      kindLabel: (code) => label("infection_kind", code),
    }),
  );
}
