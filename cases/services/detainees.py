"""Creating and editing detainees (their status changes live in status_changes.py)."""

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from alerts.choices import EventType
from alerts.services.events import event_emit
from cases.choices import INITIAL_STATUS, Sex
from cases.models import Citizenship, Detainee, NameVariant
from cases.names import search_names, search_skeletons
from cases.representations import detainee_summary
from cases.services.case_refs import case_refs_allocate
from core.errors import StaleVersion
from core.models import User

# The fields an edit may change; the status only ever changes through a status change.
EDITABLE_FIELDS = ("full_name", "sex", "date_of_birth", "abducted_at", "abduction_place", "notes")


@dataclass(frozen=True)
class CitizenshipInput:
    """A citizenship to hold, and the states it must never reach (see Citizenship.withheld_from)."""

    country: str
    withheld_from: tuple[str, ...] = ()


@dataclass(frozen=True)
class NameVariantInput:
    name: str
    script: str


def detainee_refresh_derived(*, detainee: Detainee) -> None:
    """Recompute what is derived from the detainee's related rows: the name keys `q=` searches, and
    the number of citizenships (`dual=` and the dashboard read it without counting rows)."""
    variants = list(detainee.name_variants.values_list("name", flat=True))
    detainee.search_names = search_names(detainee.full_name, variants)
    detainee.search_skeletons = search_skeletons(detainee.full_name, variants)
    detainee.citizenship_count = detainee.citizenships.count()
    Detainee.objects.filter(pk=detainee.pk).update(
        search_names=detainee.search_names,
        search_skeletons=detainee.search_skeletons,
        citizenship_count=detainee.citizenship_count,
    )


def detainee_prepare_new(*, detainee: Detainee) -> None:
    """Give an unsaved detainee its case reference and initial status.

    The initial `missing` status dates from the abduction if it is known, else from now.
    """
    detainee.case_ref = case_refs_allocate(1)[0]
    detainee.status = INITIAL_STATUS
    detainee.status_since = detainee.abducted_at or timezone.now()
    detainee.proof_of_life_clock = detainee.status_since
    detainee.version = 1


def citizenships_wanted(items) -> dict[str, tuple[str, ...]]:
    """{code: states it is withheld from} of codes or CitizenshipInputs."""
    wanted = {}
    for item in items:
        item = CitizenshipInput(item) if isinstance(item, str) else item
        wanted[item.country] = tuple(sorted(set(item.withheld_from)))
    return wanted


def citizenships_held(detainee: Detainee) -> dict[str, tuple[str, ...]]:
    return {c.country.code: tuple(sorted(s.code for s in c.withheld_from)) for c in detainee.citizenships.all()}


def _replace_citizenships(detainee: Detainee, items, source: str) -> None:
    """Make the detainee's citizenships these (codes, or CitizenshipInputs with the states each is
    withheld from): rows go, come, or change what they are withheld from (in the field history)."""
    wanted = citizenships_wanted(items)
    detainee.citizenships.exclude(country__in=list(wanted)).delete()
    for row in detainee.citizenships.all():
        states = wanted[row.country.code]
        if tuple(sorted(s.code for s in row.withheld_from)) != states:
            row.withheld_from = list(states)
            row.full_clean(exclude=["detainee"])
            row.save()
    held = set(detainee.citizenships.values_list("country", flat=True))
    for code in sorted(set(wanted) - held):
        row = Citizenship(detainee=detainee, country=code, source=source, withheld_from=list(wanted[code]))
        row.full_clean(exclude=["detainee"])
        row.save()


def _replace_name_variants(detainee: Detainee, variants: list[NameVariantInput]) -> None:
    wanted = {(v.name.strip(), v.script) for v in variants if v.name.strip()}
    current = {(v.name, v.script): v for v in detainee.name_variants.all()}
    for key, row in current.items():
        if key not in wanted:
            row.delete()
    for name, script in sorted(wanted - set(current)):
        row = NameVariant(detainee=detainee, name=name, script=script)
        row.full_clean(exclude=["detainee"])
        row.save()


