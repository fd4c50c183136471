"""Writes to the diary. Each write of an entry also asks, in the same transaction, for the
profile to be evaluated (the outbox row), so no entry goes unevaluated."""

from __future__ import annotations

import contextlib
import functools
import logging
import secrets
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from simple_history.utils import get_change_reason_from_object, get_history_model_for_model

from accounts.models import CareTeam, User
from sigmd_portal.cache import FailOpenRedisCache

from . import clinical
from .errors import ReplayConflict, RuleViolation, StaleVersion
from .models import (
    AccessLogEntry,
    CareLink,
    CareTeamInvitation,
    Entry,
    EvaluationRequest,
    InfectionEpisode,
    Infusion,
    ManagerInvitation,
    Profile,
    ProfileManager,
    Relationship,
    SymptomEntry,
)

log = logging.getLogger(__name__)

# The care app registers a Celery task under this name; the diary only knows the name.
EVALUATE_PROFILE_TASK = "care.tasks.evaluate_profile"
EVALUATE_REQUESTS_TASK = "care.tasks.evaluate_requests"  # a list of request ids
EVALUATE_WAITING_TASK = "care.tasks.evaluate_waiting"  # every routine row waiting
EVALUATION_BATCH = 500

V = TypeVar("V", bound=models.Model)


# --- the evaluation outbox ---------------------------------------------------------------


def evaluation_dispatch(request_id: str, *, urgent: bool = False) -> None:
    """Hand an outbox row to the worker: an entry that may raise an urgent alert alone, on the
    urgent queue, at once; any other through the task for every routine row waiting. Failure is
    logged, not raised: the sweep retries (it goes by the row's age)."""
    from sigmd_portal.celery import app

    if not urgent:
        evaluation_waiting_dispatch()
        return
    try:
        app.tasks[EVALUATE_PROFILE_TASK].apply_async(args=[request_id], queue=settings.SIGMD_URGENT_QUEUE)
    except Exception:
        log.warning("evaluation %s not dispatched; the outbox sweep will retry", request_id, exc_info=True)


# While a routine evaluation task is on its way (sent, not started), this key is set in Redis.
ROUTINE_KICK = "sigmd.evaluation.routine_kick"
ROUTINE_KICK_SECONDS = 5  # a task lost on its way holds back new ones no longer than this


def routine_kick_take() -> bool:
    """Whether to send the routine task: True unless one is on its way (it has not started, so it
    will claim what is committed now). Always True without Redis to ask."""
    cache = caches["default"]
    if not isinstance(cache, FailOpenRedisCache):
        return True
    reached, added = cache.redis_only("add", ROUTINE_KICK, 1, ROUTINE_KICK_SECONDS)
    return bool(added) or not reached


def routine_kick_release() -> None:
    """The routine task has started (or could not be sent): a write from now on sends another."""
    cache = caches["default"]
    if isinstance(cache, FailOpenRedisCache):
        cache.redis_only("delete", ROUTINE_KICK)


def evaluation_waiting_dispatch(*, countdown: float | None = None) -> None:
    """Send the task that evaluates every routine outbox row waiting, a moment later
    (SIGMD_EVALUATION_GATHER_SECONDS) — unless one is on its way already. Under a stream of writes
    one task then evaluates many profiles together, set-based, instead of a task per write."""
    from sigmd_portal.celery import app

    if not routine_kick_take():
        return
    delay = settings.SIGMD_EVALUATION_GATHER_SECONDS if countdown is None else countdown
    try:
        app.tasks[EVALUATE_WAITING_TASK].apply_async(countdown=delay)
    except Exception:
        routine_kick_release()  # so the next write tries again
        log.warning("routine evaluations not dispatched; the outbox sweep will retry", exc_info=True)


