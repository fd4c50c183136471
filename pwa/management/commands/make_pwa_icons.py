"""Draw the app icons (run once; the PNGs are committed): `manage.py make_pwa_icons`."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Rectangle

ICON_DIR = Path(__file__).resolve().parents[2] / "static" / "pwa" / "icons"
BRAND = "#0b4f6c"
WHITE = "#ffffff"


def draw_icon(path: Path, *, size: int, maskable: bool) -> None:
    fig = Figure(figsize=(1, 1), dpi=size)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.axis("off")
    if maskable:
        # Full bleed: the launcher crops to its own shape, keeping the central 80 % circle.
        ax.add_patch(Rectangle((0, 0), 1, 1, color=BRAND))
        scale = 0.72
    else:
        ax.add_patch(
            FancyBboxPatch((0.04, 0.04), 0.92, 0.92, boxstyle="round,pad=0,rounding_size=0.18", color=BRAND)
        )
        scale = 1.0
    centre = 0.5
    ax.text(
        centre,
        centre + 0.06 * scale,
        "IgM",
        color=WHITE,
        fontsize=size * 0.30 * scale * 72 / size,
        fontweight="bold",
        ha="center",
        va="center",
        family="DejaVu Sans",
    )
    # Three diary lines under the letters.
    for i, width in enumerate((0.52, 0.40, 0.28)):
        ax.add_patch(
            Rectangle(
                (centre - width * scale / 2, centre - (0.16 + i * 0.075) * scale),
                width * scale,
                0.035 * scale,
                color=WHITE,
            )
        )
    fig.savefig(path, dpi=size, transparent=not maskable)


class Command(BaseCommand):
    help = "Draw the PWA icons (192 and 512 px, and a 512 px maskable one) into pwa/static/pwa/icons/."

    def handle(self, *args: object, **options: object) -> None:
        ICON_DIR.mkdir(parents=True, exist_ok=True)
        draw_icon(ICON_DIR / "icon-192.png", size=192, maskable=False)
        draw_icon(ICON_DIR / "icon-512.png", size=512, maskable=False)
        draw_icon(ICON_DIR / "icon-maskable-512.png", size=512, maskable=True)
        self.stdout.write(f"Icons written to {ICON_DIR}")
