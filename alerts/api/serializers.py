"""The change feed's shape for the OpenAPI schema: a typed catalogue of events (the feed itself is
rendered by alerts.feed; webhook bodies carry the same objects).

`Event` is a union discriminated by `type`: each event type has its own component
(`DetaineeStatusChangedEvent`, ...) whose `data` has its own schema, so a generated client gets a
typed payload rather than a dict. The cell's own types are described too; partners never get them.
"""

import re

from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

from alerts.choices import EventType
from cases.choices import ChannelStatus, Confidence, ProofOfLifeKind, Script, Sex, Status


class EventObjectSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["detainee", "channel"])
    id = serializers.UUIDField()


# --- What the data of events says ----------------------------------------------------------------


class DetaineeSummarySerializer(serializers.Serializer):
    case_ref = serializers.CharField()
    full_name = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices, help_text="As the reader may know it (family first).")
    status_since = serializers.DateTimeField()
    citizenships = serializers.ListField(child=serializers.CharField(), help_text="The codes the reader may know of.")
    version = serializers.IntegerField()


class StatusChangePayloadSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    from_status = serializers.ChoiceField(choices=Status.choices)
    to_status = serializers.ChoiceField(choices=Status.choices)
    occurred_at = serializers.DateTimeField()
    recorded_at = serializers.DateTimeField()
    confidence = serializers.ChoiceField(choices=Confidence.choices)
    source = serializers.CharField()
    source_url = serializers.CharField(allow_blank=True)
    channel = serializers.UUIDField(allow_null=True)
    is_correction = serializers.BooleanField()
    correction_reason = serializers.CharField(allow_blank=True)


class ChannelSummarySerializer(serializers.Serializer):
    name = serializers.CharField()
    mediator = serializers.CharField()
    counterpart = serializers.CharField()
    place = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=ChannelStatus.choices)


class ProofOfLifePayloadSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    observed_at = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=ProofOfLifeKind.choices)
    confidence = serializers.ChoiceField(choices=Confidence.choices)
    source = serializers.CharField()
    source_url = serializers.CharField(allow_blank=True)
    channel = serializers.UUIDField(allow_null=True)


class OverdueLastProofOfLifeSerializer(serializers.Serializer):
    observed_at = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=ProofOfLifeKind.choices)
    confidence = serializers.ChoiceField(choices=Confidence.choices)


class NameVariantPayloadSerializer(serializers.Serializer):
    name = serializers.CharField()
    script = serializers.ChoiceField(choices=Script.choices)


class DetaineeIdSerializer(serializers.Serializer):
    id = serializers.UUIDField()


class DetaineeCreatedDataSerializer(serializers.Serializer):
    detainee = DetaineeSummarySerializer()


class DetaineeUpdatedDataSerializer(serializers.Serializer):
    detainee = DetaineeSummarySerializer()
    changed = serializers.ListField(
        child=serializers.CharField(),
        help_text="The fields that changed (never `notes` for those who may not read it).",
    )


class DetaineeStatusChangedDataSerializer(serializers.Serializer):
    detainee = DetaineeSummarySerializer()
    status_change = StatusChangePayloadSerializer()


class ChannelUpdatedDataSerializer(serializers.Serializer):
    channel = ChannelSummarySerializer()
    previous_status = serializers.ChoiceField(choices=ChannelStatus.choices, allow_null=True)
    changed = serializers.ListField(child=serializers.CharField())


class ProofOfLifeRecordedDataSerializer(serializers.Serializer):
    detainee = DetaineeSummarySerializer()
    proof_of_life = ProofOfLifePayloadSerializer()


class ProofOfLifeOverdueDataSerializer(serializers.Serializer):
    detainee = DetaineeSummarySerializer()
    days = serializers.IntegerField(help_text="The subscription's threshold.")
    days_without = serializers.IntegerField()
    without_proof_of_life_since = serializers.DateTimeField()
    last_proof_of_life = OverdueLastProofOfLifeSerializer(allow_null=True)


class EnteredScopeDataSerializer(serializers.Serializer):
    detainee = DetaineeSummarySerializer()
    sex = serializers.ChoiceField(choices=Sex.choices)
    date_of_birth = serializers.DateField(allow_null=True)
    abducted_at = serializers.DateTimeField(allow_null=True)
    abduction_place = serializers.CharField(allow_blank=True)
    name_variants = NameVariantPayloadSerializer(many=True)


class LeftScopeDataSerializer(serializers.Serializer):
    detainee = DetaineeIdSerializer(help_text="Its id alone: forget what you hold of it.")


class InternalDataSerializer(serializers.Serializer):
    """The cell's own events (four eyes, family first, claims): never sent to partners."""

    detainee = DetaineeSummarySerializer()


DATA = {
    EventType.DETAINEE_CREATED: DetaineeCreatedDataSerializer,
    EventType.DETAINEE_UPDATED: DetaineeUpdatedDataSerializer,
    EventType.DETAINEE_STATUS_CHANGED: DetaineeStatusChangedDataSerializer,
    EventType.CHANNEL_UPDATED: ChannelUpdatedDataSerializer,
    EventType.DETAINEE_PROOF_OF_LIFE_RECORDED: ProofOfLifeRecordedDataSerializer,
    EventType.DETAINEE_PROOF_OF_LIFE_OVERDUE: ProofOfLifeOverdueDataSerializer,
    EventType.DETAINEE_ENTERED_SCOPE: EnteredScopeDataSerializer,
    EventType.DETAINEE_LEFT_SCOPE: LeftScopeDataSerializer,
}


# --- The events ------------------------------------------------------------------------------------


class _EventBase(serializers.Serializer):
    cursor = serializers.CharField(help_text="Its position: as `after`, the feed resumes just after it.")
    id = serializers.UUIDField(help_text="The same as the `webhook-id` of this event sent by webhook.")
    occurred_at = serializers.DateTimeField(help_text="When the change was recorded.")
    object = EventObjectSerializer(help_text="The resource to GET for its current state.")


def _event_serializer(event_type: str) -> type[serializers.Serializer]:
    name = "".join(part.title() for part in re.split(r"[._]", event_type)) + "EventSerializer"
    return type(
        name,
        (_EventBase,),
        {
            "type": serializers.ChoiceField(choices=[event_type]),
            "data": DATA.get(event_type, InternalDataSerializer)(),
            "__doc__": f"A `{event_type}` event.",
        },
    )


EVENTS = {event_type: _event_serializer(event_type) for event_type in EventType.values}


def event_union(*, many: bool = False) -> PolymorphicProxySerializer:
    return PolymorphicProxySerializer(
        component_name="Event",
        serializers=dict(EVENTS),
        resource_type_field_name="type",
        many=many,
    )


class ChangeFeedSerializer(serializers.Serializer):
    results = event_union(many=True)
    next_cursor = serializers.CharField()
    has_more = serializers.BooleanField()
