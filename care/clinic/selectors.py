"""The clinic's reads: triage order, what a row shows, the family's contact, an alert's history,
the patient list and the numbers behind the patient's charts. Every profile and alert comes
through the access function (`profiles_visible_to`, `alerts_visible_to`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils import timezone

from accounts.models import CareTeam, User
from diary.access import profiles_visible_to
from diary.clinical import INFUSION_ROUTES, RED_FLAG_SYMPTOMS, label_of, reactions_labelled
from diary.growth import growth_centiles
from diary.models import (
    CareLink,
    Entry,
    InfectionEpisode,
    InfectionKind,
    Infusion,
    LabResult,
    Measurement,
    Profile,
    SymptomCode,
    SymptomEntry,
    Treatment,
    Vaccination,
)
from diary.selectors import SUMMARY_ANALYTES, covered_days

from .. import rules
from ..models import Alert, AlertStatus, Delivery, DeliveryStatus, Notification, Priority, RuleCode
from ..selectors import alerts_visible_to, longest_window, profile_facts
from ..selectors import thresholds_met as care_thresholds_met

# Entry types by the names alert evidence uses (episode, symptom, treatment, infusion), plus
# those the timeline shows.
ENTRY_TYPES: dict[str, type[Entry]] = {
    "episode": InfectionEpisode,
    "symptom": SymptomEntry,
    "treatment": Treatment,
    "vaccination": Vaccination,
    "lab": LabResult,
    "infusion": Infusion,
    "measurement": Measurement,
}
# What an entry of the timeline shows of another row (a titre: the vaccination it measures).
TIMELINE_JOINS = {"lab": ("vaccination",)}
NEEDS_ACTION, RESOLVED = "needs_action", "resolved"
INBOX_VIEWS = {NEEDS_ACTION: "Needs action", RESOLVED: "Resolved"}


def entry_day(entry: Entry) -> date:
    value = getattr(entry, entry.date_field)
    return timezone.localdate(value) if isinstance(value, datetime) else value


@dataclass(frozen=True)
class EntryView:
    """A diary entry as the clinic shows it (entry None: deleted since an alert named it)."""

    type: str
    entry: Entry | None

    @property
    def day(self) -> date | None:
        return None if self.entry is None else entry_day(self.entry)

    @property
    def symptoms(self) -> list[tuple[str, bool]]:
        """(label, is a red flag) for a symptom entry."""
        codes = getattr(self.entry, "symptoms", None) or []
        return [
            (
                SymptomCode(code).label.capitalize() if code in SymptomCode.values else code,
                code in RED_FLAG_SYMPTOMS,
            )
            for code in codes
        ]


# --- alerts -------------------------------------------------------------------------------------


def clinic_alerts(user: User) -> QuerySet[Alert]:
    """The alerts the user may see, with the rule's label (from RuleCode, the one place)."""
    return (
        alerts_visible_to(user)
        .select_related("profile", "team", "acknowledged_by", "resolved_by")
        .annotate(
            rule_label=Case(
                *(When(rule=code, then=Value(label)) for code, label in RuleCode.choices),
                output_field=CharField(),
            )
        )
    )


