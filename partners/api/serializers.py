"""The API's shape of the disclosure log (built by partners.representations)."""

from rest_framework import serializers

from partners.choices import DisclosureVia


class DisclosurePartnerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class DisclosureSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    partner = DisclosurePartnerSerializer()
    via = serializers.ChoiceField(choices=DisclosureVia.choices)
    token = serializers.CharField(allow_null=True, help_text="The API token's public prefix.")
    endpoint = serializers.CharField(allow_null=True, help_text="The webhook endpoint's URL.")
    target = serializers.CharField(help_text="The API path and query, or the webhook URL.")
    detainees = serializers.ListField(child=serializers.UUIDField(), help_text="The detainees the answer named.")
    events = serializers.ListField(child=serializers.UUIDField(), help_text="The events it carried (feed, webhook).")
