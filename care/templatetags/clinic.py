"""What every clinic page shows around its content: the count of open urgent alerts."""

from django import template

from accounts.permissions import session_passed_mfa

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
