// What the app says after an entry is saved: the safety guidance (the server's, or the phone's
// own check while offline), and once, after the first entry, a suggestion to join a care team.

import { h, link } from "../dom.js";
import { activeTeams, state } from "../state.js";
import { emergencyLine } from "./emergency.js";

const articleLink = (slug) => link(`/learn/${slug}/`, `Read: ${slug.replaceAll("-", " ")}`);

export function guidanceNotice(app) {
  const notice = state.notice;
  const box = h("div", { id: "guidance", class: "guidance-slot", "aria-live": "polite" });
  if (!notice || notice.profileId !== state.profileId) return box;
  box.append(
    h(
      "div",
      { class: `guidance guidance-${notice.level}` },
      h("p", {}, notice.message),
      notice.reason ? h("p", {}, notice.reason) : null,
      notice.level === "routine" ? null : emergencyLine(),
      notice.articles && notice.articles.length
        ? h(
            "ul",
            { class: "inline-list" },
            notice.articles.map((slug) => h("li", {}, articleLink(slug))),
          )
        : null,
      notice.joinPrompt && !activeTeams(state.profileId).length
        ? h(
            "p",
            { class: "join-prompt" },
            "Does a clinic look after this diary? ",
            link("#/care", "Join your care team with its code"),
            " so they see it and are alerted when it matters.",
          )
        : null,
      h("button", { type: "button", class: "secondary", onclick: () => app.dismissNotice() }, "Dismiss"),
    ),
  );
  return box;
}
