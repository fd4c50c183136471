// The charts of one diary, one tap apart: infections, immunoglobulins and therapy, growth.

import { h, link } from "../dom.js";

const CHARTS = [
  ["/chart", "Infections"],
  ["/chart/immune", "Immunoglobulins and therapy"],
  ["/chart/growth", "Growth"],
];

export function chartNav(current) {
  return h(
    "nav",
    { class: "chart-nav", "aria-label": "Charts" },
    h(
      "ul",
      { class: "inline-list" },
      CHARTS.map(([path, name]) =>
        h("li", {}, link(`#${path}`, name, { "aria-current": path === current ? "page" : null })),
      ),
    ),
  );
}
