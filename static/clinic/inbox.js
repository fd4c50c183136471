// The inbox keeps itself current: every 15 seconds it asks /clinic/inbox/status.json whether
// anything changed and, if so, fetches this same page and swaps in its alert list and title.
// No patient data travels in the polled answer; the page itself is the server's own HTML.
"use strict";

(function () {
  const POLL_MS = 15000;
  let section = document.getElementById("alerts");
  const live = document.getElementById("inbox-live");
  if (!section || !live) return;
  const statusUrl = section.dataset.statusUrl;

  async function refresh() {
    try {
      const status = await fetch(statusUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!status.ok) return;
      const state = await status.json();
      if (state.version === section.dataset.version) return;
      const page = await fetch(window.location.href, { credentials: "same-origin" });
      if (!page.ok || page.redirected) return;
      const fresh = new DOMParser().parseFromString(await page.text(), "text/html");
      const list = fresh.getElementById("alerts");
      if (!list) return;
      const adopted = document.importNode(list, true);
      section.replaceWith(adopted);
      section = adopted;
      document.title = fresh.title;
      live.textContent =
        state.open_urgent > 0
          ? `Alert list updated: ${state.open_urgent} open urgent alert${state.open_urgent === 1 ? "" : "s"}.`
          : "Alert list updated.";
    } catch {
      // Offline or the server is restarting: try again at the next tick.
    }
  }

  window.setInterval(refresh, POLL_MS);
})();