def detainee_announce(
    *, detainee: Detainee, created: bool, changed: list[str] | None = None, actor: User | None = None
) -> None:
    """Emit the event for a detainee that was just created or edited (in the same transaction)."""
    data = {"detainee": detainee_summary(detainee)}
    if not created:
        data["changed"] = sorted(changed or [])
    event_emit(
        type=EventType.DETAINEE_CREATED if created else EventType.DETAINEE_UPDATED,
        detainee=detainee,
        data=data,
        actor=actor,
    )


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
    detainee._history_user = actor
    detainee.save()
    _replace_citizenships(detainee, list(citizenships or []), citizenship_source)
    _replace_name_variants(detainee, list(name_variants or []))
    detainee_refresh_derived(detainee=detainee)
    detainee_announce(detainee=detainee, created=True, actor=actor)
    return detainee


def detainee_lock(*, detainee_id: UUID, expected_version: int | None = None) -> Detainee:
    """Lock the detainee's row for an edit (inside the caller's transaction).

    With `expected_version`, a record that changed since the caller read it is refused (StaleVersion):
    two people editing one record never overwrite each other silently.
    """
    detainee = Detainee.objects.select_for_update().get(pk=detainee_id)
    if expected_version is not None and expected_version != detainee.version:
        raise StaleVersion(
            f"This record was changed by someone else since you loaded it (your version {expected_version}, "
            f"now {detainee.version}). Reload it and apply your change again.",
            current_version=detainee.version,
        )
    return detainee


def detainee_stage_save(*, detainee: Detainee, actor: User | None, created: bool) -> None:
    """Before a form that edits the row itself (the admin's) saves it: a new detainee gets its case
    reference and initial status, an edited one its next version. `detainee_saved` follows once the
    related rows are saved."""
    if created:
        detainee.created_by = actor
        detainee_prepare_new(detainee=detainee)
    else:
        detainee.version += 1
        if detainee.withholding:
            detainee.disclosed_version += 1
            detainee.disclosed_updated_at = timezone.now()
    if detainee.last_proof_of_life_at is None:
        detainee.proof_of_life_clock = detainee.abducted_at or detainee.created_at or timezone.now()
    detainee._history_user = actor


def detainee_saved(*, detainee: Detainee, actor: User | None, created: bool, changed: list[str]) -> None:
    """After such a form saved the detainee and its related rows: derived fields follow, and the
    change is announced, in the same transaction."""
    detainee_refresh_derived(detainee=detainee)
    detainee_announce(detainee=detainee, created=created, changed=changed, actor=actor)


@transaction.atomic
def detainee_update(
    *,
    detainee_id: UUID,
    actor: User | None,
    expected_version: int | None = None,
    citizenships: list[str] | None = None,
    name_variants: list[NameVariantInput] | None = None,
    citizenship_source: str = "",
    **fields,
) -> Detainee:
    """Edit a detainee's fields; `citizenships` and `name_variants`, when given, replace the old lists.

    With `expected_version`, a record that changed since the caller read it is refused (StaleVersion):
    two officers editing one record never overwrite each other silently.
    """
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")
    detainee = detainee_lock(detainee_id=detainee_id, expected_version=expected_version)
    changed = [name for name, value in fields.items() if getattr(detainee, name) != value]
    for name in changed:
        setattr(detainee, name, fields[name])
    if citizenships is not None and citizenships_wanted(citizenships) != citizenships_held(detainee):
        _replace_citizenships(detainee, citizenships, citizenship_source)
        changed.append("citizenships")
    if name_variants is not None:
        before = set(detainee.name_variants.values_list("name", "script"))
        _replace_name_variants(detainee, name_variants)
        if set(detainee.name_variants.values_list("name", "script")) != before:
            changed.append("name_variants")
    if not changed:
        return detainee
    detainee.full_clean()
    detainee_record_edit(detainee=detainee, actor=actor, changed=changed)
    return detainee


def detainee_record_edit(*, detainee: Detainee, actor: User | None, changed: list[str]) -> None:
    """Save an edited detainee: the version rises, name keys follow, the edit is announced.

    Callers hold the row lock (select_for_update) or run inside the admin's transaction.
    """
    detainee.version += 1
    if detainee.withholding:  # partners see this edit too: their version of the record moves with it
        detainee.disclosed_version += 1
        detainee.disclosed_updated_at = timezone.now()
    if detainee.last_proof_of_life_at is None:
        detainee.proof_of_life_clock = detainee.abducted_at or detainee.created_at
    detainee._history_user = actor
    detainee.save()
    detainee_refresh_derived(detainee=detainee)
    detainee_announce(detainee=detainee, created=False, changed=changed, actor=actor)