def evaluation_request(*, profile_id: Any, urgent: bool = False) -> EvaluationRequest:
    """Ask for the profile to be evaluated, inside the caller's transaction; dispatch on commit.

    Coalesced: a pending request whose evaluation has not started serves this write too (we lock
    it until we commit, so its evaluation cannot begin before this write is visible): one row per
    profile however many writes wait. A request being evaluated now (locked by the worker) or
    waiting after a failure gets a new row."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        request = _outbox_row_one_statement(profile_id, connection)
    else:
        request = _waiting_request(profile_id).first() or EvaluationRequest.objects.create(
            profile_id=profile_id
        )
    # Dispatched again even when coalesced: a lost earlier dispatch must not delay this write
    # until the sweep, and a second task for a row already done finds nothing to do.
    transaction.on_commit(lambda: evaluation_dispatch(str(request.pk), urgent=urgent), robust=True)
    return request


# An outbox row a new write may join: not started, never failed, not parked.
OUTBOX_REUSABLE = {"processed_at__isnull": True, "parked_at__isnull": True, "attempts": 0}


def _waiting_request(profile_id: Any) -> QuerySet[EvaluationRequest]:
    """The profile's outbox row a new write may join, locked (skipped while a worker holds it)."""
    return (
        EvaluationRequest.objects.select_for_update(skip_locked=True)
        .filter(profile_id=profile_id, **OUTBOX_REUSABLE)
        .order_by("created_at")[:1]
    )


_ANY_PROFILE = uuid.UUID(int=0)  # stands for the profile while the statement is built


def _outbox_ctes() -> tuple[Any, tuple[Any, ...]]:
    """evaluation_request's lock-or-insert as two common table expressions, built from the ORM's
    own query: `waiting` (the waiting row, locked) and `added` (a new row, only without one);
    `SELECT * FROM waiting UNION ALL SELECT * FROM added` is the row either way. Its parameters:
    the waiting query's (the profile as _ANY_PROFILE), then a value for each of the new row's
    columns (_outbox_params)."""
    from psycopg import sql

    connection = transaction.get_connection()
    # The ORM compiles FOR UPDATE only inside a transaction: compiled without it, the lock clause
    # ends the query as the ORM would put it on PostgreSQL (after ORDER BY and LIMIT).
    query = _waiting_request(_ANY_PROFILE).query.chain()
    query.select_for_update = False
    waiting, params = query.sql_with_params()
    waiting += " " + connection.ops.for_update_sql(skip_locked=True)
    meta = EvaluationRequest._meta
    columns = sql.SQL(", ").join(sql.Identifier(f.column) for f in meta.concrete_fields)
    ctes = sql.SQL(
        "waiting AS ({waiting}), added AS ("
        " INSERT INTO {table} ({columns}) SELECT {values} WHERE NOT EXISTS (SELECT FROM waiting)"
        " RETURNING {columns})"
    ).format(
        waiting=sql.SQL(waiting),  # the ORM's own SQL, its values as %s parameters
        table=sql.Identifier(meta.db_table),
        columns=columns,
        values=sql.SQL(", ").join(sql.Placeholder() * len(meta.concrete_fields)),
    )
    return ctes, params


def _outbox_params(waiting_params: tuple[Any, ...], profile_id: Any, connection: Any) -> list[Any]:
    new = EvaluationRequest(profile_id=profile_id)
    params = [profile_id if p == _ANY_PROFILE else p for p in waiting_params]
    return params + [
        f.get_db_prep_save(f.pre_save(new, True), connection) for f in EvaluationRequest._meta.concrete_fields
    ]


@functools.cache
def _outbox_statement() -> tuple[str, tuple[Any, ...]]:
    """evaluation_request's lock-or-insert as one PostgreSQL statement (one round trip instead of
    two on every write, and no query compiled per write): that row either way."""
    from psycopg import sql

    ctes, params = _outbox_ctes()
    statement = sql.SQL("WITH {ctes} SELECT * FROM waiting UNION ALL SELECT * FROM added").format(ctes=ctes)
    return statement.as_string(transaction.get_connection().connection), params


