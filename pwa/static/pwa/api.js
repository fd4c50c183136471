// The two servers the client talks to: allauth's headless *browser* client (session cookie)
// and the REST API. No token is ever kept in JavaScript storage: the session lives in an
// HttpOnly cookie, and every write carries Django's CSRF token read from its cookie.

const AUTH = "/_allauth/browser/v1";
const API = "/api/v1";
const WRITE_TIMEOUT_MS = 15000;

export class NetworkError extends Error {}

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

// Answers {ok, status, data}; throws NetworkError only when no answer came back at all.
export async function request(method, url, body) {
  const headers = { Accept: "application/json" };
  if (method !== "GET") {
    headers["X-CSRFToken"] = csrfToken();
  }
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
  }
  // A write on a weak signal must not hang forever: give up, and the outbox retries later.
  const signal = method === "GET" ? undefined : AbortSignal.timeout(WRITE_TIMEOUT_MS);
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
      signal,
    });
  } catch (error) {
    throw new NetworkError(error.message);
  }
  let data = null;
  if ((response.headers.get("Content-Type") || "").includes("json")) {
    data = await response.json().catch(() => null);
  }
  return { ok: response.ok, status: response.status, data };
}

// One readable sentence from a DRF ({detail, errors}) or allauth ({errors: [{message}]}) error.
export function errorText(result) {
  const data = result && result.data;
  if (data && Array.isArray(data.errors)) {
    return data.errors.map((e) => e.message).join(" ");
  }
  if (data && data.errors && typeof data.errors === "object") {
    return Object.entries(data.errors)
      .map(([field, messages]) => `${field.replaceAll("_", " ")}: ${[].concat(messages).join(" ")}`)
      .join(" ");
  }
  if (data && data.detail) {
    return data.detail;
  }
  return `The server answered ${result ? result.status : "nothing"}. Please try again.`;
}

// The allauth flow that is waiting for the person (verify_email, mfa_authenticate, ...), if any.
export function pendingFlow(result) {
  const flows = (result && result.data && result.data.data && result.data.data.flows) || [];
  const pending = flows.find((flow) => flow.is_pending);
  return pending ? pending.id : null;
}

export const auth = {
  session: () => request("GET", `${AUTH}/auth/session`),
  signup: (email, password) => request("POST", `${AUTH}/auth/signup`, { email, password }),
  verifyEmail: (key) => request("POST", `${AUTH}/auth/email/verify`, { key }),
  login: (email, password) => request("POST", `${AUTH}/auth/login`, { email, password }),
  mfaAuthenticate: (code) => request("POST", `${AUTH}/auth/2fa/authenticate`, { code }),
  logout: () => request("DELETE", `${AUTH}/auth/session`),
  requestPasswordReset: (email) => request("POST", `${AUTH}/auth/password/request`, { email }),
  resetPassword: (key, password) => request("POST", `${AUTH}/auth/password/reset`, { key, password }),
};

// Path segment of each diary entry type in /profiles/{id}/<segment>/.
export const ENTRY_SEGMENTS = ["infections", "symptoms", "treatments", "vaccinations", "labs"];

export const api = {
  me: () => request("GET", `${API}/me`),
  setRole: (role) => request("PATCH", `${API}/me`, { role }),
  profiles: () => request("GET", `${API}/profiles/`),
  createProfile: (data) => request("POST", `${API}/profiles/`, data),
  entries: (profileId, segment) => request("GET", `${API}/profiles/${profileId}/${segment}/`),
  createEntry: (profileId, segment, data) =>
    request("POST", `${API}/profiles/${profileId}/${segment}/`, data),
  summary: (profileId) => request("GET", `${API}/profiles/${profileId}/summary`),
  alerts: (profileId) => request("GET", `${API}/alerts/?profile=${encodeURIComponent(profileId)}`),
  managers: (profileId) => request("GET", `${API}/profiles/${profileId}/managers/`),
  makeSharingCode: (profileId) => request("POST", `${API}/profiles/${profileId}/managers/`),
  joinProfile: (code) => request("POST", `${API}/profiles/join`, { code }),
  careLinks: (profileId) => request("GET", `${API}/profiles/${profileId}/care-links/`),
  joinCareTeam: (profileId, code) => request("POST", `${API}/profiles/${profileId}/care-links/`, { code }),
  revokeCareLink: (profileId, linkId) =>
    request("DELETE", `${API}/profiles/${profileId}/care-links/${linkId}/`),
  articles: (q) => request("GET", `${API}/education/articles/${q ? `?q=${encodeURIComponent(q)}` : ""}`),
  article: (slug) => request("GET", `${API}/education/articles/${encodeURIComponent(slug)}/`),
};
