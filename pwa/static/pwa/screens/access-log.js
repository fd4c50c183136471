// "Who has seen this diary": every read, change or export by someone other than its managers —
// a clinician of a care team, or a doctor through a shared link — newest first.

import { api, errorText, NetworkError } from "../api.js";
import { formatDateTime } from "../dates.js";
import { h, link, screen } from "../dom.js";
import { currentProfile, whose } from "../state.js";

const ACTIONS = {
  read: "Read",
  create: "Added",
  update: "Changed",
  delete: "Deleted",
  export: "Exported",
  exported: "Exported",
};
const OBJECTS = {
  profile: "the profile",
  summary: "the summary",
  report: "the PDF summary",
  fhir: "the FHIR export",
  alert: "an alert",
  infectionepisode: "infections",
  symptomentry: "symptoms",
  treatment: "treatments",
  vaccination: "vaccinations",
  labresult: "lab results",
};

// Who: the clinician's name and team, or "A shared link" (with its note).
export function who(row) {
  if (row.via_share_link) return "A shared link";
  const name = row.actor_name || "A member of the care team";
  return row.team_name ? `${name}, ${row.team_name}` : name;
}

// Through a shared link a doctor reads the summary page (read) and downloads its PDF (export).
const THROUGH_A_LINK = { read: "Read the summary", export: "Downloaded the PDF summary" };

export function what(row) {
  if (row.via_share_link && THROUGH_A_LINK[row.action]) return THROUGH_A_LINK[row.action];
  const action = ACTIONS[row.action] || String(row.action || "Opened");
  const object =
    OBJECTS[
      String(row.object_type || "")
        .toLowerCase()
        .replaceAll(/[^a-z]/g, "")
    ];
  return object ? `${action} ${object}` : action;
}

export async function accessLog() {
  const profile = currentProfile();
  let body;
  try {
    const result = await api.accessLog(profile.id);
    if (!result.ok) body = h("p", {}, errorText(result));
    else if (!result.data.length) {
      body = h("p", {}, "Nobody outside the family has looked at this diary yet.");
    } else {
      body = h(
        "table",
        { class: "access-log" },
        h("caption", {}, `Who has seen ${whose(profile)} diary`),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, "Who"),
            h("th", { scope: "col" }, "What"),
            h("th", { scope: "col" }, "When"),
          ),
        ),
        h(
          "tbody",
          {},
          result.data.map((row) =>
            h(
              "tr",
              {},
              h("td", {}, who(row)),
              h("td", {}, what(row)),
              h("td", {}, h("time", { datetime: row.at }, formatDateTime(row.at))),
            ),
          ),
        ),
      );
    }
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    body = h("p", {}, "The list needs a connection.");
  }
  return screen(
    "Who has seen this diary",
    h(
      "p",
      {},
      "Your care team and any doctor you gave a link to. You and other parents who share the diary are not listed.",
    ),
    body,
    h("p", {}, link("#/profile", "Back to the profile")),
  );
}
