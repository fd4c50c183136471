"""What every clinic page shows around its content: the count of open urgent alerts."""

from decimal import Decimal

from django import template

from accounts.permissions import session_passed_mfa
from diary.clinical import LAB_UNITS, label_of
from diary.numbers import plain_number

from ..clinic.selectors import open_urgent_count

register = template.Library()


@register.simple_tag(takes_context=True)
def open_urgent_alerts(context) -> int:
    request = context.get("request")
    if request is None or not request.user.is_authenticated or not request.user.is_clinician:
        return 0
    if not session_passed_mfa(request):
        return 0
    return open_urgent_count(request.user)


@register.filter
def plain(value: Decimal | None) -> str:
    """A value as the lab printed it: 0.500 -> "0.5", 6.000 -> "6" (never "6.000" or "6E+0");
    a missing one as a dash."""
    return "–" if value is None else plain_number(value)


@register.filter
def unit_label(code: str) -> str:
    """A lab unit as people write it ("ug/mL" -> "µg/mL")."""
    return label_of(LAB_UNITS, code)
