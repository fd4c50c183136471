// Joining a diary another parent keeps, with the code they made: the joined profile then opens.

import { api } from "../api.js";
import { fail, form, h, input, link, screen } from "../dom.js";
import { profileChanged, selectProfile } from "../session.js";
import { ui } from "../state.js";

// The other parent enters the code here; the joined profile then opens.
export function joinDiary() {
  return screen(
    "Join a diary with a code",
    h(
      "p",
      {},
      "If another parent already keeps a diary for your child, they can make a sharing code on the diary's profile screen. Enter it here to read and add to the same diary.",
    ),
    form(
      {
        submit: "Join diary",
        onsubmit: async (data) => {
          const result = await api.joinProfile(data.get("code").trim());
          if (!result.ok) fail(result);
          await profileChanged(result.data);
          const name = result.data.display_name;
          ui.announce(
            result.status === 201 ? `You now share ${name}'s diary.` : `You already share ${name}'s diary.`,
          );
          await selectProfile(result.data.id, "#/diary");
        },
      },
      input({
        name: "code",
        label: "Sharing code",
        hint: "8 letters and numbers. Spaces do not matter.",
        required: true,
        maxlength: "32",
        autocomplete: "off",
        autocapitalize: "characters",
        spellcheck: "false",
      }),
    ),
    h("p", {}, link("#/profiles", "Back to profiles")),
  );
}
