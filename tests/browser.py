"""What every browser test shares: how Debian's Chromium is launched and how axe-core judges a page."""

from __future__ import annotations

from django.conf import settings
from playwright.sync_api import Page

# Without the background-networking flags Chromium keeps dialling out, and this machine's closed
# network refuses it, many times a second.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_SCRIPT = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page: Page) -> list[dict]:
    """What axe finds on the loaded page (WCAG 2.2 AA), short enough to read in a failure."""
    # Judge what a reader can reveal too, such as a closed <details>.
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true })")
    page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA_TAGS
    )
    assert result["passes"], "axe checked nothing: is the page empty?"
    return [
        {
            "rule": violation["id"],
            "help": violation["help"],
            "where": [node["target"] for node in violation["nodes"][:5]],
            "why": violation["nodes"][0]["failureSummary"],
        }
        for violation in result["violations"]
    ]
