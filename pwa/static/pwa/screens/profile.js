// One profile: whose it is, editing and deleting it, sharing it with the other parent, and what
// to bring to an appointment (the PDF, a link for the doctor, who has seen the diary).

import { api } from "../api.js";
import { discard, queueChange, syncNow } from "../changes.js";
import { confirmButton } from "../components/confirm.js";
import { shareSection } from "../components/share-parent.js";
import { ageText, formatDate, today } from "../dates.js";
import { download } from "../downloads.js";
import { h, link, screen } from "../dom.js";
import { profileChanged, profileGone } from "../session.js";
import { requestBackgroundSync } from "../outbox.js";
import { currentProfile, profileName, state, ui, whose } from "../state.js";
import { label } from "../vocabulary.js";

function pdfButton(profile) {
  const said = h("div", { "aria-live": "polite" });
  const button = h(
    "button",
    {
      type: "button",
      class: "primary",
      onclick: async () => {
        button.disabled = true;
        said.replaceChildren(h("p", { class: "hint" }, "Preparing the PDF…"));
        try {
          const problem = await download(
            api.reportUrl(profile.id),
            `SIgMD summary ${profile.display_name} ${today()}.pdf`,
          );
          said.replaceChildren(
            h("p", problem ? { class: "form-errors" } : { class: "hint" }, problem || "PDF downloaded."),
          );
        } finally {
          button.disabled = false;
        }
      },
    },
    "Download PDF",
  );
  return [h("div", { class: "actions" }, button), said];
}

// An edit of the profile that waits on this phone, or that the server refused or met a newer
// version of: said here, with what can be done about it.
function waitingChange(profile) {
  const item = state.outbox.find((i) => i.segment === "profile" && i.entryId === profile.id);
  if (!item) return null;
  if (item.state === "pending")
    return h("p", { class: "hint" }, "A change is saved on this phone, waiting to be sent.");
  return h(
    "div",
    { class: "warning" },
    h(
      "p",
      {},
      item.state === "conflict"
        ? "Your change was not sent: the profile was changed on another device."
        : `Your change was not sent: ${item.error}`,
    ),
    h(
      "div",
      { class: "entry-actions" },
      item.state === "conflict"
        ? link(`#/conflict/${item.id}`, "Compare and choose", { class: "button" })
        : null,
      h(
        "button",
        {
          type: "button",
          class: "secondary",
          onclick: async () => {
            await discard(item.id);
            // Back to what the server holds, which the discarded change had replaced on this phone.
            const fresh = await api.profile(profile.id).catch(() => null);
            if (fresh && fresh.ok) await profileChanged(fresh.data);
            await ui.rerender();
          },
        },
        "Discard this change",
      ),
    ),
  );
}

export async function profileScreen() {
  const profile = currentProfile();
  const remove = confirmButton({
    label: `Delete ${whose(profile)} diary`,
    question: `Delete ${whose(profile)} profile and every entry in it? Other parents who share it lose it too. This cannot be undone.`,
    yes: "Yes, delete it",
    onyes: async () => {
      const item = await queueChange({
        profileId: profile.id,
        segment: "profile",
        op: "delete",
        entryId: profile.id,
        entry: profile,
      });
      await syncNow();
      // Refused now (another parent still manages it, say): say why and keep the profile.
      const refused = state.outbox.find((i) => i.id === item.id && i.state !== "pending");
      if (refused) {
        await discard(refused.id);
        return `Not deleted: ${refused.error}`;
      }
      const waiting = state.outbox.some((i) => i.id === item.id);
      await profileGone(profile.id);
      ui.announce(
        waiting
          ? `${profile.display_name}'s profile will be deleted when the connection is back.`
          : `${profile.display_name}'s profile was deleted.`,
      );
      if (waiting) requestBackgroundSync();
      await ui.navigate(state.profiles.length ? "#/profiles" : "#/onboarding");
      return null;
    },
  });
  return screen(
    profile.relationship === "self" ? "My profile" : `${profile.display_name}'s profile`,
    waitingChange(profile),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "Name"),
      h("dd", {}, profileName(profile)),
      h("dt", {}, "Born"),
      h("dd", {}, `${formatDate(profile.date_of_birth)} (${ageText(profile.date_of_birth)})`),
      h("dt", {}, "Sex"),
      h("dd", {}, label("sex", profile.sex)),
    ),
    h("p", {}, link(`#/profile/${profile.id}/edit`, "Edit the profile", { class: "button" })),
    h(
      "section",
      { "aria-labelledby": "appointments-heading" },
      h("h2", { id: "appointments-heading" }, "For appointments"),
      h(
        "p",
        {},
        "A one-page summary of the last 12 months for the doctor: infections, antibiotics, vaccinations, lab results.",
      ),
      ...pdfButton(profile),
      h(
        "ul",
        { class: "inline-list" },
        h("li", {}, link("#/profile/doctor", "Share with a doctor (a link and QR code)")),
        h("li", {}, link("#/profile/access-log", "Who has seen this diary")),
      ),
    ),
    await shareSection(profile),
    h(
      "section",
      { "aria-labelledby": "delete-heading" },
      h("h2", { id: "delete-heading" }, "Delete the profile"),
      remove,
    ),
  );
}
