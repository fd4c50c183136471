"""Every read of care. Everything about a profile is reached through the diary's access function,
and which alerts a clinician sees is decided once, here (`clinician_sees`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import CareTeam, CareTeamMember, Role, User
from diary import clinical
from diary.access import profiles_managed_by
from diary.models import (
    CareLink,
    EvaluationRequest,
    InfectionEpisode,
    Infusion,
    Profile,
    SymptomEntry,
    Treatment,
)
from diary.read_together import Part, read_together
from diary.selectors import summary_of, summary_parts
from sigmd_portal.db import uuids_as_text

from . import rules
from .models import (
    Alert,
    AlertStatus,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Notification,
    Priority,
    RuleCode,
    TeamEvaluation,
    TeamEvaluationPart,
    TeamRuleSetting,
)

T = TypeVar("T")

# --- which alerts a clinician sees ---------------------------------------------------------------


def clinician_sees(user: Any) -> Q:
    """The one condition for a clinician (a user, or an OuterRef to one) to see an alert: an active
    member of the alert's team, and the profile still linked to that team (consent not revoked)."""
    member = CareTeamMember.objects.filter(team=OuterRef("team"), user=user, user__is_active=True)
    consent = CareLink.objects.filter(
        profile=OuterRef("profile"), team=OuterRef("team"), revoked_at__isnull=True
    )
    return Q(Exists(member)) & Q(Exists(consent))


def alerts_visible_to(user: User) -> QuerySet[Alert]:
    """Clinicians (with TOTP set up): their teams' alerts on profiles still linked to those teams.
    Managers: every alert on their profiles (read-only). The inbox, the digest, escalation,
    deliveries and /api/v1/alerts/ all read alerts through this."""
    if not user.is_authenticated:
        return Alert.objects.none()
    if user.is_clinician:
        return Alert.objects.filter(clinician_sees(user)) if user.has_totp() else Alert.objects.none()
    return Alert.objects.filter(profile__in=profiles_managed_by(user))


def clinicians_seeing(alert_id: Any) -> QuerySet[User]:
    """Who is told about an alert: every clinician who sees it (the same condition, per user)."""
    return User.objects.filter(
        Exists(Alert.objects.filter(pk=alert_id).filter(clinician_sees(OuterRef(OuterRef("pk"))))),
        role=Role.CLINICIAN,
    )


def clinicians_seeing_each(alerts: list[Alert]) -> dict[Any, list[User]]:
    """clinicians_seeing for many alerts in two queries: alert id -> the clinicians told (active
    clinicians of the alert's team, while the profile is still linked to that team)."""
    seeing: dict[Any, list[User]] = {a.pk: [] for a in alerts}
    team_ids = {a.team_id for a in alerts}
    if not team_ids:
        return seeing
    linked = set(
        # Each profile once (a profile has many alerts), in no order: the planner then probes the
        # profile index instead of scanning and sorting every link (a region's part: 12 → 1 ms).
        CareLink.objects.filter(
            team_id__in=team_ids,
            profile_id__any=list({a.profile_id for a in alerts}),
            revoked_at__isnull=True,
        )
        .order_by()
        .values_list("profile_id", "team_id")
    )
    members: dict[Any, list[User]] = {pk: [] for pk in team_ids}
    for member in CareTeamMember.objects.filter(
        team_id__in=team_ids, user__is_active=True, user__role=Role.CLINICIAN
    ).select_related("user"):
        members[member.team_id].append(member.user)
    for alert in alerts:
        if (alert.profile_id, alert.team_id) in linked:
            seeing[alert.pk] = members[alert.team_id]
    return seeing


def with_active_consent(alerts: QuerySet[Alert]) -> QuerySet[Alert]:
    """Alerts some clinician may still see: a revoked link stops every message."""
    consent = CareLink.objects.filter(
        profile=OuterRef("profile"), team=OuterRef("team"), revoked_at__isnull=True
    )
    return alerts.filter(Exists(consent))


def digest_window(day: date) -> tuple[datetime, datetime]:
    """The 24 hours before this day's digest, which goes out at SIGMD_DIGEST_HOUR (UTC)."""
    until = datetime.combine(day, time(settings.SIGMD_DIGEST_HOUR), tzinfo=UTC)
    return until - timedelta(days=1), until


def routine_alerts_for_digest(user: User, day: date) -> QuerySet[Alert]:
    """The unresolved routine alerts of the 24 hours before this day's digest that the clinician
    still sees: each alert is in one digest."""
    since, until = digest_window(day)
    return (
        alerts_visible_to(user)
        .filter(priority=Priority.ROUTINE, created_at__gte=since, created_at__lt=until)
        .exclude(status=AlertStatus.RESOLVED)
    )


