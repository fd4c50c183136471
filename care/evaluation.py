"""The outbox consumer: claim an evaluation request, evaluate its profile against each linked
team's thresholds, raise or grow alerts, fan out the new ones; and the nightly re-evaluation of
profiles that time alone can make cross a threshold.

A failing evaluation cannot spin: its attempt and error are recorded outside the rolled-back
work, the next try waits (backoff), and after SIGMD_EVALUATION_MAX_ATTEMPTS the request is parked
for an operator (/readyz counts them). Functions return ids; care.tasks dispatches.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from diary.models import CareLink, EvaluationRequest, Profile
from diary.services import EVALUATION_BATCH, evaluation_requests

from . import rules
from .alerts import AlertBook, AlertKey
from .models import Alert, DeliveryKind, Priority, TeamEvaluation, TeamEvaluationPart
from .notifications import alerts_notify
from .selectors import facts_of, longest_window, profiles_time_could_cross, teams_linked, teams_settings

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    alert_ids: list[str] = field(default_factory=list)
    delivery_ids: list[int] = field(default_factory=list)
    busy_ids: list[str] = field(default_factory=list)  # another worker holds them: try again shortly
    failed_ids: list[str] = field(default_factory=list)

    @property
    def busy(self) -> bool:
        return bool(self.busy_ids)

    @property
    def failed(self) -> bool:
        return bool(self.failed_ids)

    def add(self, other: Outcome) -> None:
        for name in ("alert_ids", "delivery_ids", "busy_ids", "failed_ids"):
            getattr(self, name).extend(getattr(other, name))


def profiles_evaluate(
    *,
    births: dict[Any, date],
    on: date,
    now: datetime,
    of_team: Any = None,
    codes: Iterable[str] = rules.RULES,
) -> list[Alert]:
    """Evaluate many profiles (id -> date of birth) against each linked team's thresholds
    (defaults without a link) and upsert their alerts; returns the new ones. Set-based: the links,
    the teams' settings, the facts and the alerts the findings are about are each read in one query,
    the rules run in memory and the alerts are written in two statements — a constant number of
    queries however many profiles. A team's change of thresholds evaluates only that team (`of_team`:
    the profiles are its linked ones) and the rules it changed (`codes`), reading only the facts
    those rules read. The caller holds the profiles' evaluation locks."""
    ids, codes = list(births), list(codes)
    linked = teams_linked(ids) if of_team is None else {pk: [of_team] for pk in ids}
    thresholds = teams_settings({team_id for teams in linked.values() for team_id in teams})
    lookback = longest_window(thresholds.values(), codes)
    facts = facts_of(births, on=on, lookback_days=lookback, kinds=rules.reads(codes))
    found = [
        (pk, team_id, finding)
        for pk in ids
        for team_id in linked[pk] or [None]
        for finding in rules.evaluate(facts[pk], on, thresholds[team_id], codes=codes)
    ]
    book = AlertBook({(team_id, pk, finding.rule) for pk, team_id, finding in found}, now=now)
    urgent: dict[AlertKey, list[rules.Finding]] = defaultdict(list)
    for pk, team_id, finding in found:
        band = rules.age_band(births[pk], on)
        if finding.priority == Priority.URGENT:
            urgent[(team_id, pk, finding.rule)].append(finding)
        else:
            book.frequency(team_id=team_id, profile_id=pk, finding=finding, band=band)
    for (team_id, pk, _), findings in urgent.items():
        book.urgent(team_id=team_id, profile_id=pk, findings=findings, band=rules.age_band(births[pk], on))
    return book.save()


def profile_evaluate(*, profile: Profile, on: date, now: datetime) -> list[Alert]:
    """One profile (a batch of one); the caller holds its evaluation lock."""
    return profiles_evaluate(births={profile.pk: profile.date_of_birth}, on=on, now=now)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 1, 2, 4 … minutes, capped at 6 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def evaluation_run(*, request_id: Any) -> Outcome:
    """One outbox row (an urgent entry's, or one sent again): waits for another evaluation of its
    profile to finish rather than coming back busy, so the alert is never later than that one."""
    return requests_run(request_ids=[request_id], wait=True)


def requests_run(*, request_ids: list[Any], wait: bool = False) -> Outcome:
    """Claim outbox rows (locking those rows only, so a diary write in flight never blocks the
    claim), lock their profiles for evaluation (NO KEY UPDATE: diary writes do not wait), evaluate
    them together and mark them done. Rows another worker holds — or, without `wait`, whose profile
    another evaluation holds — come back busy, to be retried shortly."""
    now = timezone.now()
    outcome = Outcome()
    with transaction.atomic():
        requests = list(claim(EvaluationRequest.objects.filter(pk__any=request_ids)))
        claimed = {str(r.pk) for r in requests}
        unclaimed = [pk for pk in request_ids if str(pk) not in claimed]
        if unclaimed:
            outcome.busy_ids += map(str, pending(unclaimed))
        births = profiles_lock({r.profile_id for r in requests}, wait=wait)
        outcome.busy_ids += [str(r.pk) for r in requests if r.profile_id not in births]
        claimed_run(outcome, [r for r in requests if r.profile_id in births], births, now=now)
    return outcome


