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

// Answers {ok, status, data, etag}; throws NetworkError only when no answer came back at all.
export async function request(method, url, body, extraHeaders = {}) {
  const headers = { Accept: "application/json", ...extraHeaders };
  if (method !== "GET") headers["X-CSRFToken"] = csrfToken();
  if (body !== undefined) headers["Content-Type"] = "application/json";
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
  return { ok: response.ok, status: response.status, data, etag: response.headers.get("ETag") };
}

// Every collection of the API is cursor-paginated ({next, previous, results}): this one function
// reads a whole list by following `next`.
export async function listAll(url) {
  const items = [];
  let next = url;
  while (next) {
    const result = await request("GET", next);
    if (!result.ok) return { ...result, data: null };
    items.push(...(result.data.results || []));
    next = result.data.next;
  }
  return { ok: true, status: 200, data: items };
}

// The data of a GET, or null when the server refused it or there is no connection: for what
// a screen shows when it can (the summary's figures) and does without otherwise.
export async function optionalGet(call) {
  try {
    const result = await call();
    return result.ok ? result.data : null;
  } catch (error) {
    if (error instanceof NetworkError) return null;
    throw error;
  }
}

// One readable sentence from a DRF ({detail, errors}) or allauth ({errors: [{message}]}) error.
export function errorText(result) {
  const data = result && result.data;
  if (data && Array.isArray(data.errors)) return data.errors.map((e) => e.message).join(" ");
  if (data && data.errors && typeof data.errors === "object") {
    return Object.entries(data.errors)
      .map(([field, messages]) => `${field.replaceAll("_", " ")}: ${[].concat(messages).join(" ")}`)
      .join(" ");
  }
  if (data && data.detail) return data.detail;
  if (data && typeof data === "object" && !Array.isArray(data)) {
    const fields = Object.entries(data).filter(([, v]) => Array.isArray(v));
    if (fields.length) {
      return fields
        .map(([field, messages]) => `${field.replaceAll("_", " ")}: ${messages.join(" ")}`)
        .join(" ");
    }
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
export const ENTRY_SEGMENTS = [
  "infections",
  "symptoms",
  "treatments",
  "vaccinations",
  "labs",
  "infusions",
  "measurements",
];

const profileUrl = (profileId) => `${API}/profiles/${profileId}/`;
const entryUrl = (profileId, segment, entryId) =>
  segment === "profile" ? profileUrl(profileId) : `${profileUrl(profileId)}${segment}/${entryId}/`;
const ifMatch = (etag) => (etag ? { "If-Match": etag } : {});

// The ETag of a row as the API spells it (diary.models: `"<id>-<version>"`), for rows read from a
// list, which carries each row's `version` but no header per row.
export const etagOf = (row) => (row && row.version ? `"${row.id}-${row.version}"` : null);

export const api = {
  me: () => request("GET", `${API}/me`),
  setRole: (role) => request("PATCH", `${API}/me`, { role }),
  profiles: () => listAll(`${API}/profiles/`),
  profile: (profileId) => request("GET", profileUrl(profileId)),
  createProfile: (data) => request("POST", `${API}/profiles/`, data),
  entries: (profileId, segment) => listAll(`${profileUrl(profileId)}${segment}/`),
  entry: (profileId, segment, entryId) => request("GET", entryUrl(profileId, segment, entryId)),
  createEntry: (profileId, segment, data) => request("POST", `${profileUrl(profileId)}${segment}/`, data),
  updateEntry: (profileId, segment, entryId, data, etag) =>
    request("PATCH", entryUrl(profileId, segment, entryId), data, ifMatch(etag)),
  deleteEntry: (profileId, segment, entryId, etag) =>
    request("DELETE", entryUrl(profileId, segment, entryId), undefined, ifMatch(etag)),
  summary: (profileId) => request("GET", `${profileUrl(profileId)}summary`),
  alerts: (profileId) => listAll(`${API}/alerts/?profile=${encodeURIComponent(profileId)}`),
  allAlerts: () => listAll(`${API}/alerts/`),
  managers: (profileId) => listAll(`${profileUrl(profileId)}managers/`),
  makeSharingCode: (profileId) => request("POST", `${profileUrl(profileId)}managers/`),
  joinProfile: (code) => request("POST", `${API}/profiles/join`, { code }),
  careLinks: (profileId) => listAll(`${profileUrl(profileId)}care-links/`),
  joinCareTeam: (profileId, code) => request("POST", `${profileUrl(profileId)}care-links/`, { code }),
  revokeCareLink: (profileId, linkId) => request("DELETE", `${profileUrl(profileId)}care-links/${linkId}/`),
  accessLog: (profileId) => listAll(`${profileUrl(profileId)}access-log/`),
  shareLinks: (profileId) => listAll(`${profileUrl(profileId)}share-links/`),
  createShareLink: (profileId, data) => request("POST", `${profileUrl(profileId)}share-links/`, data),
  revokeShareLink: (profileId, linkId) => request("DELETE", `${profileUrl(profileId)}share-links/${linkId}/`),
  reportUrl: (profileId, from, to) => {
    const query = new URLSearchParams(Object.entries({ from, to }).filter(([, v]) => v));
    return `${profileUrl(profileId)}report.pdf${query.size ? `?${query}` : ""}`;
  },
  accountExportUrl: () => `${API}/account/export`,
  deleteAccount: (password) => request("DELETE", `${API}/account`, { password }),
  articles: () => listAll(`${API}/education/articles/`),
  // Infusions of one batch across every diary this account manages (product recalls).
  searchBatch: (lot) => listAll(`${API}/infusions/search?${new URLSearchParams({ lot })}`),
};