def digest_recipients(day: date) -> QuerySet[User]:
    """Clinicians told in-app of a routine alert in this day's digest window (each then checked
    through routine_alerts_for_digest, which applies who still sees what)."""
    since, until = digest_window(day)
    told = Notification.objects.filter(
        kind=DeliveryKind.ALERT,
        alert__priority=Priority.ROUTINE,
        alert__created_at__gte=since,
        alert__created_at__lt=until,
    )
    return User.objects.filter(pk__in=told.values("recipient"))


def alerts_to_escalate(now: datetime) -> list[Alert]:
    """Urgent alerts still open past their team's delay, not yet escalated, still linked — and whose
    first notification was attempted: while one of the alert's own deliveries never was (its task
    died with a worker), the delivery sweep re-sends it first, so escalation never comes first."""
    first_untried = Delivery.objects.filter(
        alert=OuterRef("pk"), kind=DeliveryKind.ALERT, status=DeliveryStatus.PENDING, attempts=0
    )
    candidates = (
        with_active_consent(
            Alert.objects.filter(priority=Priority.URGENT, status=AlertStatus.OPEN, escalated_at__isnull=True)
        )
        .filter(~Exists(first_untried))
        .select_related("team")
    )
    # Compared here, not in SQL: SQLite (the embedded setup) cannot multiply an interval.
    # with_active_consent() only keeps alerts of a team, so a.team is never None here.
    return [a for a in candidates if a.created_at <= now - timedelta(minutes=a.team.escalation_delay_minutes)]  # type: ignore[union-attr]


def alert_still_to_tell(*, alert_id: Any, recipient: User) -> bool:
    """A delivery goes out only while its recipient still sees the alert and it is not resolved."""
    return (
        Alert.objects.filter(pk=alert_id, status__in=[AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED])
        .filter(clinician_sees(recipient))
        .exists()
    )


# --- what the rules read -----------------------------------------------------------------------


# The fields each kind of fact is made of, in the order of its dataclass in care.rules.
FACT_FIELDS: dict[str, tuple[str, ...]] = {
    rules.EPISODES: (
        *("id", "kind", "onset", "severity", "resolved_on", "hospitalized", "icu"),
        *("iv_antibiotics", "max_temperature_c", "severe_since"),
    ),
    rules.SYMPTOMS: ("id", "recorded_at", "symptoms", "temperature_c"),
    rules.TREATMENTS: ("id", "kind", "started_on", "ended_on", "prophylactic", "route"),
    rules.INFUSIONS: ("id", "given_on", "reactions"),
}
FACT_MAKERS: dict[str, Callable[..., Any]] = {
    rules.EPISODES: lambda pk, *rest: rules.Episode(str(pk), *rest),
    rules.SYMPTOMS: lambda pk, at, codes, temperature: rules.Symptoms(
        str(pk), timezone.localdate(at), tuple(codes), temperature
    ),
    rules.TREATMENTS: lambda pk, *rest: rules.Treatment(str(pk), *rest),
    rules.INFUSIONS: lambda pk, given_on, reactions: rules.Infusion(str(pk), given_on, tuple(reactions)),
}


def facts_parts(profile_ids: Iterable[Any], *, on: date, lookback_days: int) -> dict[str, Part]:
    """The rows the rules read for these profiles, limited to what a window of `lookback_days`
    ending `on` can reach (plus everything still ongoing): querysets with the fields the facts
    take, not yet run (facts_of runs them as tuples, the summary with its own rows)."""
    ids = list(profile_ids)
    since = on - timedelta(days=lookback_days)
    urgent_since = on - timedelta(days=clinical.URGENT_MAX_WINDOW_DAYS + 1)
    rows = {
        rules.EPISODES: InfectionEpisode.objects.filter(profile_id__any=ids).filter(
            Q(onset__gte=since) | Q(resolved_on__isnull=True) | Q(resolved_on__gte=since)
        ),
        rules.SYMPTOMS: SymptomEntry.objects.filter(profile_id__any=ids, recorded_at__date__gte=urgent_since),
        rules.TREATMENTS: Treatment.objects.filter(profile_id__any=ids).filter(
            Q(started_on__gte=since) | Q(ended_on__isnull=True) | Q(ended_on__gte=since)
        ),
        rules.INFUSIONS: Infusion.objects.filter(profile_id__any=ids, given_on__gte=urgent_since),
    }
    return {name: Part(queryset, FACT_FIELDS[name]) for name, queryset in rows.items()}


