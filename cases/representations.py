"""The shapes of a case, built once for every channel: the detainee document (API, browser, exports),
and what events say about a detainee, a channel and a status change (feed, webhooks, emails).

Detainee documents are assembled from plain column values.

A page of 100 detainees is read with two queries (the page; its citizenships, name variants and
channel links together) and built as dicts directly: model instances and DRF field machinery cost more than the SQL
itself. DetaineeSerializer describes the same shape for the OpenAPI schema; the schema tests check
that both agree.
"""

from datetime import date, datetime
from typing import Any

import orjson
from django.db import connection

from cases.models import (
    CaptivityGroup,
    CaptivityGroupMembership,
    ChannelMembership,
    Citizenship,
    Claim,
    Detainee,
    FamilyNotification,
    NameVariant,
    NegotiationChannel,
    PendingStatusChange,
    ProofOfLife,
    StatusChange,
)
from core.access import Viewer, citizenships_as_read, hidden_fields, recorder_label, shown
from partners.disclosures import disclosed

DETAINEE_COLUMNS = (
    "id",
    "case_ref",
    "full_name",
    "sex",
    "date_of_birth",
    "status",
    "status_since",
    "abducted_at",
    "abduction_place",
    "notes",
    "version",
    "updated_at",
    "created_at",
    "withholding",
    "disclosed_status",
    "disclosed_status_since",
    "disclosed_version",
    "disclosed_updated_at",
    "disclosed_through",
    "awaiting_confirmation",
    "open_claims",
    "in_conflict",
    "last_proof_of_life_at",
)


def _codes(stored) -> list[str]:
    """A CountryField(multiple=True) as stored ("RU,BY"), read raw, as a list of codes."""
    if isinstance(stored, list | tuple):
        return [getattr(code, "code", code) for code in stored]
    return [code for code in (stored or "").split(",") if code]


def citizenship_codes(citizenships: list) -> list[str]:
    """The codes of a document's citizenships, whichever form the reader got them in."""
    return [c["country"] if isinstance(c, dict) else c for c in citizenships]


def _time(value: datetime | None) -> str | None:
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


# The API's one spelling of a time and a day, for the other apps' documents too.
iso_time, iso_day = _time, _day


# A page's related rows in one round trip, the ids as one array parameter (not 100 literals in each
# of three queries), as one JSON text decoded at once: on a partner's page of 100 that was a third of
# the request's time.
_RELATED_SQL = """
SELECT coalesce(json_object_agg(d.id, json_build_array(
    (SELECT coalesce(json_agg(json_build_array(c.country, c.withheld_from) ORDER BY c.country), '[]')
     FROM cases_citizenship c WHERE c.detainee_id = d.id),
    (SELECT coalesce(json_agg(json_build_object('name', v.name, 'script', v.script) ORDER BY v.script, v.name), '[]')
     FROM cases_namevariant v WHERE v.detainee_id = d.id),
    (SELECT coalesce(json_agg(json_build_object('id', m.channel_id, 'name', ch.name, 'role', m.role)
                              ORDER BY ch.name, m.role), '[]')
     FROM cases_channelmembership m JOIN cases_negotiationchannel ch ON ch.id = m.channel_id
     WHERE m.detainee_id = d.id),
    (SELECT coalesce(json_agg(json_build_object('id', g.id, 'name', g.name) ORDER BY g.name, g.id), '[]')
     FROM cases_captivitygroupmembership gm JOIN cases_captivitygroup g ON g.id = gm.group_id
     WHERE gm.detainee_id = d.id),
    (SELECT json_build_object('observed_at', p.observed_at, 'kind', p.kind, 'confidence', p.confidence)
     FROM cases_proofoflife p WHERE p.detainee_id = d.id ORDER BY p.observed_at DESC LIMIT 1)
)), '{}')::text
FROM unnest(%s::uuid[]) AS d(id)
"""


