"""The domain's errors. Services raise them; the API's one exception handler
(`sigmd_portal.exceptions`) turns each into its status code and `{"code", "detail"}` body.

They carry no HTTP machinery beyond the status number, so services, tasks and the clinic pages
can raise and catch them without importing DRF.
"""

from __future__ import annotations


class DomainError(Exception):
    status_code = 400
    code = "invalid"
    default_detail = "This change is not allowed."

    def __init__(self, detail: str | None = None, *, field: str | None = None) -> None:
        self.detail = detail or self.default_detail
        # The request field the error is about, if any: shown as {"errors": {field: [detail]}}.
        self.field = field
        super().__init__(self.detail)


class ReplayConflict(DomainError):
    """A create reused an id that already names different content (or someone else's row)."""

    status_code = 409
    code = "id_conflict"
    default_detail = "This id is already used for a different entry."


class StaleVersion(DomainError):
    """If-Match named a version that is no longer current."""

    status_code = 412
    code = "stale"
    default_detail = "This was changed on another device. Reload it and try again."


class RuleViolation(DomainError):
    """A write the domain does not allow (a second profile of your own, a wrong code, ...)."""

    status_code = 400
    code = "invalid"


class IllegalTransition(DomainError):
    """An alert cannot move to the state asked for (e.g. acknowledging a resolved alert)."""

    status_code = 409
    code = "illegal_transition"
    default_detail = "This alert cannot change that way."


class ManagerConflict(DomainError):
    """One manager may not decide alone for a profile several people manage."""

    status_code = 409
    code = "other_managers"
    default_detail = (
        "Someone else manages this diary too: leave the diary, or ask the other manager to delete it."
    )


class ReadOnly(DomainError):
    """The person may read this profile (a linked care team) but not change it."""

    status_code = 403
    code = "read_only"
    default_detail = "Only the profile's managers can change it; care teams read it."
