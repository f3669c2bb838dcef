"""The demo scenario: its shape, its determinism and its idempotence (on PostgreSQL)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count

from cases.choices import ChannelEventKind, ChannelRole, Script, Status
from cases.demo.seed import demo_seed
from cases.models import (
    ChannelEvent,
    ChannelMembership,
    Citizenship,
    Detainee,
    NameVariant,
    NegotiationChannel,
    StatusChange,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario():
    demo_seed(detainees=230, seed=1)


def holders_of_exactly(*codes: str):
    wanted = sorted(codes)
    return [d for d in Detainee.objects.prefetch_related("citizenships") if d.citizenship_codes == wanted]


def test_size_and_history(scenario):
    assert Detainee.objects.count() == 230
    changes = StatusChange.objects.count()
    assert 200 <= changes <= 1000
    assert not StatusChange.objects.filter(source="").exists()
    assert set(StatusChange.objects.values_list("confidence", flat=True)) == {"unverified", "reported", "confirmed"}


def test_every_history_chains_and_matches_the_current_status(scenario):
    for detainee in Detainee.objects.prefetch_related("status_changes"):
        previous_status, previous_time = Status.MISSING, detainee.abducted_at
        for expected_sequence, change in enumerate(detainee.status_changes.all(), start=1):
            assert change.sequence == expected_sequence
            assert change.from_status == previous_status, detainee.case_ref
            assert change.occurred_at >= previous_time
            assert change.recorded_at >= change.occurred_at
            previous_status, previous_time = change.to_status, change.occurred_at
        assert detainee.status == previous_status
        assert detainee.status_since == previous_time


def test_eight_russian_israeli_dual_citizens_on_the_moscow_list(scenario):
    dual = holders_of_exactly("IL", "RU")
    assert len(dual) == 8
    moscow = NegotiationChannel.objects.get(mediator_country="RU")
    requested = set(moscow.memberships.filter(role=ChannelRole.REQUESTED).values_list("detainee_id", flat=True))
    assert requested == {d.id for d in dual}
    assert moscow.events.filter(kind=ChannelEventKind.LIST_DELIVERED).exists()


def test_first_four_released_through_qatar_include_two_american_israelis(scenario):
    first = list(StatusChange.objects.filter(to_status=Status.RELEASED).order_by("occurred_at")[:4])
    qatar = NegotiationChannel.objects.get(mediator_country="QA")
    assert all(change.channel_id == qatar.id for change in first)
    americans = {d.id for d in holders_of_exactly("IL", "US")}
    assert sum(change.detainee_id in americans for change in first) == 2
    released_through = ChannelMembership.objects.filter(channel=qatar, role=ChannelRole.RELEASED_THROUGH)
    assert {c.detainee_id for c in first} <= set(released_through.values_list("detainee_id", flat=True))


def test_channels_mediated_by_qatar_egypt_and_russia(scenario):
    assert {"QA", "EG", "RU"} <= set(NegotiationChannel.objects.values_list("mediator_country", flat=True))
    assert ChannelEvent.objects.filter(kind=ChannelEventKind.RELEASE).count() >= 3


def test_names_come_in_every_script(scenario):
    scripts = set(NameVariant.objects.values_list("script", flat=True))
    assert scripts == {Script.LATIN, Script.CYRILLIC, Script.HEBREW, Script.ARABIC}
    assert Citizenship.objects.values("detainee").annotate(n=Count("id")).filter(n__gte=2).count() >= 40


def fingerprint() -> list:
    rows = []
    for d in Detainee.objects.order_by("case_ref").prefetch_related("citizenships", "name_variants", "status_changes"):
        rows.append(
            (
                d.id,
                d.full_name,
                d.date_of_birth,
                d.status,
                d.status_since,
                tuple(d.citizenship_codes),
                tuple(sorted((v.name, v.script) for v in d.name_variants.all())),
                tuple((c.to_status, c.occurred_at, c.source, c.confidence) for c in d.status_changes.all()),
            )
        )
    return rows


def fresh_fingerprint(seed: int) -> list:
    with transaction.atomic():
        demo_seed(detainees=230, seed=seed)
        result = fingerprint()
        transaction.set_rollback(True)
    return result


def test_deterministic_for_a_seed():
    first, again, other = fresh_fingerprint(1), fresh_fingerprint(1), fresh_fingerprint(2)
    assert first == again
    assert first != other


def test_idempotent():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    counts = (Detainee.objects.count(), StatusChange.objects.count(), NegotiationChannel.objects.count())
    call_command("seed_demo", stdout=out)
    assert (Detainee.objects.count(), StatusChange.objects.count(), NegotiationChannel.objects.count()) == counts
    assert "0 detainees created, 230 already present" in out.getvalue().splitlines()[-1]


def test_a_larger_run_keeps_the_first_people_and_adds_more():
    demo_seed(detainees=230, seed=1)
    core = fingerprint()
    report = demo_seed(detainees=1200, seed=1)
    assert report.detainees_created == 970 and report.detainees_existing == 230
    assert fingerprint()[:230] == core
    assert Detainee.objects.count() == 1200


def test_the_demo_lists_the_moscow_eight_in_cyrillic_and_a_list_handed_back(scenario):
    from cases.names import script_of
    from lists.models import DeliveredList
    from lists.selectors import list_compare

    handed_over, handed_back = DeliveredList.objects.order_by("delivered_at")
    assert (handed_over.direction, handed_back.direction) == ("to_counterpart", "from_counterpart")
    assert handed_over.status == handed_back.status == "ready"
    dual = {str(d.id) for d in holders_of_exactly("IL", "RU")}
    rows = list(handed_over.entries.order_by("row"))
    assert len(rows) == 8 and all(script_of(e.full_name) == "CYRILLIC" for e in rows)
    assert {e.candidates[0]["detainee"] for e in rows} == dual  # each row finds the person it names
    assert all(e.label == "likely" for e in rows)
    back = list(handed_back.entries.order_by("row"))
    assert len(back) == 8 and back[-1].label == "none" and back[-1].problems
    assert any(script_of(e.full_name) == "HEBREW" for e in back)
    comparison = list_compare(handed_back, handed_over)
    assert len(comparison.unchanged) == 7 and len(comparison.dropped) == 1 and len(comparison.added) == 1
    demo_seed(detainees=230, seed=1)
    assert DeliveredList.objects.count() == 2  # idempotent