def _related(ids: list) -> dict[Any, tuple[list, list, list, list, dict | None]]:
    """{detainee id: (citizenships, name variants, channel links, groups, last proof of life)}."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_RELATED_SQL, [ids])
            by_id = orjson.loads(cursor.fetchone()[0])
        related = {detainee_id: by_id[str(detainee_id)] for detainee_id in ids}
        for parts in related.values():
            if parts[4] is not None:  # PostgreSQL's JSON time, as every other time here reads
                parts[4]["observed_at"] = _time(datetime.fromisoformat(parts[4]["observed_at"]))
        return related
    related: dict = {detainee_id: ([], [], [], [], None) for detainee_id in ids}
    for detainee_id, country, withheld in (
        Citizenship.objects.filter(detainee_id__in=ids)
        .order_by("country")
        .values_list("detainee_id", "country", "withheld_from")
    ):
        related[detainee_id][0].append([country, withheld])
    for detainee_id, name, script in (
        NameVariant.objects.filter(detainee_id__in=ids)
        .order_by("script", "name")
        .values_list("detainee_id", "name", "script")
    ):
        related[detainee_id][1].append({"name": name, "script": script})
    for detainee_id, channel_id, channel_name, role in (
        ChannelMembership.objects.filter(detainee_id__in=ids)
        .order_by("channel__name", "role")
        .values_list("detainee_id", "channel_id", "channel__name", "role")
    ):
        related[detainee_id][2].append({"id": str(channel_id), "name": channel_name, "role": role})
    for detainee_id, group_id, group_name in (
        CaptivityGroupMembership.objects.filter(detainee_id__in=ids)
        .order_by("group__name", "group_id")
        .values_list("detainee_id", "group_id", "group__name")
    ):
        related[detainee_id][3].append({"id": str(group_id), "name": group_name})
    for proof in ProofOfLife.objects.filter(detainee_id__in=ids).order_by("detainee_id", "-observed_at"):
        if related[proof.detainee_id][4] is None:
            latest = {"observed_at": _time(proof.observed_at), "kind": proof.kind, "confidence": proof.confidence}
            related[proof.detainee_id] = (*related[proof.detainee_id][:4], latest)
    return related


def detainee_documents(detainees: list[Detainee], viewer: Viewer) -> list[dict]:
    disclosed(detainees=[d.pk for d in detainees])
    related = _related([d.pk for d in detainees])
    hidden = hidden_fields(viewer)
    documents = []
    for d in detainees:
        citizenships, variants, channels, groups, last_proof = related[d.pk]
        seen = shown(viewer, d)
        document = {
            "id": str(d.pk),
            "case_ref": d.case_ref,
            "full_name": d.full_name,
            "name_variants": variants,
            "sex": d.sex,
            "date_of_birth": _day(d.date_of_birth),
            "citizenships": citizenships_as_read(viewer, [(c, _codes(w)) for c, w in citizenships]),
            "status": seen["status"],
            "status_since": _time(seen["status_since"]),
            "abducted_at": _time(d.abducted_at),
            "abduction_place": d.abduction_place,
            "channels": channels,
            "groups": groups,
            "last_proof_of_life": last_proof,
            "version": seen["version"],
            "updated_at": _time(seen["updated_at"]),
            "open_claims": d.open_claims,
            "in_conflict": d.in_conflict,
            "awaiting_confirmation": d.awaiting_confirmation,
            "withheld_until_family_informed": d.withholding,
            "notes": d.notes,
        }
        for name in hidden:
            document.pop(name, None)
        documents.append(document)
    return documents


# --- What events say (stored with the event; core.access renders them per reader) -----------------


def detainee_summary(detainee: Detainee, *, internal: bool = False) -> dict[str, Any]:
    """What an event says about a detainee: never the internal notes. An event partners may read
    (not `internal`) says what they may know: while the family has not been told of a death, the
    status as it was before it."""
    withheld = detainee.withholding and not internal
    return {
        "case_ref": detainee.case_ref,
        "full_name": detainee.full_name,
        "status": detainee.disclosed_status if withheld else detainee.status,
        "status_since": (detainee.disclosed_status_since if withheld else detainee.status_since).isoformat(),
        "citizenships": sorted(detainee.citizenships.values_list("country", flat=True)),
        "version": detainee.disclosed_version if withheld else detainee.version,
    }


def detainee_snapshot(detainee: Detainee) -> dict[str, Any]:
    """What a partner may see of a case that comes into its scope (`detainee.entered_scope`): the
    summary, and the identity it may read in the API; never notes or the cell's own markings."""
    return {
        "detainee": detainee_summary(detainee),
        "sex": detainee.sex,
        "date_of_birth": _day(detainee.date_of_birth),
        "abducted_at": _time(detainee.abducted_at),
        "abduction_place": detainee.abduction_place,
        "name_variants": [
            {"name": v.name, "script": v.script} for v in detainee.name_variants.order_by("script", "name")
        ],
    }


def channel_summary(channel: NegotiationChannel) -> dict[str, Any]:
    return {
        "name": channel.name,
        "mediator": channel.mediator,
        "counterpart": channel.counterpart,
        "place": channel.place,
        "status": channel.status,
    }


def status_change_payload(change: StatusChange) -> dict:
    return {
        "id": str(change.id),
        "from_status": change.from_status,
        "to_status": change.to_status,
        "occurred_at": change.occurred_at.isoformat(),
        "recorded_at": change.recorded_at.isoformat(),
        "confidence": change.confidence,
        "source": change.source,
        "source_url": change.source_url,
        "channel": str(change.channel_id) if change.channel_id else None,
        "is_correction": change.is_correction,
        "correction_reason": change.correction_reason,
    }


def _user(user) -> str | None:
    return user.get_username() if user is not None else None


