// The screens. Each returns {title, nodes}; app.js puts them in <main>, sets the page title
// and moves focus to the heading so a screen reader announces the new screen.
// Nothing is built from HTML strings except an article's body_html, sanitised by the server.

import { api, auth, errorText, NetworkError, pendingFlow } from "./api.js";
import { infectionChart } from "./chart.js";
import {
  dateFormat,
  fail,
  form,
  FormError,
  formatDate,
  h,
  input,
  link,
  radios,
  screen,
  select,
  timeFormat,
  today,
} from "./dom.js";
import { describeEntry, kindLabel } from "./entries.js";
import { countAll as outboxCount } from "./outbox.js";
import { shareSection } from "./sharing.js";

// --- signing in ----------------------------------------------------------------------------

export function login(app) {
  return screen(
    "Log in",
    form(
      {
        submit: "Log in",
        onsubmit: async (data) => {
          const result = await auth.login(data.get("email"), data.get("password"));
          if (result.status === 200) return app.signedIn();
          const flow = pendingFlow(result);
          if (flow === "mfa_authenticate") return app.navigate("#/mfa");
          if (flow === "verify_email") return app.navigate("#/verify");
          if (result.status === 409) return app.signedIn(); // already signed in
          fail(result);
        },
      },
      input({ name: "email", label: "E-mail address", type: "email", autocomplete: "email", required: true }),
      input({
        name: "password",
        label: "Password",
        type: "password",
        autocomplete: "current-password",
        required: true,
      }),
    ),
    h("p", {}, link("#/signup", "Create an account")),
    h("p", {}, link("#/password-reset", "Forgotten your password?")),
    h("p", {}, link("#/learn", "Read about selective IgM deficiency")),
  );
}

export function signup(app) {
  return screen(
    "Create an account",
    h("p", {}, "Keep an infection diary for yourself or for your child, and share it with your care team."),
    form(
      {
        submit: "Create account",
        onsubmit: async (data) => {
          const result = await auth.signup(data.get("email"), data.get("password"));
          if (result.status === 200) return app.signedIn();
          if (pendingFlow(result) === "verify_email") return app.navigate("#/verify");
          fail(result);
        },
      },
      input({ name: "email", label: "E-mail address", type: "email", autocomplete: "email", required: true }),
      input({
        name: "password",
        label: "Password",
        type: "password",
        autocomplete: "new-password",
        required: true,
        minlength: "10",
        hint: "At least 10 characters. A few unrelated words are easy to remember and hard to guess.",
      }),
    ),
    h("p", {}, "Already have an account? ", link("#/login", "Log in")),
  );
}

export function verify(app, key = "") {
  return screen(
    "Check your e-mail",
    h("p", {}, "We have sent you a code. Type it here to confirm your e-mail address."),
    form(
      {
        submit: "Confirm",
        onsubmit: async (data) => {
          const result = await auth.verifyEmail(data.get("key").trim());
          if (result.status === 200) return app.signedIn();
          if (result.status === 401) return app.navigate("#/login");
          fail(result);
        },
      },
      input({
        name: "key",
        label: "Code from the e-mail",
        autocomplete: "one-time-code",
        required: true,
        value: key,
        autocapitalize: "characters",
      }),
    ),
    h("p", {}, link("#/login", "Back to log in")),
  );
}

export function passwordRequest(app) {
  return screen(
    "Reset your password",
    form(
      {
        submit: "Send me a code",
        onsubmit: async (data) => {
          const result = await auth.requestPasswordReset(data.get("email"));
          if (result.ok || pendingFlow(result) === "password_reset_by_code")
            return app.navigate("#/reset-code");
          fail(result);
        },
      },
      input({ name: "email", label: "E-mail address", type: "email", autocomplete: "email", required: true }),
    ),
    h("p", {}, link("#/login", "Back to log in")),
  );
}

export function passwordReset(app, key = "") {
  return screen(
    "Choose a new password",
    h("p", {}, "If an account uses that address, we have e-mailed it a code."),
    form(
      {
        submit: "Save new password",
        onsubmit: async (data) => {
          const result = await auth.resetPassword(data.get("key").trim(), data.get("password"));
          if (result.status === 200) return app.signedIn();
          if (result.status === 401) {
            app.announce("Your password has been changed. Please log in.");
            return app.navigate("#/login");
          }
          if (result.status === 409)
            throw new FormError("This reset has expired. Please ask for a new code.");
          fail(result);
        },
      },
      input({
        name: "key",
        label: "Code from the e-mail",
        autocomplete: "one-time-code",
        required: true,
        value: key,
      }),
      input({
        name: "password",
        label: "New password",
        type: "password",
        autocomplete: "new-password",
        required: true,
        minlength: "10",
      }),
    ),
    h("p", {}, link("#/password-reset", "Ask for a new code")),
  );
}

