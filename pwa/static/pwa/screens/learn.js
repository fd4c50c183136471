// Learn: the articles, "when to seek urgent care" first (kept on the phone with the app, so it
// opens with no signal). Each opens as its /learn/ page, which the service worker keeps once
// read; there is no second reader inside the app.

import { api, NetworkError } from "../api.js";
import { emergencyLine } from "../components/emergency.js";
import { h, link, screen } from "../dom.js";
import { articleSlug } from "../vocabulary.js";

// The slug the shell precaches (pwa/views.py), when the vocabulary does not name it.
const URGENT_CARE = "when-to-seek-urgent-care";

export async function learn() {
  const urgent = articleSlug("urgent_care") || URGENT_CARE;
  let articles = [];
  let offline = false;
  try {
    const result = await api.articles();
    if (result.ok) articles = result.data;
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    offline = true;
  }
  const first = articles.find((a) => a.slug === urgent) || {
    slug: urgent,
    title: "When to seek urgent care",
    summary:
      "The warning signs that need an emergency number now. Kept on this phone for use without signal.",
  };
  const rest = articles.filter((a) => a.slug !== urgent);
  return screen(
    "Learn",
    emergencyLine(),
    h(
      "ul",
      { class: "articles" },
      [first, ...rest].map((a) =>
        h(
          "li",
          { class: a.slug === urgent ? "article-urgent" : null },
          h("p", { class: "entry-title" }, link(`/learn/${a.slug}/`, a.title)),
          h("p", {}, a.summary),
        ),
      ),
    ),
    offline
      ? h(
          "p",
          { class: "hint" },
          "Offline. Articles you have opened before can still be read: ",
          link("/learn/", "all articles"),
          ".",
        )
      : h("p", {}, link("/learn/", "Search all articles")),
  );
}
