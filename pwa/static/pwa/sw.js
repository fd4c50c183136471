// The service worker of SIgMD Portal, served at /sw.js with scope "/".
// The server prepends `const SHELL = {version, shell: [urls], pages: [urls], stylesheet: url}`: a new version
// (any shell file changed) installs a new worker, which precaches the new shell and drops the old one.
// In production the shell's static URLs are hashed names (the modules import each other by hashed
// name too), so the precached copies are exactly what the page asks for.
//
// What is cached, and what never is:
// - the app shell (/app/, its modules, styles, manifest and icons, and the /learn/ pages' stylesheet):
//   precached on install;
// - SHELL.pages (the urgent-care article): precached on install too, one by one, so that a
//   page this server lacks never stops the worker installing;
// - every /learn/ page and /static/ file the person opens: stale-while-revalidate, so what was
//   read once can be read again offline, and is refreshed whenever there is a connection;
// - /api/ and /_allauth/ answers (health data, sessions) and /clinic/ pages: NEVER. The worker
//   does not even look at them; they go straight to the network.

const SHELL_CACHE = `sigmd-shell-${SHELL.version}`;
const PAGES_CACHE = "sigmd-pages-v1";
const NEVER_CACHED = ["/api/", "/_allauth/", "/clinic/", "/admin/"];
const MATCH = { ignoreVary: true };

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) => cache.addAll(SHELL.shell.map((url) => new Request(url, { cache: "reload" }))))
      .then(() => caches.open(PAGES_CACHE))
      .then((cache) =>
        Promise.all(
          SHELL.pages.map((url) => cache.add(new Request(url, { cache: "reload" })).catch(() => null)),
        ),
      )
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names.filter((n) => n.startsWith("sigmd-shell-") && n !== SHELL_CACHE).map((n) => caches.delete(n)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (NEVER_CACHED.some((prefix) => url.pathname.startsWith(prefix))) return;

  if (url.pathname === "/app/") {
    event.respondWith(staleWhileRevalidate(event, SHELL_CACHE, new Request("/app/")));
  } else if (SHELL.shell.includes(url.pathname)) {
    event.respondWith(cacheFirst(request));
  } else if (url.pathname.startsWith("/learn/") || url.pathname.startsWith("/static/")) {
    event.respondWith(staleWhileRevalidate(event, PAGES_CACHE, request));
  }
});

async function cacheFirst(request) {
  const cached = await caches.match(request, MATCH);
  return cached || fetch(request);
}

// Answer from the cache at once when there is a copy, and refresh the copy in the background.
async function staleWhileRevalidate(event, cacheName, key) {
  const cache = await caches.open(cacheName);
  const cached = await cache.match(key, MATCH);
  const refresh = fetch(event.request)
    .then(async (response) => {
      if (response.ok && response.type === "basic") await cache.put(key, response.clone());
      return response;
    })
    .catch(() => null);
  event.waitUntil(refresh);
  if (cached) return cached;
  const fresh = await refresh;
  if (fresh) return fresh;
  return event.request.mode === "navigate" ? offlinePage() : Response.error();
}

function offlinePage() {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Offline – SIgMD Portal</title><link rel="stylesheet" href="${SHELL.stylesheet}"></head>
<body><main id="main" class="offline-page"><h1>You are offline</h1>
<p>This page has not been saved on this phone yet. Pages you have opened before can be read without a connection.</p>
<p><a href="/app/">Open your diary</a></p>
<p>In an emergency: <a href="tel:999">Call 999</a> (UK) · <a href="tel:112">Call 112</a> (Europe)
· <a href="tel:911">Call 911</a> (US and Canada).</p>
<p><a href="/learn/when-to-seek-urgent-care/">When to seek urgent care</a></p></main></body></html>`;
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

// Background Sync: only a page can read the CSRF cookie, so the worker asks open pages to send
// the outbox. With no page open it fails, and the browser tries again later.
self.addEventListener("sync", (event) => {
  if (event.tag !== "outbox") return;
  event.waitUntil(
    self.clients.matchAll({ type: "window" }).then((clients) => {
      if (!clients.length) throw new Error("No open page to send the outbox");
      for (const client of clients) client.postMessage({ type: "flush-outbox" });
    }),
  );
});
