"""Proofs of life: evidence that a person was alive at a moment, and the clock it resets."""

from datetime import datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from alerts.choices import EventType
from alerts.services.events import event_emit
from cases.choices import Confidence, ProofOfLifeKind
from cases.models import Detainee, NegotiationChannel, ProofOfLife
from cases.representations import detainee_summary, proof_of_life_payload
from core.models import User
from partners.models import ApiToken


@transaction.atomic
def proof_of_life_record(
    *,
    detainee_id: UUID,
    observed_at: datetime,
    kind: str,
    source: str,
    actor: User | None,
    token: ApiToken | None = None,
    confidence: str = Confidence.REPORTED,
    source_url: str = "",
    channel_id: UUID | None = None,
    note: str = "",
) -> ProofOfLife:
    """Record a proof of life: the case's last proof and its clock move if it is the newest."""
    now = timezone.now()
    detainee = Detainee.objects.select_for_update().get(pk=detainee_id)
    errors = {}
    if observed_at is None:
        errors["observed_at"] = "Say when the person was seen alive."
    elif timezone.is_naive(observed_at):
        errors["observed_at"] = "Give the time with its UTC offset."
    elif observed_at > now:
        errors["observed_at"] = "A proof of life cannot be dated in the future."
    elif detainee.abducted_at and observed_at < detainee.abducted_at:
        errors["observed_at"] = (
            f"A proof of life cannot be dated before the abduction ({detainee.abducted_at.isoformat()})."
        )
    if kind not in ProofOfLifeKind.values:
        errors["kind"] = f"'{kind}' is not a kind of proof of life. Use one of: {', '.join(ProofOfLifeKind.values)}."
    if not source.strip():
        errors["source"] = "A source is required: say where this proof of life came from."
    if confidence not in Confidence.values:
        errors["confidence"] = f"'{confidence}' is not a confidence. Use one of: {', '.join(Confidence.values)}."
    channel = None
    if channel_id is not None:
        channel = NegotiationChannel.objects.filter(pk=channel_id).first()
        if channel is None:
            errors["channel"] = "No such channel."
    if errors:
        raise ValidationError(errors)
    proof = ProofOfLife(
        detainee=detainee,
        observed_at=observed_at,
        kind=kind,
        source=source.strip(),
        source_url=source_url,
        confidence=confidence,
        channel=channel,
        note=note,
        recorded_at=now,
        recorded_by=actor,
        recorded_by_token=token,
    )
    proof.full_clean(exclude=["detainee", "channel", "recorded_by", "recorded_by_token"])
    proof.save(force_insert=True)
    if detainee.last_proof_of_life_at is None or observed_at > detainee.last_proof_of_life_at:
        detainee.last_proof_of_life_at = observed_at
        detainee.proof_of_life_clock = observed_at
    # The record reads differently (its last proof of life): its version moves, for every reader.
    detainee.version += 1
    if detainee.withholding:
        detainee.disclosed_version += 1
        detainee.disclosed_updated_at = now
    detainee._history_user = actor
    detainee.save(
        update_fields=[
            "last_proof_of_life_at",
            "proof_of_life_clock",
            "version",
            "disclosed_version",
            "disclosed_updated_at",
            "updated_at",
        ]
    )
    event_emit(
        type=EventType.DETAINEE_PROOF_OF_LIFE_RECORDED,
        detainee=detainee,
        channel=channel,
        actor=actor,
        data={"detainee": detainee_summary(detainee), "proof_of_life": proof_of_life_payload(proof)},
    )
    return proof
