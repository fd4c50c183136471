// The care team: which teams see this diary (kept on the phone, so it is true offline too),
// joining one with the clinic's code, and stopping.

import { api, errorText } from "../api.js";
import { profileSwitcher } from "../components/chrome.js";
import { confirmButton } from "../components/confirm.js";
import { dateFormat } from "../dates.js";
import { fail, form, h, input, link, screen } from "../dom.js";
import { refreshAlertCounts, refreshCareLinks, saveDevice, selectProfile } from "../session.js";
import { currentProfile, state, ui, whose } from "../state.js";

export async function care() {
  const profile = currentProfile();
  const result = await refreshCareLinks(profile.id);
  const offline = result === null;
  const links = state.careLinks.get(profile.id);
  const status = result && !result.ok ? errorText(result) : null;
  const active = (links || []).filter((l) => l.active);
  const revoked = (links || []).filter((l) => !l.active);
  const revoke = (l) =>
    confirmButton({
      label: `Stop sharing with ${l.team_name}`,
      question: `Stop sharing ${whose(profile)} diary with ${l.team_name}? They lose access at once.`,
      yes: "Yes, stop sharing",
      onyes: async () => {
        const answer = await api.revokeCareLink(profile.id, l.id);
        if (!answer.ok) return errorText(answer);
        ui.announce(`Stopped sharing with ${l.team_name}.`);
        await ui.rerender();
        return null;
      },
    });
  return screen(
    "Care team",
    profileSwitcher((id) => selectProfile(id)),
    offline
      ? h(
          "p",
          { class: "hint" },
          links ? "Offline: as it was when last online." : "Care teams need a connection.",
        )
      : null,
    status ? h("p", {}, status) : null,
    h(
      "section",
      { "aria-labelledby": "teams-heading" },
      h("h2", { id: "teams-heading" }, "Sharing with"),
      active.length
        ? h(
            "ul",
            { class: "links" },
            active.map((l) =>
              h(
                "li",
                {},
                h("p", { class: "entry-title" }, l.team_name),
                h("p", { class: "entry-meta" }, `Since ${dateFormat.format(new Date(l.created_at))}`),
                offline ? null : revoke(l),
              ),
            ),
          )
        : links
          ? h("p", {}, "This diary is not shared with a care team.")
          : null,
      revoked.length
        ? h(
            "p",
            { class: "hint" },
            "Stopped: ",
            revoked.map((l) => `${l.team_name} (${dateFormat.format(new Date(l.revoked_at))})`).join(", "),
          )
        : null,
    ),
    h(
      "section",
      { "aria-labelledby": "join-heading" },
      h("h2", { id: "join-heading" }, "Join a care team"),
      h(
        "p",
        {},
        "Your clinic gives you a code. Entering it lets the team see this diary and receive its alerts. You can stop at any time.",
      ),
      form(
        {
          submit: "Join",
          onsubmit: async (data) => {
            const answer = await api.joinCareTeam(profile.id, data.get("code").trim());
            if (!answer.ok) fail(answer);
            await refreshCareLinks(profile.id);
            await refreshAlertCounts();
            await saveDevice();
            ui.announce(`Now sharing with ${answer.data.team_name}.`);
            return ui.rerender();
          },
        },
        input({
          name: "code",
          label: "Invitation code",
          required: true,
          maxlength: "32",
          autocomplete: "off",
          autocapitalize: "characters",
        }),
      ),
    ),
    h(
      "p",
      {},
      "To share the diary with another parent, use ",
      link("#/profile", `${whose(profile)} profile`),
      ".",
    ),
  );
}