export function mfa(app) {
  return screen(
    "Enter your authenticator code",
    h("p", {}, "Open your authenticator app and type the 6-digit code it shows for SIgMD Portal."),
    form(
      {
        submit: "Continue",
        onsubmit: async (data) => {
          const result = await auth.mfaAuthenticate(data.get("code").trim());
          if (result.status === 200) return app.signedIn();
          if (result.status === 409 || result.status === 401) {
            if (pendingFlow(result) !== "mfa_authenticate") return app.navigate("#/login");
          }
          fail(result);
        },
      },
      input({
        name: "code",
        label: "6-digit code",
        inputmode: "numeric",
        autocomplete: "one-time-code",
        required: true,
        pattern: "[0-9]{6}",
      }),
    ),
    h("p", {}, link("#/login", "Back to log in")),
  );
}

// --- account and profiles ----------------------------------------------------------------

export function onboarding(app) {
  return screen(
    "Who is this diary for?",
    form(
      {
        submit: "Continue",
        onsubmit: async (data) => {
          const result = await api.setRole(data.get("role"));
          if (!result.ok) fail(result);
          app.state.user.role = result.data.role;
          return app.navigate("#/profiles/new");
        },
      },
      radios({
        name: "role",
        legend: "I am",
        value: app.state.user.role === "caregiver" ? "caregiver" : null,
        options: [
          ["patient", "A patient: the diary is about me"],
          ["caregiver", "A parent or carer: the diary is about a child or someone I look after"],
        ],
      }),
    ),
  );
}

export function newProfile(app) {
  const { role } = app.state.user;
  const hasSelf = app.state.profiles.some((p) => p.relationship === "self");
  const relationships = [
    ...(hasSelf ? [] : [["self", "Me"]]),
    ["child", "My child"],
    ["other", "Someone else I look after"],
  ];
  const defaultRelationship = role === "patient" && !hasSelf ? "self" : "child";
  return screen(
    "Add a profile",
    h("p", {}, "Each person gets their own diary. You can add more later."),
    h(
      "p",
      {},
      "Does another parent already keep a diary for your child? ",
      link("#/profiles/join", "Join a diary with a code"),
    ),
    form(
      {
        submit: "Save profile",
        onsubmit: async (data) => {
          const result = await api.createProfile({
            id: crypto.randomUUID(),
            display_name: data.get("display_name").trim(),
            date_of_birth: data.get("date_of_birth"),
            sex: data.get("sex"),
            relationship: data.get("relationship"),
          });
          if (!result.ok) fail(result);
          await app.profileAdded(result.data);
        },
      },
      input({
        name: "display_name",
        label: "Name",
        required: true,
        maxlength: "100",
        autocomplete: "off",
        hint: "A first name or nickname is enough.",
      }),
      input({ name: "date_of_birth", label: "Date of birth", type: "date", required: true, max: today() }),
      select({
        name: "sex",
        label: "Sex",
        value: "unknown",
        options: [
          ["female", "Female"],
          ["male", "Male"],
          ["other", "Other"],
          ["unknown", "Prefer not to say"],
        ],
      }),
      radios({
        name: "relationship",
        legend: "Whose diary is it?",
        options: relationships,
        value: defaultRelationship,
      }),
    ),
  );
}

function profileName(profile) {
  return profile.relationship === "self" ? "Me" : profile.display_name;
}

export function profiles(app) {
  const list = app.state.profiles;
  return screen(
    "Profiles",
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
                {
                  type: "button",
                  class: "profile-button",
                  onclick: () => app.selectProfile(p.id, "#/diary"),
                },
                `Open ${profileName(p)}'s diary`,
              ),
            ),
          ),
        )
      : h("p", {}, "No profiles yet."),
    h(
      "ul",
      { class: "profile-actions" },
      h("li", {}, link("#/profiles/new", "Add a profile", { class: "button" })),
      h("li", {}, link("#/profiles/join", "Join a diary with a code", { class: "button" })),
    ),
  );
}

