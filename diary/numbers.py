"""How the diary's decimal values are written for people: as the lab printed them, without the
database's trailing zeros. The clinic's pages, the PDF and the share page all write them so."""

from __future__ import annotations

from decimal import Decimal


def plain_number(value: Decimal | None) -> str:
    """A lab value as printed on the report: 40.000 -> "40", 9.100 -> "9.1", None -> "?"."""
    return "?" if value is None else f"{value.normalize():f}"