def waiting_run(*, limit: int = EVALUATION_BATCH) -> Outcome:
    """Every routine outbox row waiting now (never failed), oldest first, a batch at a time until
    none is left. Rows whose profile another evaluation holds are left and come back busy."""
    total, seen = Outcome(), set[Any]()
    while True:
        now, outcome = timezone.now(), Outcome()
        with transaction.atomic():
            waiting = EvaluationRequest.objects.filter(attempts=0)
            if seen:  # claimed before in this run, their profiles busy: not again
                waiting = waiting.exclude(pk__any=list(seen))
            rows = list(claim(waiting, limit=limit))
            seen |= {r.pk for r in rows}
            births = profiles_lock({r.profile_id for r in rows}, wait=False)
            outcome.busy_ids += [str(r.pk) for r in rows if r.profile_id not in births]
            claimed_run(outcome, [r for r in rows if r.profile_id in births], births, now=now)
        total.add(outcome)
        if len(rows) < limit:
            return total


def claimed_run(
    outcome: Outcome, ready: list[EvaluationRequest], births: dict[Any, date], *, now: datetime
) -> None:
    """Evaluate claimed rows whose profiles are locked, together. If that fails, each row is
    tried alone, so one failing diary records its own attempt and never blocks the others."""
    if not ready:
        return
    on = timezone.localdate(now)
    births = {r.profile_id: births[r.profile_id] for r in ready}
    try:
        outcome.add(evaluated(births, ready, on=on, now=now))
    except Exception as exc:  # one diary may be at fault: each row alone, recording its own
        if len(ready) == 1:
            failed(outcome, ready[0], exc, now=now)
            return
        log.warning("batch of %s evaluations failed; trying each alone", len(ready), exc_info=True)
        for request in ready:
            try:
                outcome.add(
                    evaluated({request.profile_id: births[request.profile_id]}, [request], on=on, now=now)
                )
            except Exception as one:
                failed(outcome, request, one, now=now)


def claim(rows: QuerySet[EvaluationRequest], *, limit: int | None = None) -> QuerySet[EvaluationRequest]:
    """Lock the waiting ones among these outbox rows (the oldest `limit`), skipping those another
    transaction holds."""
    waiting = rows.select_for_update(of=("self",), skip_locked=True).filter(
        processed_at__isnull=True, parked_at__isnull=True
    )
    return waiting.order_by("created_at")[:limit] if limit else waiting


def profiles_lock(profile_ids: set[Any], *, wait: bool) -> dict[Any, date]:
    """Lock profiles for evaluation (id -> date of birth); without `wait`, those another
    evaluation holds are left out."""
    if not profile_ids:
        return {}
    return dict(
        Profile.objects.select_for_update(no_key=True, skip_locked=not wait)
        .filter(pk__any=list(profile_ids))
        .values_list("pk", "date_of_birth")
    )


def evaluated(
    births: dict[Any, date], requests: list[EvaluationRequest], *, on: date, now: datetime
) -> Outcome:
    """The work of one claim, in a savepoint: rolled back whole if anything in it fails."""
    with transaction.atomic():
        alerts = profiles_evaluate(births=births, on=on, now=now)
        deliveries = alerts_notify(alerts=alerts, kind=DeliveryKind.ALERT, fresh=True)
        EvaluationRequest.objects.filter(pk__any=[r.pk for r in requests]).update(
            processed_at=now, attempts=F("attempts") + 1
        )
    return Outcome(alert_ids=[str(a.pk) for a in alerts], delivery_ids=deliveries)


def pending(request_ids: list[Any]) -> list[Any]:
    return list(
        EvaluationRequest.objects.filter(
            pk__in=request_ids, processed_at__isnull=True, parked_at__isnull=True
        ).values_list("pk", flat=True)
    )


def failed(outcome: Outcome, request: EvaluationRequest, exc: Exception, *, now: datetime) -> Outcome:
    log.error("evaluation %s failed (attempt %s)", request.pk, request.attempts + 1, exc_info=exc)
    request.attempts += 1
    request_failed(request, exc, now=now)
    outcome.failed_ids.append(str(request.pk))
    return outcome


def request_failed(request: EvaluationRequest, exc: Exception, *, now: datetime) -> None:
    request.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if request.attempts >= settings.SIGMD_EVALUATION_MAX_ATTEMPTS:
        request.parked_at, request.next_attempt_at = now, None
    else:
        request.next_attempt_at = now + retry_delay(request.attempts)
    request.save(update_fields=["attempts", "last_error", "next_attempt_at", "parked_at"])