export async function account(app) {
  const { user } = app.state;
  const unsent = await outboxCount();
  const message = h("div", { role: "alert", class: "form-errors" });
  const logout = h(
    "button",
    {
      type: "button",
      class: unsent ? "danger" : "primary",
      onclick: async () => {
        message.replaceChildren();
        try {
          await app.logout();
        } catch (error) {
          message.append(
            h(
              "p",
              {},
              error instanceof NetworkError
                ? "You need a connection to log out."
                : "Logging out failed. Please try again.",
            ),
          );
        }
      },
    },
    unsent ? `Log out and delete ${unsent} unsent ${unsent === 1 ? "entry" : "entries"}` : "Log out",
  );
  return screen(
    "Account",
    h("p", {}, `Signed in as ${user.email} (${user.role}).`),
    h("p", {}, link("#/profiles", "Profiles")),
    h(
      "section",
      { "aria-labelledby": "privacy-heading" },
      h("h2", { id: "privacy-heading" }, "What stays on this phone"),
      h(
        "p",
        {},
        "Only entries that have not reached the server yet, and the names of your profiles. Everything is deleted when you log out.",
      ),
      unsent
        ? h(
            "p",
            { class: "warning" },
            `${unsent} ${unsent === 1 ? "entry has" : "entries have"} not been sent yet. Go online first to keep them.`,
          )
        : null,
    ),
    message,
    h("div", { class: "actions" }, logout),
  );
}

// --- the diary -------------------------------------------------------------------------------

function profileSwitcher(app) {
  const list = app.state.profiles;
  if (list.length < 2) return null;
  return h(
    "nav",
    { class: "switcher", "aria-label": "Whose diary" },
    h(
      "ul",
      {},
      list.map((p) =>
        h(
          "li",
          {},
          h(
            "button",
            {
              type: "button",
              "aria-pressed": String(p.id === app.state.profileId),
              onclick: () => app.selectProfile(p.id),
            },
            profileName(p),
          ),
        ),
      ),
    ),
  );
}

export function guidanceNotice(app) {
  const notice = app.state.notice;
  const box = h("div", { id: "guidance", class: "guidance-slot", "aria-live": "polite" });
  if (notice && notice.profileId === app.state.profileId) {
    box.append(
      h(
        "div",
        { class: `guidance guidance-${notice.level}` },
        h("p", {}, notice.message),
        notice.articles && notice.articles.length
          ? h(
              "ul",
              { class: "inline-list" },
              notice.articles.map((slug) =>
                h("li", {}, link(`/learn/${slug}/`, `Read: ${slug.replaceAll("-", " ")}`)),
              ),
            )
          : null,
        h("button", { type: "button", class: "secondary", onclick: () => app.dismissNotice() }, "Dismiss"),
      ),
    );
  }
  return box;
}

const SYNC_TEXT = { pending: "Saved on this phone", sent: "Sent", error: "Not sent" };

export function syncBadge(state, error) {
  return h(
    "p",
    { class: `sync sync-${state}` },
    SYNC_TEXT[state],
    state === "error" && error ? `: ${error}` : null,
  );
}

// Entries from the server ("Sent") and from the outbox, newest first.
export function timelineList(app) {
  const profileId = app.state.profileId;
  const rows = new Map();
  const loaded = app.state.entries.get(profileId);
  for (const [segment, list] of Object.entries(loaded?.items || {})) {
    for (const entry of list) rows.set(entry.id, { segment, entry, sync: "sent" });
  }
  for (const [id, sent] of app.state.sent) {
    if (sent.profileId === profileId)
      rows.set(id, { segment: sent.segment, entry: sent.entry, sync: "sent" });
  }
  for (const item of app.state.outbox) {
    if (item.profileId === profileId)
      rows.set(item.id, { segment: item.segment, entry: item.payload, sync: item.state, error: item.error });
  }
  const sorted = [...rows.values()]
    .map((row) => ({ ...row, ...describeEntry(row.segment, row.entry) }))
    .sort((a, b) => b.date.localeCompare(a.date));
  if (!sorted.length) {
    return h(
      "p",
      { id: "timeline-list" },
      loaded?.failed
        ? "The diary could not be loaded. Entries you add now are kept on this phone."
        : "Nothing logged yet.",
    );
  }
  return h(
    "ol",
    { id: "timeline-list", class: "timeline" },
    sorted.map((row) =>
      h(
        "li",
        { class: "entry", "data-id": row.entry.id },
        h("p", { class: "entry-title" }, row.title),
        h(
          "p",
          { class: "entry-meta" },
          h("time", { datetime: row.date }, formatDate(row.date)),
          row.details.filter(Boolean).map((d) => ` · ${d}`),
        ),
        syncBadge(row.sync, row.error),
        row.sync === "error"
          ? h(
              "button",
              { type: "button", class: "secondary", onclick: () => app.discard(row.entry.id) },
              "Discard this entry",
            )
          : null,
      ),
    ),
  );
}

