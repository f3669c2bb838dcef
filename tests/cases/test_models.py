"""The rules the database itself holds, on PostgreSQL: they must hold even for raw writes."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from cases.choices import ChannelRole, Confidence, Script, Status
from cases.models import ChannelMembership, Citizenship, Detainee, NameVariant, NegotiationChannel, StatusChange
from cases.services.case_refs import case_refs_allocate
from cases.services.detainees import NameVariantInput, detainee_create

pytestmark = pytest.mark.django_db

T0 = datetime(2023, 10, 7, 4, 0, tzinfo=UTC)


@pytest.fixture
def detainee():
    return detainee_create(full_name="Noa Tzur", actor=None, citizenships=["IL", "RU"], abducted_at=T0)


@pytest.fixture
def channel():
    return NegotiationChannel.objects.create(name="Test channel", mediator="Mediator", counterpart="Counterpart")


def refused(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def change(detainee, **overrides):
    values = {
        "detainee": detainee,
        "sequence": 1,
        "from_status": Status.MISSING,
        "to_status": Status.HELD,
        "occurred_at": T0,
        "recorded_at": T0,
        "source": "Statement",
    }
    values.update(overrides)
    return StatusChange.objects.create(**values)


def test_new_detainee_starts_missing_since_abduction(detainee):
    assert detainee.status == Status.MISSING
    assert detainee.status_since == T0
    assert detainee.case_ref.startswith("HC-") and len(detainee.case_ref) == 9
    assert detainee.citizenship_codes == ["IL", "RU"]
    assert detainee.version == 1


def test_new_detainee_without_abduction_time_is_missing_since_creation():
    before = datetime.now(UTC)
    d = detainee_create(full_name="Dana Sela", actor=None)
    assert before <= d.status_since <= datetime.now(UTC)


def test_citizenship_unique_per_detainee(detainee):
    refused(lambda: Citizenship.objects.create(detainee=detainee, country="RU"))


def raw_citizenship(detainee, country):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cases_citizenship (detainee_id, country, source, source_url, created_at) "
            "VALUES (%s, %s, '', '', now())",
            [detainee.pk, country],
        )


def test_citizenship_must_be_an_alpha2_code(detainee):
    refused(lambda: raw_citizenship(detainee, "de"))
    refused(lambda: raw_citizenship(detainee, "D"))
    raw_citizenship(detainee, "DE")
    with pytest.raises(ValidationError):
        Citizenship(detainee=detainee, country="XX").full_clean()


def test_status_must_be_a_known_value(detainee):
    refused(lambda: Detainee.objects.filter(pk=detainee.pk).update(status="kidnapped"))
    refused(lambda: Detainee.objects.filter(pk=detainee.pk).update(sex="other"))


def test_case_ref_unique_and_well_formed(detainee):
    other = detainee_create(full_name="Uri Gefen", actor=None)
    refused(lambda: Detainee.objects.filter(pk=other.pk).update(case_ref=detainee.case_ref))
    refused(lambda: Detainee.objects.filter(pk=other.pk).update(case_ref="X-1"))


def test_case_refs_are_unique_and_increasing():
    refs = case_refs_allocate(3)
    assert len(set(refs)) == 3
    assert refs == sorted(refs)
    assert case_refs_allocate(1)[0] > refs[-1]


def test_status_change_values_are_checked(detainee):
    refused(lambda: change(detainee, to_status="kidnapped"))
    refused(lambda: change(detainee, from_status="unknown"))
    refused(lambda: change(detainee, confidence="rumour"))
    refused(lambda: change(detainee, source=""))
    refused(lambda: change(detainee, sequence=0))
    refused(lambda: change(detainee, to_status=Status.MISSING))


def test_correction_needs_a_reason(detainee):
    refused(lambda: change(detainee, is_correction=True, correction_reason=""))
    assert change(detainee, is_correction=True, correction_reason="Wrong person").is_correction


def test_two_changes_cannot_take_the_same_link_of_the_chain(detainee):
    change(detainee, confidence=Confidence.CONFIRMED)
    refused(lambda: change(detainee, to_status=Status.DECEASED))


def test_name_variant_script_is_iso_15924(detainee):
    refused(lambda: NameVariant.objects.create(detainee=detainee, name="Ноа Цур", script="Cyr"))
    NameVariant.objects.create(detainee=detainee, name="Ноа Цур", script=Script.CYRILLIC)
    refused(lambda: NameVariant.objects.create(detainee=detainee, name="Ноа Цур", script=Script.CYRILLIC))


def test_membership_role_is_checked_and_unique(detainee, channel):
    ChannelMembership.objects.create(channel=channel, detainee=detainee, role=ChannelRole.REQUESTED)
    refused(lambda: ChannelMembership.objects.create(channel=channel, detainee=detainee, role=ChannelRole.REQUESTED))
    refused(lambda: ChannelMembership.objects.create(channel=channel, detainee=detainee, role="hinted"))
    ChannelMembership.objects.create(channel=channel, detainee=detainee, role=ChannelRole.RELEASED_THROUGH)


def test_channel_status_and_dates_are_checked(channel):
    refused(lambda: NegotiationChannel.objects.filter(pk=channel.pk).update(status="frozen"))
    refused(
        lambda: NegotiationChannel.objects.filter(pk=channel.pk).update(
            opened_on=datetime(2023, 11, 1).date(), closed_on=datetime(2023, 10, 1).date()
        )
    )


def test_detainee_with_history_cannot_be_deleted(detainee):
    change(detainee)
    refused(lambda: Detainee.objects.filter(pk=detainee.pk).delete())


def test_name_variants_feed_the_search_names():
    d = detainee_create(
        full_name="Aleksandr Lisovsky",
        actor=None,
        name_variants=[
            NameVariantInput("Александр Лисовский", Script.CYRILLIC),
            NameVariantInput("אלכסנדר ליסובסקי", Script.HEBREW),
        ],
    )
    assert "aleksandr lisovski" in d.search_names.splitlines()
    assert len(d.search_names.splitlines()) == 2  # the Cyrillic form folds into the Latin one


def test_every_filter_has_an_index():
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = 'public'")
        indexes = cursor.fetchall()

    def indexed(table: str, leading_column: str, using: str = "btree") -> bool:
        return any(t == table and f"USING {using} ({leading_column}" in d for t, d in indexes)

    assert indexed("cases_citizenship", "country")  # citizenship=, citizenship_all=
    assert indexed("cases_citizenship", "detainee_id")  # dual=
    assert indexed("cases_detainee", "status")  # status=
    assert indexed("cases_channelmembership", "channel_id")  # channel=
    assert indexed("cases_detainee", "updated_at")  # updated_since=
    assert indexed("cases_detainee", "search_names gin_trgm_ops", using="gin")  # q=
    assert indexed("cases_detainee", "case_ref")  # ordering
    assert indexed("cases_statuschange", "detainee_id")  # history


def test_citizenship_count_follows_every_edit():
    from cases.services.detainees import detainee_update

    d = detainee_create(full_name="Gilad Sela", actor=None, citizenships=["IL"])
    assert d.citizenship_count == 1
    detainee_update(detainee_id=d.pk, actor=None, citizenships=["IL", "RU", "DE"])
    d.refresh_from_db()
    assert d.citizenship_count == 3 == d.citizenships.count()
    detainee_update(detainee_id=d.pk, actor=None, citizenships=["DE"])
    d.refresh_from_db()
    assert d.citizenship_count == 1
