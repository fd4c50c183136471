// What the care team was told, and what they did: each alert in plain words, the entries that
// raised it (linked), when, which team, its status and when the team saw it.

import { api, errorText, NetworkError } from "../api.js";
import { currentEntry, loadEntries } from "../changes.js";
import { profileSwitcher } from "../components/chrome.js";
import { formatDateTime } from "../dates.js";
import { h, link, screen } from "../dom.js";
import { describeEntry, EVIDENCE_SEGMENTS } from "../entries.js";
import { alertsSeen, refreshCareLinks, selectProfile } from "../session.js";
import { activeTeams, currentProfile } from "../state.js";
import { label, ruleLabel } from "../vocabulary.js";

function teamLine(alert, teams) {
  if (alert.team) return `Care team: ${alert.team_name || "your care team"}`;
  if (teams.length) {
    return `Raised before this diary was shared with ${teams.map((t) => t.team_name).join(" and ")}: it stays on this phone's diary only.`;
  }
  return null;
}

function statusLine(alert) {
  const seen = alert.acknowledged_at
    ? `Your care team saw this ${formatDateTime(alert.acknowledged_at)}${alert.acknowledged_by ? ` (${alert.acknowledged_by})` : ""}.`
    : null;
  if (alert.status === "resolved") {
    return [seen, `Resolved ${formatDateTime(alert.resolved_at)}.`].filter(Boolean).join(" ");
  }
  if (seen) return seen;
  return alert.team ? "Sent to your care team. Not seen yet." : null;
}

function evidenceList(alert, profileId) {
  const items = (alert.evidence || []).map(({ type, id }) => {
    const segment = EVIDENCE_SEGMENTS[type];
    const entry = segment && currentEntry(profileId, segment, id);
    if (!entry) return h("li", {}, "An entry no longer in the diary");
    return h("li", {}, link(`#/entry/${segment}/${id}`, describeEntry(segment, entry).title));
  });
  return items.length
    ? h("div", {}, h("p", { class: "entry-meta" }, "Raised by:"), h("ul", { class: "inline-list" }, items))
    : null;
}

function alertCard(alert, profileId, teams) {
  const status = statusLine(alert);
  const team = teamLine(alert, teams);
  return h(
    "li",
    { class: `alert alert-${alert.priority}` },
    h("p", { class: "alert-title" }, `${label("alert_priority", alert.priority)}: ${ruleLabel(alert.rule)}`),
    h("p", {}, alert.summary),
    h("p", { class: "entry-meta" }, `Raised ${formatDateTime(alert.created_at)}`),
    team ? h("p", { class: "entry-meta" }, team) : null,
    evidenceList(alert, profileId),
    status ? h("p", { class: `alert-status status-${alert.status}` }, status) : null,
    !alert.team && !teams.length
      ? h("p", {}, "Not shared with a care team: ", link("#/care", "join one"), " to share it.")
      : null,
    alert.resolution_note ? h("p", {}, `Note from the team: ${alert.resolution_note}`) : null,
  );
}

export async function alerts() {
  const profile = currentProfile();
  let body;
  try {
    const [result] = await Promise.all([
      api.alerts(profile.id),
      loadEntries(profile.id),
      refreshCareLinks(profile.id),
    ]);
    if (!result.ok) body = h("p", {}, errorText(result));
    else {
      const teams = activeTeams(profile.id);
      body = result.data.length
        ? h(
            "ul",
            { class: "alerts" },
            result.data.map((a) => alertCard(a, profile.id, teams)),
          )
        : h(
            "p",
            {},
            "No alerts. Alerts appear here when the diary shows something your care team should know.",
          );
      await alertsSeen(profile.id);
    }
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    body = h("p", {}, "Alerts need a connection. They will show when you are back online.");
  }
  return screen(
    "Alerts",
    profileSwitcher((id) => selectProfile(id)),
    body,
  );
}