def profile_facts(profile: Profile, *, on: date, lookback_days: int) -> rules.Facts:
    """The plain facts the rules read for one profile (see facts_of)."""
    return facts_of({profile.pk: profile.date_of_birth}, on=on, lookback_days=lookback_days)[profile.pk]


def facts_of(
    births: dict[Any, date], *, on: date, lookback_days: int, kinds: Iterable[str] = FACT_FIELDS
) -> dict[Any, rules.Facts]:
    """The plain facts the rules read for many profiles (profile id -> date of birth): a query of
    plain tuples for each kind of fact (all four, or `kinds`: the others stay empty), however many
    profiles and however long their diaries."""
    ids = list(births)
    texts = [str(pk) for pk in ids]  # the rows' ids come as text (the facts keep them as text)
    parts = facts_parts(ids, on=on, lookback_days=lookback_days)
    with uuids_as_text():
        found = {
            name: by_profile(
                texts, parts[name].rows.values_list("profile_id", *parts[name].fields), FACT_MAKERS[name]
            )
            for name in kinds
        }
    return {
        pk: rules.Facts(date_of_birth=births[pk], **{name: tuple(found[name][text]) for name in found})
        for pk, text in zip(ids, texts, strict=True)
    }


def facts_from_rows(profile: Profile, rows: Mapping[str, Iterable[Any]]) -> rules.Facts:
    """One profile's facts from the rows of facts_parts read as instances (read_together)."""
    return rules.Facts(
        date_of_birth=profile.date_of_birth,
        **{
            name: tuple(FACT_MAKERS[name](*(getattr(r, f) for f in FACT_FIELDS[name])) for r in rows[name])
            for name in FACT_FIELDS
        },
    )


def by_profile(texts: list[str], rows: Iterable[tuple], make: Callable[..., T]) -> dict[str, list[T]]:
    """Rows of (profile id, *values) as each profile's list of make(*values), by the id's text."""
    found: dict[str, list[T]] = {text: [] for text in texts}
    for profile_id, *values in rows:
        found[str(profile_id)].append(make(*values))  # text already on PostgreSQL (uuids_as_text)
    return found


def longest_window(settings_list: Iterable[rules.Settings], codes: Iterable[str] = rules.RULES) -> int:
    """How far back these rules (every rule, or `codes`) look under any of these settings."""
    codes = list(codes)
    return max(t.window_days for s in settings_list for code in codes for t in s[code].values())


def team_settings(team: CareTeam | None) -> rules.Settings:
    return teams_settings([team.pk] if team else [])[team.pk if team else None]


def teams_settings(team_ids: Iterable[Any]) -> dict[Any, rules.Settings]:
    """Each team's thresholds (its overrides over the defaults), and the defaults under None:
    one query for any number of teams."""
    ids = list(team_ids)
    rows: dict[Any, list[TeamRuleSetting]] = {None: [], **{pk: [] for pk in ids}}
    for row in TeamRuleSetting.objects.filter(team_id__in=ids) if ids else ():
        rows[row.team_id].append(row)
    return {pk: settings_from(team_rows) for pk, team_rows in rows.items()}


def settings_from(rows: Iterable[TeamRuleSetting]) -> rules.Settings:
    """The defaults, with a team's rows (absent rows keep the defaults)."""
    settings_ = rules.default_settings()
    for row in rows:
        settings_[row.rule] = {
            rules.CHILD: rules.Threshold(row.child_threshold, row.child_window_days, row.enabled),
            rules.ADULT: rules.Threshold(row.adult_threshold, row.adult_window_days, row.enabled),
        }
    return settings_


def active_teams(profile: Profile) -> list[CareTeam]:
    return [
        link.team
        for link in CareLink.objects.filter(profile=profile, revoked_at__isnull=True).select_related("team")
    ]


def teams_linked(profile_ids: Iterable[Any]) -> dict[Any, list[Any]]:
    """Each profile's teams (ids) with an active care link: one query for any number of profiles."""
    linked: dict[Any, list[Any]] = {pk: [] for pk in profile_ids}
    for profile_id, team_id in CareLink.objects.filter(
        profile_id__any=list(linked), revoked_at__isnull=True
    ).values_list("profile_id", "team_id"):
        linked[profile_id].append(team_id)
    return linked


