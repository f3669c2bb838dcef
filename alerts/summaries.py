"""One line that says what an event means, for notifications and email subjects."""

from alerts.choices import EventType
from alerts.models import Event
from cases.choices import Status


def _label(status: str) -> str:
    return Status(status).label if status in Status.values else status


def event_summary(event: Event) -> str:
    data = event.data
    if event.type == EventType.CHANNEL_UPDATED:
        channel = data.get("channel", {})
        return f"Channel {channel.get('name', '')} is now {channel.get('status', '')}"
    person = data.get("detainee", {})
    who = f"{person.get('case_ref', '')} {person.get('full_name', '')}".strip()
    if event.type == EventType.DETAINEE_STATUS_CHANGED:
        change = data.get("status_change", {})
        correction = " (correction)" if change.get("is_correction") else ""
        return f"{who}: {_label(change.get('from_status', ''))} → {_label(change.get('to_status', ''))}{correction}"
    if event.type == EventType.DETAINEE_CREATED:
        return f"New case {who}"
    if event.type == EventType.DETAINEE_STATUS_CHANGE_PROPOSED:
        proposal = data.get("pending_status_change", {})
        if proposal.get("to_status") == Status.DECEASED:
            return f"A death awaits your confirmation: {who} (proposed by {proposal.get('proposed_by') or 'a token'})"
        return f"{who}: a change to {_label(proposal.get('to_status', ''))} awaits your confirmation"
    if event.type == EventType.DETAINEE_STATUS_CHANGE_REJECTED:
        proposal = data.get("pending_status_change", {})
        return f"{who}: the proposed change to {_label(proposal.get('to_status', ''))} was rejected"
    if event.type == EventType.DETAINEE_FAMILY_INFORMED:
        return f"{who}: the family was informed; partners now learn the news"
    if event.type == EventType.DETAINEE_CLAIM_RECORDED:
        claim = (data.get("claims") or [{}])[0]
        conflict = " (claims in conflict)" if data.get("in_conflict") else ""
        return f"{who}: claim '{_label(claim.get('asserted_status', ''))}' from {claim.get('source', '')}{conflict}"
    if event.type == EventType.DETAINEE_CLAIMS_RULED:
        return f"{who}: claims ruled on"
    if event.type == EventType.DETAINEE_PROOF_OF_LIFE_RECORDED:
        proof = data.get("proof_of_life", {})
        return f"{who}: proof of life ({proof.get('kind', '')}) seen {str(proof.get('observed_at', ''))[:10]}"
    if event.type == EventType.DETAINEE_PROOF_OF_LIFE_OVERDUE:
        return f"{who}: no proof of life for {data.get('days_without', data.get('days'))} days"
    return f"{who} updated: {', '.join(data.get('changed', [])) or 'details'}"
