"""The change feed's shape, for the OpenAPI schema (the feed itself is rendered by alerts.feed)."""

from rest_framework import serializers


class EventObjectSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["detainee", "channel"])
    id = serializers.UUIDField()


class ChangeSerializer(serializers.Serializer):
    """One event of the change feed; webhook bodies carry the same object."""

    cursor = serializers.CharField()
    id = serializers.UUIDField()
    type = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    object = EventObjectSerializer()
    data = serializers.DictField()


class ChangeFeedSerializer(serializers.Serializer):
    results = ChangeSerializer(many=True)
    next_cursor = serializers.CharField()
    has_more = serializers.BooleanField()