export async function diary(app) {
  const profile = app.currentProfile();
  await app.loadEntries(profile.id);
  const loaded = app.state.entries.get(profile.id);
  return screen(
    profile.relationship === "self" ? "My diary" : `${profile.display_name}'s diary`,
    profileSwitcher(app),
    guidanceNotice(app),
    h(
      "section",
      { "aria-labelledby": "log-heading" },
      h("h2", { id: "log-heading" }, "Log"),
      h(
        "ul",
        { class: "log-actions" },
        [
          ["#/log/infection", "Infection"],
          ["#/log/symptoms", "Symptoms"],
          ["#/log/treatment", "Treatment"],
          ["#/log/vaccination", "Vaccination"],
          ["#/log/lab", "Lab result"],
        ].map(([href, text]) => h("li", {}, link(href, text, { class: "button" }))),
      ),
    ),
    h(
      "section",
      { "aria-labelledby": "timeline-heading" },
      h("h2", { id: "timeline-heading" }, "Timeline"),
      loaded?.failed && app.state.outbox.length
        ? h("p", { class: "hint" }, "Offline: showing only the entries saved on this phone.")
        : null,
      timelineList(app),
    ),
  );
}

// --- chart, alerts, care team ---------------------------------------------------------------------

async function optionalGet(call) {
  try {
    const result = await call();
    return result.ok ? result.data : null;
  } catch (error) {
    if (error instanceof NetworkError) return null;
    throw error;
  }
}

export async function chart(app) {
  const profile = app.currentProfile();
  await app.loadEntries(profile.id);
  const loaded = app.state.entries.get(profile.id);
  const summary = await optionalGet(() => api.summary(profile.id)); // tolerated: 404 or offline
  const infections = [
    ...(loaded?.items?.infections || []),
    ...app.state.outbox
      .filter((i) => i.profileId === profile.id && i.segment === "infections")
      .map((i) => i.payload),
  ];
  return screen(
    "Infections in the last 12 months",
    profileSwitcher(app),
    loaded?.failed
      ? h("p", { class: "hint" }, "Offline: only entries saved on this phone are counted.")
      : null,
    infectionChart({ infections, thresholds: summary?.thresholds, today: today(), kindLabel }),
  );
}

function alertStatus(alert) {
  if (alert.status === "acknowledged" || (alert.status === "resolved" && alert.acknowledged_at)) {
    const at = new Date(alert.acknowledged_at);
    const sameDay = at.toDateString() === new Date().toDateString();
    const when = sameDay
      ? `at ${timeFormat.format(at)}`
      : `at ${timeFormat.format(at)} on ${dateFormat.format(at)}`;
    const who = alert.acknowledged_by ? ` (${alert.acknowledged_by})` : "";
    const seen = `Your care team saw this ${when}${who}.`;
    if (alert.status === "resolved")
      return `${seen} Resolved on ${dateFormat.format(new Date(alert.resolved_at))}.`;
    return seen;
  }
  if (alert.status === "resolved") return `Resolved on ${dateFormat.format(new Date(alert.resolved_at))}.`;
  return alert.team
    ? "Sent to your care team. Not seen yet."
    : "Not shared with a care team: join one to share it.";
}

export async function alerts(app) {
  const profile = app.currentProfile();
  let body;
  try {
    const result = await api.alerts(profile.id);
    if (result.status === 404) body = h("p", {}, "Alerts are not available yet.");
    else if (!result.ok) body = h("p", {}, errorText(result));
    else {
      const list = Array.isArray(result.data) ? result.data : result.data.results || [];
      body = list.length
        ? h(
            "ul",
            { class: "alerts" },
            list.map((a) =>
              h(
                "li",
                { class: `alert alert-${a.priority}` },
                h("p", { class: "alert-title" }, a.priority === "urgent" ? "Urgent: " : "", a.summary),
                h(
                  "p",
                  { class: "entry-meta" },
                  `Raised ${dateFormat.format(new Date(a.created_at))}`,
                  a.team_name ? ` · ${a.team_name}` : "",
                ),
                h("p", { class: `alert-status status-${a.status}` }, alertStatus(a)),
                a.resolution_note ? h("p", {}, `Note from the team: ${a.resolution_note}`) : null,
              ),
            ),
          )
        : h(
            "p",
            {},
            "No alerts. Alerts appear here when the diary shows something your care team should know.",
          );
    }
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    body = h("p", {}, "Alerts need a connection. They will show when you are back online.");
  }
  return screen("Alerts", profileSwitcher(app), body);
}