def inbox_alerts(
    user: User, *, view: str, team: Any = None, rule: str = "", profile: Any = None
) -> QuerySet[Alert]:
    """Triage order: open urgent, open routine, then acknowledged (newest first in each);
    resolved alerts in their own view, newest resolution first."""
    alerts = clinic_alerts(user).annotate(
        unread=Exists(
            Notification.objects.filter(recipient=user, read_at__isnull=True, alert=OuterRef("pk"))
        ),
        triage=Case(
            When(status=AlertStatus.OPEN, priority=Priority.URGENT, then=Value(0)),
            When(status=AlertStatus.OPEN, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
    )
    if team:
        alerts = alerts.filter(team_id=team)
    if rule:
        alerts = alerts.filter(rule=rule)
    if profile:
        alerts = alerts.filter(profile_id=profile)
    if view == RESOLVED:
        return alerts.filter(status=AlertStatus.RESOLVED).order_by("-resolved_at", "-created_at")
    return alerts.exclude(status=AlertStatus.RESOLVED).order_by("triage", "-created_at")


def open_urgent_count(user: User) -> int:
    return clinic_alerts(user).filter(status=AlertStatus.OPEN, priority=Priority.URGENT).count()


def inbox_state(user: User) -> dict[str, Any]:
    """What the inbox polls: enough to tell that something changed, nothing about a patient."""
    pending = clinic_alerts(user).exclude(status=AlertStatus.RESOLVED)
    counts = pending.aggregate(
        needs_action=Count("pk"),
        open_urgent=Count("pk", filter=Q(status=AlertStatus.OPEN, priority=Priority.URGENT)),
        newest=Max("updated_at"),
    )
    newest = counts["newest"]
    return {
        "open_urgent": counts["open_urgent"],
        "needs_action": counts["needs_action"],
        # Changes whenever an alert is raised, joins evidence or changes status.
        "version": f"{counts['needs_action']}:{newest.isoformat() if newest else ''}",
    }


def unread_notifications(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(
        recipient=user, read_at__isnull=True, alert__in=alerts_visible_to(user)
    )


def evidence_entries(alerts: list[Alert]) -> dict[tuple[str, str], Entry]:
    """Every entry the alerts name, one query per entry type, each within its alert's profile."""
    found: dict[tuple[str, str], Entry] = {}
    for kind, model in ENTRY_TYPES.items():
        wanted = Q()
        for alert in alerts:
            ids = [item["id"] for item in alert.evidence if item["type"] == kind]
            if ids:
                wanted |= Q(profile_id=alert.profile_id, pk__in=ids)
        if wanted:
            found.update({(kind, str(e.pk)): e for e in model._default_manager.filter(wanted)})
    return found


def alert_evidence(alert: Alert) -> list[EntryView]:
    found = evidence_entries([alert])
    return [EntryView(item["type"], found.get((item["type"], item["id"]))) for item in alert.evidence]


def threshold_words(rule: str, threshold: int, window_days: int) -> str:
    """The threshold in force in plain words: "any one entry within 14 days", "4 episodes within 365 days"."""
    if rules.RULES[rule].fixed_count:
        return f"any one entry within {window_days} days"
    return f"{threshold} {rules.RULES[rule].unit} within {window_days} days"


def with_entry_days(alerts: list[Alert]) -> list[Alert]:
    """Set `entry_day` on each alert: when the triggering entry happened (for an urgent alert,
    the entry that raised it; for a frequency alert, the newest entry that counts)."""
    found = evidence_entries(alerts)
    for alert in alerts:
        days = [
            entry_day(found[(item["type"], item["id"])])
            for item in alert.evidence
            if (item["type"], item["id"]) in found
        ]
        # Display values the inbox template reads off each alert (not model fields: mypy objects).
        alert.entry_day = (days[0] if alert.priority == Priority.URGENT else max(days)) if days else None  # type: ignore[attr-defined]
        alert.threshold_words = threshold_words(alert.rule, alert.threshold, alert.window_days)  # type: ignore[attr-defined]
    return alerts


@dataclass(frozen=True)
class Contact:
    name: str
    email: str


def family_contact(profile: Profile) -> dict[str, Any]:
    """Who to call about an urgent alert: the profile's managers, and the phone the family gave."""
    managers = User.objects.filter(profile_manager_links__profile=profile).order_by("display_name", "email")
    return {
        "people": [Contact(m.display_name or m.email, m.email) for m in managers],
        "phone": profile.contact_phone,
    }


@dataclass(frozen=True)
class HistoryEvent:
    at: datetime
    what: str
    who: str = ""
    note: str = ""


def person(user: User | None) -> str:
    return (user.display_name or user.email) if user else "a former team member"


def alert_history(alert: Alert) -> list[HistoryEvent]:
    """Raised, notified (per channel and person), escalated, acknowledged, resolved: by whom."""
    events = [HistoryEvent(alert.created_at, "Raised by the alert rules")]
    for note in Notification.objects.filter(alert=alert).select_related("recipient").order_by("created_at"):
        what = "Escalated: in-app notice to" if note.kind == "escalation" else "In-app notice to"
        events.append(HistoryEvent(note.created_at, what, person(note.recipient)))
    deliveries = Delivery.objects.filter(alert=alert, status=DeliveryStatus.SENT).select_related("recipient")
    for delivery in deliveries.order_by("sent_at"):
        channel = "E-mail" if delivery.channel == "email" else "Push notification"
        what = f"{channel} {'(escalation) ' if delivery.kind == 'escalation' else ''}sent to"
        events.append(HistoryEvent(delivery.sent_at or delivery.created_at, what, person(delivery.recipient)))
    if alert.escalated_at:
        events.append(
            HistoryEvent(alert.escalated_at, "Escalated to the whole team (not acknowledged in time)")
        )
    if alert.acknowledged_at:
        events.append(
            HistoryEvent(
                alert.acknowledged_at,
                "Acknowledged by",
                person(alert.acknowledged_by),
                alert.acknowledgement_note,
            )
        )
    if alert.resolved_at:
        events.append(
            HistoryEvent(alert.resolved_at, "Resolved by", person(alert.resolved_by), alert.resolution_note)
        )
    return sorted(events, key=lambda event: event.at)


# --- patients -----------------------------------------------------------------------------------

PATIENT_SORTS = {
    "name": ("display_name", "created_at"),
    "alerts": ("-open_alerts", "display_name"),
    "infections": ("-infections_12m", "display_name"),
    "last_entry": ("-last_entry", "display_name"),
}
NO_DATE = date(1, 1, 1)


def newest(model: type[Entry], field: Any) -> Coalesce:
    rows = model._default_manager.filter(profile=OuterRef("pk")).order_by().values("profile")
    return Coalesce(
        Subquery(rows.annotate(last=Max(field)).values("last")[:1]), Value(NO_DATE), output_field=DateField()
    )


def count_of(queryset: QuerySet) -> Coalesce:
    rows = queryset.filter(profile=OuterRef("pk")).order_by().values("profile")
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")[:1]), Value(0))


def clinician_teams(user: User) -> QuerySet[CareTeam]:
    return CareTeam.objects.filter(memberships__user=user).order_by("name")


def patient_rows(
    user: User, *, today: date, q: str = "", sort: str = "name", team: Any = None
) -> QuerySet[Profile]:
    """The profiles linked to the clinician's teams, with what the list shows and sorts by."""
    patients = profiles_visible_to(user).annotate(
        open_alerts=count_of(alerts_visible_to(user).exclude(status=AlertStatus.RESOLVED)),
        infections_12m=count_of(
            InfectionEpisode.objects.filter(onset__gt=today - timedelta(days=365), onset__lte=today)
        ),
        last_entry=Greatest(
            newest(InfectionEpisode, "onset"),
            newest(SymptomEntry, TruncDate("recorded_at")),
            newest(Treatment, "started_on"),
            newest(Vaccination, "given_on"),
            newest(LabResult, "collected_on"),
        ),
    )
    if q:
        patients = patients.filter(display_name__icontains=q.strip())
    if team:
        patients = patients.filter(care_links__team_id=team, care_links__revoked_at__isnull=True)
    ascending = sort.startswith("-")  # "-alerts": fewest first; "-name": Z to A
    key = sort.lstrip("-")
    order: tuple[str, ...] = PATIENT_SORTS.get(key, PATIENT_SORTS["name"])
    if ascending:
        order = tuple(f[1:] if f.startswith("-") else f"-{f}" for f in order[:1]) + order[1:]
    return patients.order_by(*order)


def age_years(date_of_birth: date, today: date) -> int:
    return (
        today.year
        - date_of_birth.year
        - ((today.month, today.day) < (date_of_birth.month, date_of_birth.day))
    )


def profile_teams(user: User, profile: Profile) -> list[CareTeam]:
    """The clinician's teams this profile is linked to now (usually one)."""
    return list(
        clinician_teams(user).filter(
            Exists(CareLink.objects.filter(team=OuterRef("pk"), profile=profile, revoked_at__isnull=True))
        )
    )


def thresholds_met(profile: Profile, team: CareTeam, on: date) -> list[dict[str, Any]]:
    """care.selectors' one answer (the team's thresholds in force on that day), with each rule's
    default beside it for the clinic's table."""
    band = rules.age_band(profile.date_of_birth, on)
    return [
        {**row, "default": rules.RULES[row["rule"]].default(band)}
        for row in care_thresholds_met(profile, on, team=team)
    ]


def profile_timeline(profile: Profile) -> list[EntryView]:
    """All entry types, newest first: one query per type (a titre's vaccination joined; a
    vaccination's titres prefetched by its manager)."""
    rows = []
    for kind, model in ENTRY_TYPES.items():
        entries = model._default_manager.filter(profile=profile)
        if kind in TIMELINE_JOINS:  # (select_related() with no field would join every foreign key)
            entries = entries.select_related(*TIMELINE_JOINS[kind])
        rows += [(kind, entry) for entry in entries]
    rows.sort(key=lambda row: (entry_day(row[1]), row[1].created_at), reverse=True)
    return [EntryView(kind, entry) for kind, entry in rows]


# --- the numbers behind the charts --------------------------------------------------------------

GRAMS_PER_LITRE = {"g/L": Decimal(1), "mg/dL": Decimal("0.01"), "ug/mL": Decimal("0.001")}


def last_months(today: date, n: int = 12) -> list[date]:
    """The first day of each of the last n months, oldest first, this month last."""
    months, year, month = [], today.year, today.month
    for _ in range(n):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def rule_windows(
    profile: Profile, settings: rules.Settings, months: list[date], today: date
) -> list[dict[str, Any]]:
    """For each routine rule that counts episodes: how many it counted in its window at the end
    of each month, and the threshold in force. The count comes from the rule itself, run with
    a threshold of 1 (then its evidence is every episode in the window), so no rule is restated."""
    lookback = longest_window([settings]) + (today - months[0]).days
    facts = profile_facts(profile, on=today, lookback_days=lookback)
    band = rules.age_band(profile.date_of_birth, today)
    rows = []
    for code, rule in rules.RULES.items():
        in_force = settings[code][band]
        if rule.priority != rules.ROUTINE or rule.unit != "episodes" or not in_force.enabled:
            continue
        probe = {
            **settings,
            code: {b: rules.Threshold(1, t.window_days, True) for b, t in settings[code].items()},
        }
        counts = [
            sum(len(f.evidence) for f in rules.evaluate_rule(code, facts, min(month_end(m), today), probe))
            for m in months
        ]
        if any(counts):
            rows.append(
                {
                    "rule": code,
                    "label": RuleCode(code).label,
                    "threshold": in_force.count,
                    "window_days": in_force.window_days,
                    "counts": counts,
                }
            )
    return rows


def in_grams(value: Decimal | None, unit: str) -> float | None:
    """A value on the charts' common axis (g/L); None for a missing value or a unit not convertible."""
    factor = GRAMS_PER_LITRE.get(unit)
    return None if value is None or factor is None else float(value * factor)


def immunoglobulins(trends: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The summary's immunoglobulin trends (diary.selectors.immunoglobulin_trends), as the page
    lists them: IgM, IgG and IgA always, an IgG subclass when it has a result."""
    return [
        {"analyte": analyte, "results": results}
        for analyte, results in trends.items()
        if results or analyte in SUMMARY_ANALYTES
    ]


def lab_charts(trends: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Each analyte's results in g/L, each against the range printed on its own report; a result
    in a unit that cannot be converted stays in the table only."""
    return [
        {
            "analyte": row["analyte"],
            "unit": "g/L",
            "results": [
                {
                    "date": r["collected_on"].isoformat(),
                    "value": in_grams(r["value"], r["unit"]),
                    "low": in_grams(r["reference_low"], r["unit"]),
                    "high": in_grams(r["reference_high"], r["unit"]),
                    "below": r["below_range"],
                }
                for r in row["results"]
                if r["unit"] in GRAMS_PER_LITRE
            ],
        }
        for row in immunoglobulins(trends)
    ]


def growth_history(profile: Profile) -> list[dict[str, Any]]:
    """Every weight and height, oldest first, each with its centile and SDS for a child (from
    diary.growth: the reference, and the ages it covers, are in clinical.GROWTH_REFERENCE_SCOPE).
    What the growth charts draw; the summary gives only the latest. One query."""
    rows = []
    for m in Measurement.objects.filter(profile=profile).order_by("measured_on", "created_at"):
        centiles = growth_centiles(
            date_of_birth=profile.date_of_birth,
            sex=profile.sex,
            measured_on=m.measured_on,
            weight_kg=m.weight_kg,
            height_cm=m.height_cm,
        )
        rows.append(
            {
                "measured_on": m.measured_on,
                "weight_kg": m.weight_kg,
                "height_cm": m.height_cm,
                "weight": centiles["weight"],
                "height": centiles["height"],
                "note": centiles["note"],
            }
        )
    return rows


def growth_chart(history: list[dict[str, Any]]) -> dict[str, Any]:
    def values(field: str) -> list[float | None]:
        return [None if row[field] is None else float(row[field]) for row in history]

    return {
        "dates": [row["measured_on"].isoformat() for row in history],
        "weight_kg": values("weight_kg"),
        "height_cm": values("height_cm"),
    }


def therapy(infusions: dict[str, Any]) -> dict[str, Any]:
    """The summary's infusion section (diary.selectors.infusion_summary) with the words the page
    shows: each infusion's route and reactions labelled, red flags marked."""
    return {
        **infusions,
        "given": [
            {
                **row,
                "route_label": label_of(INFUSION_ROUTES, row["route"]),
                "reactions_labelled": reactions_labelled(row["reactions"]),
            }
            for row in infusions["given"]
        ],
    }


def vaccine_responses(titre_responses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The summary's titre pairs (diary.selectors.titre_responses, already in order of
    vaccination), grouped under the vaccination they measure; unlinked titres last."""
    groups: list[dict[str, Any]] = []
    for pair in titre_responses:
        vaccination = pair["vaccination"]
        key = vaccination["id"] if vaccination else None
        if not groups or groups[-1]["key"] != key:
            groups.append({"key": key, "vaccination": vaccination, "pairs": []})
        groups[-1]["pairs"].append(pair)
    return groups


def chart_data(
    profile: Profile,
    *,
    today: date,
    trends: dict[str, list[dict[str, Any]]],
    growth: list[dict[str, Any]],
    settings: rules.Settings | None = None,
) -> dict[str, Any]:
    """Infections per month by kind, each counting rule's episodes in its window against the
    team's threshold in force, antibiotic days per month; the summary's immunoglobulin trends
    (g/L, each against the range printed on its own report) and the growth history."""
    months = last_months(today)
    start = months[0]
    episodes = InfectionEpisode.objects.filter(profile=profile, onset__gte=start, onset__lte=today)
    by_kind: dict[str, list[int]] = {}
    for kind, onset in episodes.values_list("kind", "onset"):
        by_kind.setdefault(kind, [0] * len(months))[months.index(onset.replace(day=1))] += 1
    courses = list(
        Treatment.objects.filter(profile=profile, kind="antibiotic", started_on__lte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .only("started_on", "ended_on", "prophylactic")
    )

    def days_on(first: date, prophylactic: bool) -> int:
        spans = [(c.started_on, c.ended_on) for c in courses if c.prophylactic == prophylactic]
        return len(covered_days(spans, start=first, end=min(month_end(first), today)))

    return {
        "months": [m.strftime("%b %Y") for m in months],
        "infections": [
            {"kind": kind, "label": InfectionKind(kind).label, "counts": counts}
            for kind, counts in sorted(by_kind.items())
        ],
        "rule_windows": rule_windows(profile, settings or rules.default_settings(), months, today),
        "antibiotic_days": {
            "treatment": [days_on(m, False) for m in months],
            "prophylaxis": [days_on(m, True) for m in months],
        },
        "labs": lab_charts(trends),
        "growth": growth_chart(growth),
    }
