// The immune record at a glance: immunoglobulin levels over time (each against its own lab's
// range), immunoglobulin therapy (infusions, their usual interval, infections on and off
// therapy) and vaccine responses (titres before and after, with the fold rise). All of it
// comes from the summary the server computes, so it needs a connection.

import { api, optionalGet } from "../api.js";
import { batchSearch } from "../components/batch-search.js";
import { chartNav } from "../components/chart-nav.js";
import { profileSwitcher } from "../components/chrome.js";
import { igTrends } from "../components/ig-trends.js";
import { therapySection } from "../components/therapy.js";
import { titreTable } from "../components/titre-table.js";
import { h, link, screen } from "../dom.js";
import { selectProfile } from "../session.js";
import { currentProfile } from "../state.js";

const section = (id, heading, ...nodes) =>
  h("section", { "aria-labelledby": id }, h("h2", { id }, heading), ...nodes);

export async function immuneScreen() {
  const profile = currentProfile();
  const summary = await optionalGet(() => api.summary(profile.id)); // null: offline or refused
  const body = summary
    ? [
        section("levels-heading", "Immunoglobulin levels", igTrends(summary.trends)),
        section("therapy-heading", "Therapy", therapySection(summary.infusions, summary.period)),
        section("titres-heading", "Vaccine responses", titreTable(summary.titre_responses)),
        batchSearch(),
      ]
    : [
        h(
          "p",
          { class: "hint" },
          "These figures come from the server: they show when there is a connection.",
        ),
      ];
  return screen(
    "Immunoglobulins and therapy",
    profileSwitcher((id) => selectProfile(id)),
    chartNav("/chart/immune"),
    ...body,
    h(
      "ul",
      { class: "inline-list" },
      h("li", {}, link("#/log/lab", "Log a lab result")),
      h("li", {}, link("#/log/infusion", "Log an infusion")),
    ),
  );
}