def team_in_force(user: User | AnonymousUser, profile: Profile) -> CareTeam | None:
    """Whose thresholds a screen shows: the clinician's own team linked to the profile; for a
    manager, the one linked team (none, or several: the defaults)."""
    teams = active_teams(profile)
    if user.is_authenticated and user.is_clinician:
        mine = set(CareTeamMember.objects.filter(user=user).values_list("team_id", flat=True))
        teams = [t for t in teams if t.pk in mine]
        return teams[0] if teams else None
    return teams[0] if len(teams) == 1 else None


def thresholds_met(profile: Profile, on: date, *, team: CareTeam | None = None) -> list[dict]:
    """Each rule's threshold in force for the team (defaults without one) and the profile's age
    band on that day, whether the diary meets it, and the entries that do: what the summary and
    the clinic's patient page show."""
    thresholds = team_settings(team)
    facts = profile_facts(profile, on=on, lookback_days=longest_window([thresholds]))
    return thresholds_shown(facts, on, thresholds)


def thresholds_shown(facts: rules.Facts, on: date, thresholds: rules.Settings) -> list[dict]:
    """thresholds_met's rows from facts already read."""
    band = rules.age_band(facts.date_of_birth, on)
    findings = rules.evaluate(facts, on, thresholds)
    return [
        {
            "rule": code,
            "label": RuleCode(code).label,
            "priority": spec.priority,
            "unit": spec.unit,
            "fixed_count": spec.fixed_count,
            "threshold": rules.in_force(code, band, thresholds).count,
            "window_days": rules.in_force(code, band, thresholds).window_days,
            "enabled": rules.in_force(code, band, thresholds).enabled,
            "met": any(f.rule == code for f in findings),
            "evidence": sorted({i for f in findings if f.rule == code for _, i in f.evidence}),
        }
        for code, spec in rules.RULES.items()
    ]


def settings_in_force(user: User | AnonymousUser, profile: Profile) -> rules.Settings:
    """The settings of team_in_force(user, profile) in one query: the profile's active links
    (newest first, as active_teams), for a clinician only their own teams', each with its
    team's rows."""
    links = CareLink.objects.filter(profile=profile, revoked_at__isnull=True)
    clinician = user if isinstance(user, User) and user.is_clinician else None
    if clinician is not None:
        links = links.filter(team__memberships__user=clinician)
    columns = (
        "rule",
        "enabled",
        "child_threshold",
        "child_window_days",
        "adult_threshold",
        "adult_window_days",
    )
    rows: dict[Any, list[TeamRuleSetting]] = {}
    for team_id, *values in links.values_list("team_id", *(f"team__rule_settings__{c}" for c in columns)):
        team_rows = rows.setdefault(team_id, [])
        if values[0] is not None:  # a team without rows of its own (the outer join's NULLs)
            team_rows.append(TeamRuleSetting(**dict(zip(columns, values, strict=True))))
    teams = list(rows)
    if clinician is not None:
        return settings_from(rows[teams[0]] if teams else [])
    return settings_from(rows[teams[0]] if len(teams) == 1 else [])


def summary_with_thresholds(user: User | AnonymousUser, profile: Profile, *, today: date) -> dict[str, Any]:
    """The 12-month summary with the thresholds in force for the user (team_in_force) and
    whether the diary meets them: two queries, the team's settings and then one read of the
    diary (diary.read_together) for both the summary and the rules' facts."""
    thresholds = settings_in_force(user, profile)
    since = today - timedelta(days=364)
    facts = facts_parts([profile.pk], on=today, lookback_days=longest_window([thresholds]))
    rows = read_together(
        {**summary_parts(profile, since=since, today=today), **{f"facts {n}": p for n, p in facts.items()}}
    )
    summary = summary_of(profile, rows, since=since, today=today)
    summary["age_band"] = rules.age_band(profile.date_of_birth, today)
    summary["thresholds"] = thresholds_shown(
        facts_from_rows(profile, {name: rows[f"facts {name}"] for name in facts}), today, thresholds
    )
    return summary


def default_thresholds_met(profile: Profile, on: date) -> list[dict]:
    """The defaults' view (no team): kept for callers written before thresholds_met took a team."""
    return thresholds_met(profile, on)


# --- the outbox and deliveries -------------------------------------------------------------------