def proposal_payload(proposal: PendingStatusChange) -> dict[str, Any]:
    """A proposed status change (four eyes), as the API and its internal events show it."""
    return {
        "id": str(proposal.id),
        "detainee": str(proposal.detainee_id),
        "state": proposal.state,
        "from_status": proposal.from_status,
        "to_status": proposal.to_status,
        "occurred_at": _time(proposal.occurred_at),
        "proposed_at": _time(proposal.proposed_at),
        "proposed_by": _user(proposal.proposed_by)
        or (f"token:{proposal.proposed_by_token.prefix}" if proposal.proposed_by_token_id else None),
        "confidence": proposal.confidence,
        "source": proposal.source,
        "source_url": proposal.source_url,
        "channel": str(proposal.channel_id) if proposal.channel_id else None,
        "note": proposal.note,
        "is_correction": proposal.is_correction,
        "correction_reason": proposal.correction_reason,
        "claim": str(proposal.claim_id) if proposal.claim_id else None,
        "decided_by": _user(proposal.decided_by),
        "decided_at": _time(proposal.decided_at),
        "rejection_reason": proposal.rejection_reason,
        "status_change": str(proposal.status_change_id) if proposal.status_change_id else None,
    }


def family_notification_document(notification: FamilyNotification) -> dict[str, Any]:
    return {
        "id": str(notification.id),
        "detainee": str(notification.detainee_id),
        "informed_at": _time(notification.informed_at),
        "method": notification.method,
        "note": notification.note,
        "recorded_at": _time(notification.recorded_at),
        "recorded_by": _user(notification.recorded_by),
    }


def claim_document(claim: Claim) -> dict[str, Any]:
    return {
        "id": str(claim.id),
        "detainee": str(claim.detainee_id),
        "asserted_status": claim.asserted_status,
        "source": claim.source,
        "source_url": claim.source_url,
        "confidence": claim.confidence,
        "occurred_at": _time(claim.occurred_at),
        "channel": str(claim.channel_id) if claim.channel_id else None,
        "note": claim.note,
        "state": claim.state,
        "recorded_at": _time(claim.recorded_at),
        "recorded_by": _user(claim.recorded_by)
        or (f"token:{claim.recorded_by_token.prefix}" if claim.recorded_by_token_id else None),
        "ruled_by": _user(claim.ruled_by),
        "ruled_at": _time(claim.ruled_at),
        "ruling_note": claim.ruling_note,
        "status_change": str(claim.status_change_id) if claim.status_change_id else None,
    }


def proof_of_life_payload(proof: ProofOfLife) -> dict[str, Any]:
    """A proof of life as its event says it (partners may read it)."""
    return {
        "id": str(proof.id),
        "observed_at": _time(proof.observed_at),
        "kind": proof.kind,
        "confidence": proof.confidence,
        "source": proof.source,
        "source_url": proof.source_url,
        "channel": str(proof.channel_id) if proof.channel_id else None,
    }


def proof_of_life_document(proof: ProofOfLife, viewer: Viewer) -> dict[str, Any]:
    disclosed(detainees=[proof.detainee_id])
    return proof_of_life_payload(proof) | {
        "detainee": str(proof.detainee_id),
        "note": proof.note,
        "recorded_at": _time(proof.recorded_at),
        "recorded_by": None if viewer.is_partner else _user(proof.recorded_by),
    }


def group_document(group: CaptivityGroup, members: list[Detainee]) -> dict[str, Any]:
    """A captivity group with the members the reader may see (core.access chooses them)."""
    disclosed(detainees=[d.pk for d in members])
    return {
        "id": str(group.id),
        "name": group.name,
        "place": group.place,
        "since": _day(group.since),
        "until": _day(group.until),
        "source": group.source,
        "confidence": group.confidence,
        "members": [{"id": str(d.pk), "case_ref": d.case_ref, "full_name": d.full_name} for d in members],
        "version": group.version,
        "updated_at": _time(group.updated_at),
    }


def status_change_document(change: StatusChange, viewer: Viewer) -> dict[str, Any]:
    """A status change as the API shows it: what its event says, with its place in the chain, its note
    and who recorded it (core.access decides whether this reader may know); times in UTC with `Z`.
    StatusChangeSerializer describes the same shape for the OpenAPI schema."""
    disclosed(detainees=[change.detainee_id])
    return (
        status_change_payload(change)
        | {
            "detainee": str(change.detainee_id),
            "sequence": change.sequence,
            "occurred_at": _time(change.occurred_at),
            "recorded_at": _time(change.recorded_at),
            "recorded_by": recorder_label(viewer, change),
            "note": change.note,
        }
        | (
            {}
            if viewer.is_partner
            else {
                "confirmed_by": _user(change.confirmed_by),
                "confirmed_at": _time(change.confirmed_at),
                "claim": str(change.claim_id) if change.claim_id else None,
                "withheld": change.withheld,
            }
        )
    )
