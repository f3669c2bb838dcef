"""The API's shapes of the facts under uncertainty: proposals (four eyes), family notifications,
claims, proofs of life and captivity groups. The documents themselves are built by
cases.representations; these describe them for the OpenAPI schema and validate what is written."""

from rest_framework import serializers

from cases.api.serializers import OffsetDateTimeField, StrictSerializer
from cases.choices import ClaimState, Confidence, FamilyNotificationMethod, ProofOfLifeKind, ProposalState, Status


class PendingStatusChangeSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    detainee = serializers.UUIDField()
    state = serializers.ChoiceField(choices=ProposalState.choices)
    from_status = serializers.ChoiceField(choices=Status.choices)
    to_status = serializers.ChoiceField(choices=Status.choices)
    occurred_at = serializers.DateTimeField()
    proposed_at = serializers.DateTimeField()
    proposed_by = serializers.CharField(allow_null=True)
    confidence = serializers.ChoiceField(choices=Confidence.choices)
    source = serializers.CharField()
    source_url = serializers.CharField(allow_blank=True)
    channel = serializers.UUIDField(allow_null=True)
    note = serializers.CharField(allow_blank=True)
    is_correction = serializers.BooleanField()
    correction_reason = serializers.CharField(allow_blank=True)
    claim = serializers.UUIDField(allow_null=True)
    decided_by = serializers.CharField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    rejection_reason = serializers.CharField(allow_blank=True)
    status_change = serializers.UUIDField(allow_null=True, help_text="The change its confirmation appended.")


class ReasonSerializer(StrictSerializer):
    reason = serializers.CharField(help_text="Why (required).")


class RulingNoteSerializer(StrictSerializer):
    note = serializers.CharField(allow_blank=True, default="", help_text="The ruling's note (optional).")


class FamilyNotificationSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    detainee = serializers.UUIDField()
    informed_at = serializers.DateTimeField()
    method = serializers.ChoiceField(choices=FamilyNotificationMethod.choices)
    note = serializers.CharField(allow_blank=True)
    recorded_at = serializers.DateTimeField()
    recorded_by = serializers.CharField(allow_null=True)


class FamilyNotificationWriteSerializer(StrictSerializer):
    informed_at = OffsetDateTimeField(required=False, help_text="Default: now.")
    method = serializers.ChoiceField(choices=FamilyNotificationMethod.choices)
    note = serializers.CharField(allow_blank=True, default="")


class ClaimSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    detainee = serializers.UUIDField()
    asserted_status = serializers.ChoiceField(choices=Status.choices)
    source = serializers.CharField()
    source_url = serializers.CharField(allow_blank=True)
    confidence = serializers.ChoiceField(choices=Confidence.choices)
    occurred_at = serializers.DateTimeField(help_text="When it was said.")
    channel = serializers.UUIDField(allow_null=True)
    note = serializers.CharField(allow_blank=True)
    state = serializers.ChoiceField(choices=ClaimState.choices)
    recorded_at = serializers.DateTimeField()
    recorded_by = serializers.CharField(allow_null=True)
    ruled_by = serializers.CharField(allow_null=True)
    ruled_at = serializers.DateTimeField(allow_null=True)
    ruling_note = serializers.CharField(allow_blank=True)
    status_change = serializers.UUIDField(allow_null=True, help_text="The change accepting it recorded.")


class ClaimWriteSerializer(StrictSerializer):
    asserted_status = serializers.ChoiceField(choices=Status.choices)
    source = serializers.CharField(max_length=500, help_text="Who said it (required).")
    source_url = serializers.URLField(max_length=1000, allow_blank=True, default="")
    confidence = serializers.ChoiceField(choices=Confidence.choices, default=Confidence.REPORTED)
    occurred_at = OffsetDateTimeField(required=False, help_text="When it was said; default now.")
    channel = serializers.UUIDField(required=False, allow_null=True)
    note = serializers.CharField(allow_blank=True, default="")


class ProofOfLifeSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    detainee = serializers.UUIDField()
    observed_at = serializers.DateTimeField(help_text="When the person was seen alive.")
    kind = serializers.ChoiceField(choices=ProofOfLifeKind.choices)
    confidence = serializers.ChoiceField(choices=Confidence.choices)
    source = serializers.CharField()
    source_url = serializers.CharField(allow_blank=True)
    channel = serializers.UUIDField(allow_null=True)
    note = serializers.CharField(allow_blank=True)
    recorded_at = serializers.DateTimeField()
    recorded_by = serializers.CharField(allow_null=True, help_text="Null for partners.")


class ProofOfLifeWriteSerializer(StrictSerializer):
    observed_at = OffsetDateTimeField(
        help_text="When the person was seen alive (not in the future, not before the abduction)."
    )
    kind = serializers.ChoiceField(choices=ProofOfLifeKind.choices)
    source = serializers.CharField(max_length=500)
    source_url = serializers.URLField(max_length=1000, allow_blank=True, default="")
    confidence = serializers.ChoiceField(choices=Confidence.choices, default=Confidence.REPORTED)
    channel = serializers.UUIDField(required=False, allow_null=True)
    note = serializers.CharField(allow_blank=True, default="")


class GroupMemberSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    case_ref = serializers.CharField()
    full_name = serializers.CharField()


class GroupSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    place = serializers.CharField(allow_blank=True)
    since = serializers.DateField(allow_null=True)
    until = serializers.DateField(allow_null=True)
    source = serializers.CharField()
    confidence = serializers.ChoiceField(choices=Confidence.choices)
    members = GroupMemberSerializer(many=True, help_text="The members the caller may see.")
    version = serializers.IntegerField()
    updated_at = serializers.DateTimeField()


class GroupWriteSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200)
    place = serializers.CharField(max_length=300, allow_blank=True, required=False)
    since = serializers.DateField(allow_null=True, required=False)
    until = serializers.DateField(allow_null=True, required=False)
    source = serializers.CharField(max_length=500)
    confidence = serializers.ChoiceField(choices=Confidence.choices, required=False)
    members = serializers.ListField(child=serializers.UUIDField(), required=False, help_text="Detainee ids.")


class GroupMemberWriteSerializer(StrictSerializer):
    detainee = serializers.UUIDField()