def evaluation_requests_due(*, now: datetime, sweep_age: timedelta, limit: int = 500) -> list[str]:
    """Outbox rows to (re)send: never dispatched or lost for `sweep_age`, or due after a backoff;
    parked rows wait for an operator."""
    pending = EvaluationRequest.objects.filter(processed_at__isnull=True, parked_at__isnull=True)
    due = pending.filter(
        Q(next_attempt_at__isnull=True, created_at__lte=now - sweep_age) | Q(next_attempt_at__lte=now)
    )
    return [str(pk) for pk in due.order_by("created_at").values_list("pk", flat=True)[:limit]]


def team_evaluations_due(*, now: datetime, sweep_age: timedelta) -> list[str]:
    """Team re-evaluations whose task was lost (not done `sweep_age` after the change)."""
    rows = TeamEvaluation.objects.filter(processed_at__isnull=True, created_at__lte=now - sweep_age)
    return [str(pk) for pk in rows.order_by("created_at").values_list("pk", flat=True)[:100]]


def team_parts_due(*, now: datetime, sweep_age: timedelta) -> list[int]:
    """Parts of team re-evaluations not done `sweep_age` after they were made (their task was lost)."""
    rows = TeamEvaluationPart.objects.filter(processed_at__isnull=True, created_at__lte=now - sweep_age)
    return list(rows.order_by("created_at").values_list("pk", flat=True)[:1000])


def outbox_status(*, now: datetime) -> dict[str, Any]:
    """What waits to be evaluated: profiles' outbox rows, and team re-evaluations not yet split or
    their parts (a part, a batch of profiles, counts as one)."""
    waiting = [
        EvaluationRequest.objects.filter(processed_at__isnull=True, parked_at__isnull=True),
        TeamEvaluation.objects.filter(processed_at__isnull=True),
        TeamEvaluationPart.objects.filter(processed_at__isnull=True),
    ]
    parked = EvaluationRequest.objects.filter(processed_at__isnull=True, parked_at__isnull=False)
    found = [rows.aggregate(n=Count("pk"), oldest=Min("created_at")) for rows in waiting]
    oldest = min((f["oldest"] for f in found if f["oldest"]), default=None)
    return {
        "pending": sum(f["n"] for f in found),
        "parked": parked.count(),
        "oldest_pending_seconds": int((now - oldest).total_seconds()) if oldest else 0,
    }


CATCH_UP_DAYS = 7


def profiles_time_could_cross(on: date) -> QuerySet[Profile]:
    """Profiles whose evaluation can change on `on` with nothing new logged (one query): an
    unresolved thrush, an antibiotic course open or ended in the last days, an 18th birthday in
    the last days (CATCH_UP_DAYS: re-evaluating is idempotent, so a missed night costs nothing). (The infant clause uses the age on the day of each reading, so age alone never changes it.)"""
    since = on - timedelta(days=CATCH_UP_DAYS)
    thrush = InfectionEpisode.objects.filter(
        profile=OuterRef("pk"), kind=clinical.THRUSH, resolved_on__isnull=True, onset__lte=on
    )
    course = Treatment.objects.filter(
        profile=OuterRef("pk"), kind=clinical.ANTIBIOTIC, started_on__lte=on
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=since))
    adults = turned_adult_since(on, days=CATCH_UP_DAYS)
    return Profile.objects.filter(
        Q(Exists(thrush)) | Q(Exists(course)) | Q(date_of_birth__in=adults)
    ).order_by("pk")


def turned_adult_since(on: date, *, days: int) -> list[date]:
    """Dates of birth of everyone who became an adult (clinical.age_band) in the `days` days up
    to `on`: a night the job missed is caught up the next."""
    anchor = date(on.year - clinical.CHILD_UNTIL_YEARS, on.month, min(on.day, 28))
    candidates = (anchor - timedelta(days=k) for k in range(-2, days + 3))
    return [
        dob
        for dob in candidates
        if clinical.age_band(dob, on) == clinical.ADULT
        and clinical.age_band(dob, on - timedelta(days=days)) == clinical.CHILD
    ]


def deliveries_stale(
    *, older_than: timedelta, retrying_after: timedelta = timedelta(minutes=15)
) -> list[int]:
    """Pending deliveries whose task was lost: never attempted and older than `older_than` (the
    dispatch failed, or the task died with its worker), or still pending long after a failed
    attempt (its retry was lost). A delivery waiting out a short backoff is left to its retry."""
    now = timezone.now()
    rows = Delivery.objects.filter(status=DeliveryStatus.PENDING, created_at__lte=now - older_than).filter(
        Q(attempts=0) | Q(created_at__lte=now - retrying_after)
    )
    return list(rows.order_by("created_at").values_list("pk", flat=True)[:500])