def _outbox_row_one_statement(profile_id: Any, connection: Any) -> EvaluationRequest:
    sql, waiting_params = _outbox_statement()
    with connection.cursor() as cursor:
        cursor.execute(sql, _outbox_params(waiting_params, profile_id, connection))
        row = cursor.fetchone()
    fields = EvaluationRequest._meta.concrete_fields
    return EvaluationRequest.from_db(connection.alias, [f.attname for f in fields], row)


@functools.cache
def _entry_statement(model: type[Entry]) -> tuple[str, tuple[Any, ...]]:
    """A new entry, its history record (simple-history's "+" record, as its post_save writes it)
    and its outbox row, as one PostgreSQL statement: in autocommit it is its own transaction, so a
    create is one round trip instead of five (BEGIN, the three inserts, COMMIT), all of it or none
    of it written. Returns the outbox row's id. Its parameters: a value for each of the entry's
    columns, the history record's date, user and reason, then _outbox_params."""
    from psycopg import sql

    history = get_history_model_for_model(model)
    # What this statement writes is all simple-history writes for these models: fail loudly if
    # they ever track more (a relation to the record, many-to-many fields, ids made in Python).
    assert not history._history_m2m_fields and not hasattr(history, "history_relation"), history
    assert isinstance(history._meta.pk, models.AutoField), history
    ctes, params = _outbox_ctes()
    kept = [f.column for f in history.tracked_fields]
    statement = sql.SQL(
        "WITH entry AS (INSERT INTO {table} ({columns}) VALUES ({values}) RETURNING {kept}), history AS ("
        " INSERT INTO {history} ({kept}, history_date, history_user_id, history_change_reason, history_type)"
        " SELECT {kept}, %s, %s, %s, '+' FROM entry), {ctes}"
        " SELECT id FROM waiting UNION ALL SELECT id FROM added"
    ).format(
        table=sql.Identifier(model._meta.db_table),
        columns=sql.SQL(", ").join(sql.Identifier(f.column) for f in model._meta.concrete_fields),
        values=sql.SQL(", ").join(sql.Placeholder() * len(model._meta.concrete_fields)),
        kept=sql.SQL(", ").join(map(sql.Identifier, kept)),
        history=sql.Identifier(history._meta.db_table),
        ctes=ctes,
    )
    return statement.as_string(transaction.get_connection().connection), params


def may_raise_urgent_alert(row: Any, *, date_of_birth: date) -> bool:
    """Whether this entry alone could meet an urgent rule (a red-flag symptom or temperature, a
    severe infection, a red-flag infusion reaction): the facts care.rules' urgent rules read, from
    diary.clinical. Its evaluation then takes the urgent queue."""
    if isinstance(row, SymptomEntry):
        day = timezone.localdate(row.recorded_at)
        return bool(clinical.RED_FLAG_SYMPTOMS.intersection(row.symptoms)) or bool(
            clinical.temperature_flag(row.temperature_c, date_of_birth=date_of_birth, on=day)
        )
    if isinstance(row, InfectionEpisode):
        return clinical.episode_is_severe(row) or bool(
            clinical.temperature_flag(row.max_temperature_c, date_of_birth=date_of_birth, on=row.onset)
        )
    if isinstance(row, Infusion):
        return bool(clinical.RED_FLAG_REACTIONS.intersection(row.reactions))
    return False


def evaluation_batches_dispatch(request_ids: list[str]) -> None:
    """Hand many outbox rows to the worker, one task per batch; a lost one is left to the sweep."""
    from sigmd_portal.celery import app

    for start in range(0, len(request_ids), EVALUATION_BATCH):
        batch = request_ids[start : start + EVALUATION_BATCH]
        try:
            app.tasks[EVALUATE_REQUESTS_TASK].apply_async(args=[batch])
        except Exception:
            log.warning(
                "%s evaluations not dispatched; the outbox sweep will retry", len(batch), exc_info=True
            )


