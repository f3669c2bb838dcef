"""Creating and editing detainees (their status changes live in status_changes.py)."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cases.choices import INITIAL_STATUS, Sex
from cases.models import Citizenship, Detainee, NameVariant, User
from cases.names import search_names
from cases.services.case_refs import case_refs_allocate


@dataclass(frozen=True)
class NameVariantInput:
    name: str
    script: str


def detainee_refresh_search_names(*, detainee: Detainee) -> None:
    """Recompute the name keys `q=` searches, after the name or a variant changed."""
    variants = list(detainee.name_variants.values_list("name", flat=True))
    detainee.search_names = search_names(detainee.full_name, variants)
    Detainee.objects.filter(pk=detainee.pk).update(search_names=detainee.search_names)


def detainee_prepare_new(*, detainee: Detainee) -> None:
    """Give an unsaved detainee its case reference and initial status.

    The initial `missing` status dates from the abduction if it is known, else from now.
    """
    detainee.case_ref = case_refs_allocate(1)[0]
    detainee.status = INITIAL_STATUS
    detainee.status_since = detainee.abducted_at or timezone.now()
    detainee.version = 1


@transaction.atomic
def detainee_create(
    *,
    full_name: str,
    actor: User | None,
    sex: str = Sex.UNKNOWN,
    date_of_birth: date | None = None,
    citizenships: list[str] | None = None,
    name_variants: list[NameVariantInput] | None = None,
    abducted_at: datetime | None = None,
    abduction_place: str = "",
    notes: str = "",
    citizenship_source: str = "",
) -> Detainee:
    detainee = Detainee(
        full_name=full_name,
        sex=sex,
        date_of_birth=date_of_birth,
        abducted_at=abducted_at,
        abduction_place=abduction_place,
        notes=notes,
        created_by=actor,
    )
    detainee_prepare_new(detainee=detainee)
    detainee.full_clean()
    detainee.save()
    for code in sorted(set(citizenships or [])):
        citizenship = Citizenship(detainee=detainee, country=code, source=citizenship_source)
        citizenship.full_clean()
        citizenship.save()
    for variant in name_variants or []:
        row = NameVariant(detainee=detainee, name=variant.name, script=variant.script)
        row.full_clean()
        row.save()
    detainee_refresh_search_names(detainee=detainee)
    return detainee


def detainee_bump_version(*, detainee: Detainee) -> None:
    """Mark the record changed: its version rises on every change (optimistic locking)."""
    Detainee.objects.filter(pk=detainee.pk).update(version=F("version") + 1, updated_at=timezone.now())
    detainee.refresh_from_db(fields=["version", "updated_at"])