def profiles_reevaluate(*, on: date, batch_size: int = EVALUATION_BATCH) -> Outcome:
    """The nightly job: an outbox row for every profile time alone could make cross (chosen in one
    query), evaluated batch by batch, set-based. Safe to run twice: dedup makes it change nothing.
    Rows whose profile another evaluation holds come back busy (the task retries them)."""
    total = Outcome()
    profile_ids = list(profiles_time_could_cross(on).values_list("pk", flat=True))
    for start in range(0, len(profile_ids), batch_size):
        batch = [EvaluationRequest(profile_id=pk) for pk in profile_ids[start : start + batch_size]]
        created = EvaluationRequest.objects.bulk_create(batch)
        total.add(requests_run(request_ids=[r.pk for r in created]))
    return total


def team_evaluation_run(*, team_evaluation_id: Any) -> list[int]:
    """A team's new thresholds: split the team's linked profiles into parts of a batch each (one
    query for the links, one insert), marked done in the same transaction. Returns the parts' ids,
    committed, for their tasks; a run that was lost is sent again by the sweep, and a second run
    of the same row finds it done."""
    with transaction.atomic():
        row = (
            TeamEvaluation.objects.select_for_update(skip_locked=True)
            .filter(pk=team_evaluation_id, processed_at__isnull=True)
            .first()
        )
        if row is None:
            return []
        if row.rules == []:  # nothing that could raise an alert changed
            row.processed_at = timezone.now()
            row.save(update_fields=["processed_at"])
            return []
        linked = list(
            CareLink.objects.filter(team_id=row.team_id, revoked_at__isnull=True)
            .order_by("profile_id")
            .values_list("profile_id", flat=True)
        )
        # Each part ends with a batch's last profile; the last part is open-ended (links made since).
        ends = linked[EVALUATION_BATCH - 1 : -1 : EVALUATION_BATCH]
        parts = TeamEvaluationPart.objects.bulk_create(
            TeamEvaluationPart(team_evaluation=row, after=after, upto=upto)
            for after, upto in zip([None, *ends], [*ends, None], strict=True)
        )
        row.processed_at = timezone.now()
        row.save(update_fields=["processed_at"])
    return [part.pk for part in parts]


def team_part_run(*, part_id: Any) -> Outcome:
    """One part of a team's re-evaluation: its profiles locked for evaluation and evaluated together,
    the part marked done. Profiles another evaluation holds get their own outbox rows (retried as
    any write's are); if the part's evaluation fails, every one of its profiles does, so a failing
    diary records its own failure alone. A part another worker holds, or done, is left."""
    now = timezone.now()
    with transaction.atomic():
        part = (  # locking the part's row only: the team's row is every part's
            TeamEvaluationPart.objects.select_for_update(of=("self",), skip_locked=True)
            .filter(pk=part_id, processed_at__isnull=True)
            .values("pk", "team_evaluation__team_id", "team_evaluation__rules", "after", "upto")
            .first()
        )
        if part is None:
            return Outcome()
        team_id, codes = part["team_evaluation__team_id"], part["team_evaluation__rules"]
        links = CareLink.objects.filter(team_id=team_id, revoked_at__isnull=True)
        if part["after"] is not None:
            links = links.filter(profile_id__gt=part["after"])
        if part["upto"] is not None:
            links = links.filter(profile_id__lte=part["upto"])
        profile_ids = set(links.values_list("profile_id", flat=True))
        births = profiles_lock(profile_ids, wait=False)
        outcome = Outcome()
        try:
            with transaction.atomic():
                alerts = profiles_evaluate(
                    births=births,
                    on=timezone.localdate(now),
                    now=now,
                    of_team=team_id,
                    codes=rules.RULES if codes is None else codes,
                )
                outcome.alert_ids = [str(a.pk) for a in alerts]
                outcome.delivery_ids = alerts_notify(alerts=alerts, kind=DeliveryKind.ALERT, fresh=True)
        except Exception:
            log.warning(
                "team evaluation part %s failed; its profiles are evaluated one by one",
                part_id,
                exc_info=True,
            )
            births = {}
        left = profile_ids - set(births)
        if left:  # their outbox rows are dispatched by evaluation_requests once this commits
            evaluation_requests(profile_ids=sorted(left))
        TeamEvaluationPart.objects.filter(pk=part["pk"]).update(processed_at=now)
    return outcome


def evaluation_requests_prune(*, older_than: timedelta, now: datetime | None = None) -> int:
    """Forget processed outbox rows (a profile's, a team's with its parts once all are done) after
    the retention period (parked ones stay for an operator)."""
    cutoff = (now or timezone.now()) - older_than
    unfinished = TeamEvaluationPart.objects.filter(processed_at__isnull=True).values("team_evaluation_id")
    teams = TeamEvaluation.objects.filter(processed_at__lt=cutoff).exclude(pk__in=unfinished).delete()[0]
    return EvaluationRequest.objects.filter(processed_at__lt=cutoff).delete()[0] + teams
