// Whose diaries: choosing who the diary is for, the profile picker, adding and editing a profile.

import { api } from "../api.js";
import { queueChange, sendSoon } from "../changes.js";
import { badges } from "../components/chrome.js";
import { ageText, today } from "../dates.js";
import { fail, form, h, input, link, radios, screen, select, text } from "../dom.js";
import { profileChanged, selectProfile } from "../session.js";
import { profileById, profileName, state, ui, whose } from "../state.js";
import { options } from "../vocabulary.js";

export function onboarding() {
  return screen(
    "Who is this diary for?",
    form(
      {
        submit: "Continue",
        onsubmit: async (data) => {
          const result = await api.setRole(data.get("role"));
          if (!result.ok) fail(result);
          state.user.role = result.data.role;
          return ui.navigate("#/profiles/new");
        },
      },
      radios({
        name: "role",
        legend: "I am",
        value: state.user.role === "caregiver" ? "caregiver" : null,
        options: [
          ["patient", "A patient: the diary is about me"],
          ["caregiver", "A parent or carer: the diary is about a child or someone I look after"],
        ],
      }),
    ),
  );
}

function profileFields(profile) {
  const hasSelf = state.profiles.some((p) => p.relationship === "self" && (!profile || p.id !== profile.id));
  const relationships = options("relationship").filter(([code]) => code !== "self" || !hasSelf);
  const defaultRelationship = profile
    ? profile.relationship
    : state.user.role === "patient" && !hasSelf
      ? "self"
      : "child";
  return [
    input({
      name: "display_name",
      label: "Name",
      required: true,
      maxlength: "100",
      autocomplete: "off",
      value: profile ? profile.display_name : "",
      hint: "A first name or nickname is enough.",
    }),
    input({
      name: "date_of_birth",
      label: "Date of birth",
      type: "date",
      required: true,
      max: today(),
      value: profile ? profile.date_of_birth : "",
    }),
    select({ name: "sex", label: "Sex", value: profile ? profile.sex : "unknown", options: options("sex") }),
    radios({
      name: "relationship",
      legend: "Whose diary is it?",
      options: relationships,
      value: defaultRelationship,
    }),
  ];
}

const profileData = (data) => ({
  display_name: text(data, "display_name"),
  date_of_birth: data.get("date_of_birth"),
  sex: data.get("sex"),
  relationship: data.get("relationship"),
});

export function newProfile() {
  return screen(
    "Add a profile",
    h("p", {}, "Each person gets their own diary. You can add more later."),
    h(
      "p",
      {},
      "Does another parent already keep a diary for your child? ",
      link("#/profiles/join", "I have a code"),
    ),
    form(
      {
        submit: "Save profile",
        onsubmit: async (data) => {
          const result = await api.createProfile({ id: crypto.randomUUID(), ...profileData(data) });
          if (!result.ok) fail(result);
          await profileChanged(result.data);
          ui.announce(`Profile ${result.data.display_name} added.`);
          await selectProfile(result.data.id, "#/diary");
        },
      },
      ...profileFields(null),
    ),
  );
}

// Editing works offline too: the change waits in the outbox with the profile's If-Match.
export function editProfile(app, id) {
  const profile = profileById(id);
  if (!profile) return screen("Profile not found", h("p", {}, link("#/profiles", "All profiles")));
  return screen(
    `Edit ${whose(profile)} profile`,
    form(
      {
        submit: "Save changes",
        onsubmit: async (data) => {
          const changes = profileData(data);
          const item = await queueChange({
            profileId: id,
            segment: "profile",
            op: "update",
            entryId: id,
            payload: changes,
            entry: profile,
          });
          await profileChanged({ ...profile, ...changes });
          ui.announce("Saved on this phone.");
          await ui.navigate("#/profile");
          await sendSoon(item);
        },
      },
      ...profileFields(profile),
    ),
    h("p", {}, link("#/profile", "Back to the profile")),
  );
}

export function profiles() {
  const list = state.profiles;
  return screen(
    "Profiles",
    h(
      "p",
      { class: "have-code" },
      link("#/profiles/join", "I have a code", { class: "button" }),
      " ",
      h("span", { class: "hint" }, "from another parent who keeps a diary for your child"),
    ),
    list.length
      ? h(
          "ul",
          { class: "profile-list" },
          list.map((p) =>
            h(
              "li",
              {},
              h(
                "button",
                { type: "button", class: "profile-button", onclick: () => selectProfile(p.id, "#/diary") },
                h("span", {}, `Open ${profileName(p)}'s diary`),
                p.date_of_birth ? h("span", { class: "profile-age" }, ageText(p.date_of_birth)) : null,
                badges(p.id),
              ),
            ),
          ),
        )
      : h("p", {}, "No profiles yet."),
    h(
      "ul",
      { class: "profile-actions" },
      h("li", {}, link("#/profiles/new", "Add a profile", { class: "button" })),
    ),
  );
}