export async function care(app) {
  const profile = app.currentProfile();
  const sharing = shareSection(app, profile);
  let links = [];
  let status = null;
  try {
    const result = await api.careLinks(profile.id);
    if (result.ok) links = result.data;
    else status = errorText(result);
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    status = "Care teams need a connection.";
  }
  const active = links.filter((l) => l.active);
  const revoked = links.filter((l) => !l.active);
  const revoke = (l) => {
    const confirmBox = h("div", {
      class: "confirm",
      role: "group",
      "aria-label": `Stop sharing with ${l.team_name}`,
    });
    const ask = h(
      "button",
      {
        type: "button",
        class: "secondary",
        onclick: () => {
          confirmBox.replaceChildren(
            h(
              "p",
              {},
              `Stop sharing ${profileName(profile) === "Me" ? "your" : `${profile.display_name}'s`} diary with ${l.team_name}? They lose access at once.`,
            ),
            h(
              "button",
              {
                type: "button",
                class: "danger",
                onclick: async () => {
                  const result = await api.revokeCareLink(profile.id, l.id);
                  if (result.ok) {
                    app.announce(`Stopped sharing with ${l.team_name}.`);
                    return app.rerender();
                  }
                  confirmBox.append(h("p", { role: "alert" }, errorText(result)));
                },
              },
              "Yes, stop sharing",
            ),
            h("button", { type: "button", class: "secondary", onclick: () => app.rerender() }, "Cancel"),
          );
          confirmBox.querySelector("button").focus();
        },
      },
      `Stop sharing with ${l.team_name}`,
    );
    confirmBox.append(ask);
    return confirmBox;
  };
  return screen(
    "Care team",
    profileSwitcher(app),
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
                revoke(l),
              ),
            ),
          )
        : h("p", {}, "This diary is not shared with a care team."),
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
            const result = await api.joinCareTeam(profile.id, data.get("code").trim());
            if (!result.ok) fail(result);
            app.announce(`Now sharing with ${result.data.team_name}.`);
            return app.rerender();
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
    await sharing,
  );
}

// --- education -----------------------------------------------------------------------------------

export async function learn(app) {
  const query = new URLSearchParams(location.hash.split("?")[1] || "").get("q") || "";
  let body;
  try {
    const result = await api.articles(query);
    body = result.ok
      ? h(
          "ul",
          { class: "articles" },
          result.data.map((a) =>
            h(
              "li",
              {},
              h("p", { class: "entry-title" }, link(`#/learn/${a.slug}`, a.title)),
              h("p", {}, a.summary),
            ),
          ),
        )
      : h("p", {}, errorText(result));
    if (result.ok && !result.data.length) body = h("p", {}, "No articles match.");
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    body = h(
      "p",
      {},
      "Offline. Articles you have opened before can still be read at ",
      link("/learn/", "the Learn pages"),
      ".",
    );
  }
  const search = h(
    "form",
    {
      role: "search",
      class: "search",
      onsubmit: (event) => {
        event.preventDefault();
        const q = new FormData(event.target).get("q").trim();
        app.navigate(q ? `#/learn?q=${encodeURIComponent(q)}` : "#/learn");
      },
    },
    input({ name: "q", label: "Search articles", type: "search", value: query }),
    h("button", { type: "submit", class: "secondary" }, "Search"),
  );
  return screen("Learn", search, body);
}

export async function article(app, slug) {
  const page = `/learn/${slug}/`;
  try {
    const result = await api.article(slug);
    if (!result.ok) return screen("Article not found", h("p", {}, link("#/learn", "All articles")));
    const a = result.data;
    const body = h("div", { class: "article-body" });
    body.innerHTML = a.body_html; // sanitised by the server (nh3)
    // Opening the page through the service worker keeps it for reading offline.
    fetch(page).catch(() => {});
    return screen(
      a.title,
      h("p", { class: "lead" }, a.summary),
      body,
      a.sources?.length
        ? h(
            "section",
            { "aria-labelledby": "sources-heading" },
            h("h2", { id: "sources-heading" }, "Sources"),
            h(
              "ul",
              {},
              a.sources.map((s) => h("li", {}, link(s.url, s.title))),
            ),
          )
        : null,
      h("p", { class: "hint" }, `Last reviewed ${formatDate(a.reviewed_on)}.`),
      h("p", {}, link(page, "Open as a web page (readable offline)"), " · ", link("#/learn", "All articles")),
    );
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    return screen(
      "Offline",
      h(
        "p",
        {},
        "This article needs a connection here, but ",
        link(page, "its web page"),
        " can be read offline if you have opened it before.",
      ),
    );
  }
}