def evaluation_requests(*, profile_ids: Any) -> list[str]:
    """Ask for many profiles at once (a team's new thresholds): requests still waiting are reused
    (locked, as in evaluation_request), the rest inserted in one statement, and one task per batch
    dispatched on commit — a constant number of queries however many profiles."""
    ids = list(profile_ids)
    waiting = list(
        EvaluationRequest.objects.select_for_update(skip_locked=True)
        .filter(profile_id__in=ids, **OUTBOX_REUSABLE)
        .values_list("pk", "profile_id")
    )
    covered = {profile_id for _, profile_id in waiting}
    created = EvaluationRequest.objects.bulk_create(
        EvaluationRequest(profile_id=p) for p in ids if p not in covered
    )
    request_ids = [str(pk) for pk, _ in waiting] + [str(r.pk) for r in created]
    transaction.on_commit(lambda: evaluation_batches_dispatch(request_ids), robust=True)
    return request_ids


# --- creates that survive replays from offline devices -----------------------------------

# Set by the server, not sent by the client: a replay by the other parent is the same entry.
CONTENT_EXCLUDE = {"id", "profile", "version", "created_at", "updated_at", "created_by", "severe_since"}


def same_content(stored: models.Model, data: dict[str, Any]) -> bool:
    candidate = type(stored)(**{k: v for k, v in data.items() if k != "id"})
    for f in stored._meta.concrete_fields:
        if f.name in CONTENT_EXCLUDE:
            continue
        if getattr(candidate, f.attname) != getattr(stored, f.attname):
            return False
    return True


def idempotent_create(
    *,
    model: type[V],
    data: dict[str, Any],
    extra: dict[str, Any],
    after_insert: Callable[[V], object],
    is_own: Callable[[V], bool],
) -> tuple[V, bool]:
    """Insert a row under a client-chosen id, or recognise a replay of the same create.

    The primary key decides (a constraint, not check-then-insert), so two replays racing each
    other still make one row. Returns (row, created). An id naming different content, or a row
    the caller does not own, is a ReplayConflict that reveals nothing more.
    """
    try:
        with transaction.atomic():
            row = model._default_manager.create(**data, **extra)
            after_insert(row)
            return row, True
    except IntegrityError as error:
        return replayed(model=model, data=data, is_own=is_own, error=error), False


def replayed(
    *, model: type[V], data: dict[str, Any], is_own: Callable[[V], bool], error: IntegrityError
) -> V:
    """The stored row a create that failed (`error`) meant, if the create was a replay of it."""
    stored = model._default_manager.filter(pk=data["id"]).first() if "id" in data else None
    if stored is None:
        raise error
    if not is_own(stored) or not same_content(stored, data):
        raise ReplayConflict()
    return stored


def severity_marked(row: Any, *, created: bool) -> None:
    """An infection episode records when it became severe (see InfectionEpisode.severe_since)."""
    if isinstance(row, InfectionEpisode):
        row.mark_severity(today=timezone.localdate(), created=created)


def entry_create(
    *, model: type[V], profile: Profile, data: dict[str, Any], created_by: User | None = None
) -> tuple[V, bool]:
    extra: dict[str, Any] = {"profile": profile, "created_by": created_by}
    if model is InfectionEpisode:
        episode = InfectionEpisode(**data)
        severity_marked(episode, created=True)
        extra["severe_since"] = episode.severe_since

    def is_own(row: V) -> bool:
        return row.profile_id == profile.pk  # type: ignore[attr-defined]  # V is an entry model: it has a profile

    def urgent(row: V) -> bool:
        return may_raise_urgent_alert(row, date_of_birth=profile.date_of_birth)

    if transaction.get_connection().vendor == "postgresql" and getattr(
        settings, "SIMPLE_HISTORY_ENABLED", True
    ):
        row = model(**data, **extra)
        try:
            request_id = _entry_one_statement(row)
        except IntegrityError as error:
            return replayed(model=model, data=data, is_own=is_own, error=error), False
        queue_urgent = urgent(row)
        transaction.on_commit(lambda: evaluation_dispatch(str(request_id), urgent=queue_urgent), robust=True)
        return row, True
    return idempotent_create(
        model=model,
        data=data,
        extra=extra,
        after_insert=lambda row: evaluation_request(profile_id=profile.pk, urgent=urgent(row)),
        is_own=is_own,
    )


