"""Loading the demo scenario into the database, in bulk.

Idempotent: every row has a stable id derived from the seed, and only missing people are inserted,
so a second run adds nothing. Inserts go in chunks, each in one transaction, so a run that is
interrupted leaves whole people and can simply be started again.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from alerts.choices import EventType
from alerts.models import Event
from cases.choices import INITIAL_STATUS
from cases.demo.facts import demo_facts_seed
from cases.demo.scenario import CHANNELS, PersonPlan, core_slots, plan_person, stable_uuid
from cases.models import (
    ChannelEvent,
    ChannelMembership,
    Citizenship,
    Detainee,
    NameVariant,
    NegotiationChannel,
    StatusChange,
)
from cases.names import search_names, search_skeletons
from cases.services.case_refs import case_refs_allocate
from partners.models import Partner

CHUNK = 5_000
# Sent when the scenario is loaded, for other apps to add theirs (the lists app uploads its demo
# lists) without cases depending on them.
demo_seeded = Signal()
DEMO_PARTNERS = [
    ("Moscow liaison desk (demo partner)", ["RU"]),
    ("US consular task force (demo partner)", ["US"]),
]


@dataclass
class SeedReport:
    detainees_created: int = 0
    detainees_existing: int = 0
    status_changes_created: int = 0
    channels_created: int = 0
    facts_recorded: bool = False


def _seed_channels() -> int:
    created = 0
    for plan in CHANNELS:
        channel, was_created = NegotiationChannel.objects.get_or_create(
            id=plan.id,
            defaults={
                "name": plan.name,
                "mediator": plan.mediator,
                "mediator_country": plan.mediator_country,
                "counterpart": plan.counterpart,
                "place": plan.place,
                "status": plan.status,
                "opened_on": plan.opened_on,
            },
        )
        created += was_created
        for position, (kind, occurred_at, summary, source) in enumerate(plan.events):
            ChannelEvent.objects.get_or_create(
                id=stable_uuid("channel-event", plan.key, position),
                defaults={
                    "channel": channel,
                    "kind": kind,
                    "occurred_at": occurred_at,
                    "summary": summary,
                    "source": source,
                },
            )
    return created


def _seed_partners() -> None:
    for name, nationalities in DEMO_PARTNERS:
        Partner.objects.get_or_create(name=name, defaults={"nationalities": nationalities})


def _rows_for(plan: PersonPlan, case_ref: str, channel_ids: dict, now) -> tuple[Detainee, list, list, list, list]:
    last = plan.steps[-1] if plan.steps else None
    detainee = Detainee(
        id=plan.id,
        case_ref=case_ref,
        full_name=plan.full_name,
        sex=plan.sex,
        date_of_birth=plan.date_of_birth,
        abducted_at=plan.abducted_at,
        abduction_place=plan.place,
        notes=plan.notes,
        status=last.to_status if last else INITIAL_STATUS,
        status_since=last.occurred_at if last else plan.abducted_at,
        search_names=search_names(plan.full_name, [name for name, _ in plan.variants]),
        search_skeletons=search_skeletons(plan.full_name, [name for name, _ in plan.variants]),
        citizenship_count=len(plan.citizenships),
        proof_of_life_clock=plan.abducted_at,
        version=1 + len(plan.steps),
    )
    citizenships = [Citizenship(detainee=detainee, country=code, source=source) for code, source in plan.citizenships]
    variants = [NameVariant(detainee=detainee, name=name, script=script) for name, script in plan.variants]
    memberships = [
        ChannelMembership(detainee=detainee, channel_id=channel_ids[key], role=role, source=source)
        for key, role, source in dict.fromkeys(plan.memberships)
    ]
    rng = random.Random(f"{plan.id}:recorded")
    changes = []
    previous = INITIAL_STATUS
    for sequence, step in enumerate(plan.steps, start=1):
        recorded_at = min(step.occurred_at + timedelta(hours=rng.uniform(0.2, 30)), now)
        changes.append(
            StatusChange(
                id=stable_uuid(plan.id, "status-change", sequence),
                detainee=detainee,
                sequence=sequence,
                from_status=previous,
                to_status=step.to_status,
                occurred_at=step.occurred_at,
                recorded_at=recorded_at,
                source=step.source,
                confidence=step.confidence,
                channel_id=channel_ids[step.channel] if step.channel else None,
                note=step.note,
            )
        )
        previous = step.to_status
    return detainee, citizenships, variants, memberships, changes


def _summary(detainee: Detainee, plan: PersonPlan) -> dict:
    return {
        "case_ref": detainee.case_ref,
        "full_name": detainee.full_name,
        "status": detainee.status,
        "status_since": detainee.status_since.isoformat(),
        "citizenships": sorted(code for code, _ in plan.citizenships),
        "version": detainee.version,
    }


def _insert_chunk(plans: list[PersonPlan], channel_ids: dict, report: SeedReport) -> None:
    existing = set(Detainee.objects.filter(id__in=[p.id for p in plans]).values_list("id", flat=True))
    new_plans = [p for p in plans if p.id not in existing]
    report.detainees_existing += len(existing)
    if not new_plans:
        return
    now = timezone.now()
    refs = case_refs_allocate(len(new_plans))
    detainees, citizenships, variants, memberships, changes = [], [], [], [], []
    for plan, ref in zip(new_plans, refs, strict=True):
        d, c, v, m, s = _rows_for(plan, ref, channel_ids, now)
        detainees.append(d)
        citizenships += c
        variants += v
        memberships += m
        changes += s
    Detainee.objects.bulk_create(detainees, batch_size=2_000)
    # The field-level history starts with the record as the demo created it.
    Detainee.history.bulk_history_create(detainees, default_change_reason="seed_demo", default_date=now)
    for model, rows in ((Citizenship, citizenships), (NameVariant, variants), (ChannelMembership, memberships)):
        model.objects.bulk_create(rows, batch_size=5_000)
    StatusChange.objects.bulk_create(changes, batch_size=5_000)
    # Every write leaves an event (the change feed and the API's ETags rely on it). The demo's are
    # marked dispatched: loading a scenario is not news to alert anyone about.
    Event.objects.bulk_create(
        [
            Event(
                type=EventType.DETAINEE_CREATED,
                occurred_at=now,
                object_type="detainee",
                object_id=d.id,
                detainee=d,
                data={"detainee": _summary(d, plan)},
                scope={code: [] for code, _ in sorted(plan.citizenships)},
                scope_before={code: [] for code, _ in sorted(plan.citizenships)},
                dispatched_at=now,
            )
            for d, plan in zip(detainees, new_plans, strict=True)
        ],
        batch_size=5_000,
    )
    report.detainees_created += len(detainees)
    report.status_changes_created += len(changes)


def demo_seed(*, detainees: int, seed: int, progress: Callable[[int], None] | None = None) -> SeedReport:
    """Load (or top up) the demo scenario: channels, partners and `detainees` people."""
    report = SeedReport()
    with transaction.atomic():
        report.channels_created = _seed_channels()
        _seed_partners()
    channel_ids = {plan.key: plan.id for plan in CHANNELS}
    slots = core_slots(seed)
    for start in range(0, detainees, CHUNK):
        plans = [plan_person(i, seed, slots) for i in range(start, min(start + CHUNK, detainees))]
        with transaction.atomic():
            _insert_chunk(plans, channel_ids, report)
        if progress:
            progress(min(start + CHUNK, detainees))
    report.facts_recorded = demo_facts_seed()
    demo_seeded.send(sender=SeedReport, report=report)
    return report