def _entry_one_statement(row: Any) -> Any:
    """Write a new entry with its history and outbox rows in one statement (_entry_statement): its
    own transaction in autocommit, a savepoint inside the caller's. Returns the outbox row's id."""
    connection = transaction.get_connection()
    model: type[Entry] = type(row)
    sql, waiting_params = _entry_statement(model)
    params = [f.get_db_prep_save(f.pre_save(row, True), connection) for f in model._meta.concrete_fields]
    user = get_history_model_for_model(model).get_default_history_user(
        row
    )  # simple-history's own choice: the request's user
    params += [getattr(row, "_history_date", timezone.now()), user.pk if user else None]
    params += [get_change_reason_from_object(row)]
    params += _outbox_params(waiting_params, row.profile_id, connection)
    savepoint = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
    with savepoint, connection.cursor() as cursor:
        cursor.execute(sql, params)
        (request_id,) = cursor.fetchone()
    row._state.adding, row._state.db = False, connection.alias
    return request_id


def one_profile_of_your_own(*, user: User, data: dict[str, Any], profile_id: Any) -> None:
    own = user.managed_profiles.filter(relationship=Relationship.SELF).exclude(pk=profile_id)
    if data.get("relationship") == Relationship.SELF and own.exists():
        raise RuleViolation("You already have a profile of your own.", field="relationship")


def profile_create(*, user: User, data: dict[str, Any]) -> tuple[Profile, bool]:
    one_profile_of_your_own(user=user, data=data, profile_id=data.get("id"))

    def make_manager(profile: Profile) -> None:
        ProfileManager.objects.create(profile=profile, user=user)

    return idempotent_create(
        model=Profile,
        data=data,
        extra={},
        after_insert=make_manager,
        is_own=lambda profile: profile.manager_links.filter(user=user).exists(),
    )


# --- edits from several devices ------------------------------------------------------------


def etag_matches(row: Any, if_match: str | None) -> bool:
    if if_match is None:
        return True
    tags = [tag.strip().removeprefix("W/") for tag in if_match.split(",")]
    return "*" in tags or row.etag in tags


def versioned_update(*, row: V, data: dict[str, Any], if_match: str | None, evaluate: bool) -> V:
    """Apply a PATCH to a row the caller holds locked (`access_entry(..., lock=True)`);
    a stale If-Match changes nothing (412)."""
    if not etag_matches(row, if_match):
        raise StaleVersion()
    for name, value in data.items():
        setattr(row, name, value)
    severity_marked(row, created=False)
    row.version += 1  # type: ignore[attr-defined]
    row.save()
    if evaluate:
        # An entry asks for its profile; a profile (a new date of birth moves the age band) for itself.
        urgent = isinstance(row, Entry) and may_raise_urgent_alert(
            row, date_of_birth=row.profile.date_of_birth
        )
        evaluation_request(profile_id=getattr(row, "profile_id", row.pk), urgent=urgent)
    return row


def entry_delete(*, entry: Entry, if_match: str | None) -> None:
    """Delete an entry the caller holds locked; its profile is evaluated again."""
    if not etag_matches(entry, if_match):
        raise StaleVersion()
    profile_id = entry.profile_id
    entry.delete()
    evaluation_request(profile_id=profile_id)


# --- managers -----------------------------------------------------------------------------


def manager_invitation_create(*, profile: Profile, created_by: User) -> ManagerInvitation:
    return ManagerInvitation.objects.create(
        profile=profile,
        code=new_code(),
        created_by=created_by,
        expires_at=timezone.now() + MANAGER_INVITATION_LIFETIME,
    )


@transaction.atomic
def manager_join(*, code: str, user: User) -> tuple[Profile, bool]:
    """The other parent joins a profile with the code they were given; returns (profile, joined now)."""
    invitation = (
        ManagerInvitation.objects.select_for_update()
        .select_related("profile")
        .filter(code=invitation_code_normalize(code), used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if invitation is None or user.is_clinician:
        raise InvalidInvitation()
    _, created = ProfileManager.objects.get_or_create(profile=invitation.profile, user=user)
    invitation.used_at, invitation.used_by = timezone.now(), user
    invitation.save(update_fields=["used_at", "used_by"])
    return invitation.profile, created


# --- consent: care links and invitations ---------------------------------------------------

# No 0/O, 1/I/L: codes are read aloud over the phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8  # 31^8 ≈ 8.5e11, with failed attempts rate-limited
INVITATION_LIFETIME = timedelta(days=7)
MANAGER_INVITATION_LIFETIME = timedelta(days=2)


def invitation_code_normalize(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def invitation_create(*, team: CareTeam, created_by: User, expires_at: datetime | None) -> CareTeamInvitation:
    return CareTeamInvitation.objects.create(
        team=team,
        code=new_code(),
        created_by=created_by,
        expires_at=expires_at or timezone.now() + INVITATION_LIFETIME,
    )


class InvalidInvitation(RuleViolation):
    default_detail = "This code is not valid or has expired."

    def __init__(self) -> None:
        super().__init__(field="code")


@transaction.atomic
def care_link_join(*, profile: Profile, code: str, user: User) -> tuple[CareLink, bool]:
    """Consent: share the profile with the team whose single-use code this is."""
    invitation = (
        CareTeamInvitation.objects.select_for_update()
        .filter(
            code=invitation_code_normalize(code),
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )
    if invitation is None:
        raise InvalidInvitation()
    active = CareLink.objects.filter(profile=profile, team=invitation.team, revoked_at__isnull=True)
    existing = active.first()
    if existing is None:
        try:
            with transaction.atomic():
                link = CareLink.objects.create(profile=profile, team=invitation.team, created_by=user)
        except IntegrityError:  # a second code for the same team, joined at the same moment
            existing = link = active.get()
    else:
        link = existing
    invitation.used_at = timezone.now()
    invitation.used_for = link
    invitation.save(update_fields=["used_at", "used_for"])
    # The team's thresholds apply from now on: evaluate what is already in the diary.
    evaluation_request(profile_id=profile.pk)
    return link, existing is None


def care_link_revoke(*, link: CareLink, user: User) -> None:
    CareLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=user
    )


# --- the access log ------------------------------------------------------------------------


def access_record(
    *, actor: User | None, profile: Profile, action: str, obj: Any = None, ip: str | None = None
) -> None:
    """Log a read or write by someone other than the managers. `obj` is a row, a model class
    (for a list), or None (the profile itself). `actor` None: someone without an account."""
    if obj is None:
        object_type, object_id = "Profile", str(profile.pk)
    elif isinstance(obj, type):
        object_type, object_id = obj.__name__, ""
    else:
        object_type, object_id = type(obj).__name__, str(obj.pk)
    AccessLogEntry.objects.create(
        profile=profile,
        actor=actor,
        actor_name=(actor.display_name if actor else "") or "",
        team_name=", ".join(teams_seeing(actor, profile)) if actor else "",
        actor_email=actor.email if actor else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        ip_address=ip,
    )


def teams_seeing(user: User, profile: Profile) -> list[str]:
    """The names of the user's care teams through which the profile is shared with them now."""
    return list(
        CareTeam.objects.filter(
            memberships__user=user,
            care_links__profile=profile,
            care_links__revoked_at__isnull=True,
        )
        .order_by("name")
        .values_list("name", flat=True)
        .distinct()
    )
