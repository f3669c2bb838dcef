"""Representations of the API. Reads come from prefetched rows; writes are validated here and
carried out by the services."""

from datetime import UTC
from uuid import UUID

from django.utils.dateparse import parse_datetime
from django_countries import countries
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from cases.choices import ChannelEventKind, ChannelRole, ChannelStatus, Confidence, ProofOfLifeKind, Script, Sex, Status
from cases.models import ChannelEvent, Detainee, NegotiationChannel, StatusChange
from cases.services.detainees import CitizenshipInput
from core.access import hidden_fields, recorder_label
from partners.disclosures import disclosed


class OffsetDateTimeField(serializers.DateTimeField):
    """A time written with its UTC offset: a bare local time is ambiguous, so it is refused."""

    default_error_messages = {"no_offset": "Give the time with its UTC offset, e.g. 2023-10-07T06:30:00+03:00."}

    def to_internal_value(self, value):
        if isinstance(value, str):
            parsed = parse_datetime(value.strip())
            if parsed is not None and parsed.tzinfo is None:
                self.fail("no_offset")
        result = super().to_internal_value(value)
        try:
            return result.astimezone(UTC)
        except (OverflowError, ValueError):
            self.fail("invalid", format="ISO 8601 with offset")


class StrictSerializer(serializers.Serializer):
    """Refuses keys it does not know, so a typo or a read-only field is an error, not a silent no-op."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields) - {name for name, f in self.fields.items() if f.read_only})
            read_only = sorted(name for name in data if name in self.fields and self.fields[name].read_only)
            errors = {name: ["Unknown field."] for name in unknown}
            errors |= {name: ["This field cannot be written."] for name in read_only}
            if "status" in errors:
                errors["status"] = ["The status changes only by recording a status change (POST .../status-changes/)."]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class NameVariantSerializer(StrictSerializer):
    name = serializers.CharField(max_length=300)
    script = serializers.ChoiceField(choices=Script.choices, help_text="ISO 15924 script code")


class ChannelLinkSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="channel.id")
    name = serializers.CharField(source="channel.name")
    role = serializers.ChoiceField(choices=ChannelRole.choices)


_CITIZENSHIP_SCHEMA = {
    "oneOf": [
        {"type": "string", "pattern": "^[A-Z]{2}$", "description": "An ISO 3166-1 alpha-2 code."},
        {
            "type": "object",
            "properties": {
                "country": {"type": "string", "pattern": "^[A-Z]{2}$"},
                "withheld_from": {
                    "type": "array",
                    "items": {"type": "string", "pattern": "^[A-Z]{2}$"},
                    "description": "States this citizenship must never reach: for a partner representing one of "
                    "them, it does not exist.",
                },
            },
            "required": ["country"],
        },
    ]
}


@extend_schema_field({"type": "array", "items": _CITIZENSHIP_SCHEMA})
class CitizenshipsField(serializers.Field):
    """Citizenships as codes, or `{"country", "withheld_from": [states]}` for one withheld from states.
    Partners read codes only (core.access), the cell the two forms as written."""

    def to_representation(self, value):
        return value

    def to_internal_value(self, data) -> list[CitizenshipInput]:
        if not isinstance(data, list):
            raise serializers.ValidationError("A list of ISO 3166-1 alpha-2 codes or {country, withheld_from}.")
        out = []
        for index, item in enumerate(data):
            if isinstance(item, str):
                item = {"country": item}
            if not isinstance(item, dict) or set(item) - {"country", "withheld_from"} or "country" not in item:
                raise serializers.ValidationError(f"[{index}]: a code, or an object with country and withheld_from.")
            withheld = item.get("withheld_from", [])
            if not isinstance(item["country"], str) or not isinstance(withheld, list):
                raise serializers.ValidationError(f"[{index}]: country is a code, withheld_from a list of codes.")
            if not all(isinstance(code, str) for code in withheld):
                raise serializers.ValidationError(f"[{index}].withheld_from: codes only.")
            country = _country_codes([item["country"]])[0]
            states = _country_codes(withheld) if withheld else []
            if country in states:
                raise serializers.ValidationError(f"[{index}]: a citizenship cannot be withheld from its own state.")
            out.append(CitizenshipInput(country, tuple(states)))
        if len({c.country for c in out}) != len(out):
            raise serializers.ValidationError("A country is given twice.")
        return out


class DetaineeSerializer(serializers.Serializer):
    """A detainee as the API shows it. `notes` only for officers and admins (the key is absent otherwise)."""

    id = serializers.UUIDField()
    case_ref = serializers.CharField()
    full_name = serializers.CharField()
    name_variants = NameVariantSerializer(many=True)
    sex = serializers.ChoiceField(choices=Sex.choices)
    date_of_birth = serializers.DateField(allow_null=True)
    citizenships = CitizenshipsField(source="citizenship_codes")
    status = serializers.ChoiceField(choices=Status.choices)
    status_since = serializers.DateTimeField()
    abducted_at = serializers.DateTimeField(allow_null=True)
    abduction_place = serializers.CharField(allow_blank=True)
    channels = ChannelLinkSerializer(many=True, source="channel_memberships.all")
    groups = inline_serializer(
        name="DetaineeGroup", fields={"id": serializers.UUIDField(), "name": serializers.CharField()}, many=True
    )
    last_proof_of_life = inline_serializer(
        name="LastProofOfLife",
        fields={
            "observed_at": serializers.DateTimeField(),
            "kind": serializers.ChoiceField(choices=ProofOfLifeKind.choices),
            "confidence": serializers.ChoiceField(choices=Confidence.choices),
        },
        allow_null=True,
    )
    notes = serializers.CharField(allow_blank=True, required=False, help_text="Officers and admins only.")
    version = serializers.IntegerField()
    updated_at = serializers.DateTimeField()
    open_claims = serializers.IntegerField(required=False, help_text="Open claims about the case. Not for partners.")
    in_conflict = serializers.BooleanField(
        required=False, help_text="Two or more open claims assert different statuses. Not for partners."
    )
    awaiting_confirmation = serializers.BooleanField(
        required=False, help_text="A proposed change (a death) awaits a second officer. Not for partners."
    )
    withheld_until_family_informed = serializers.BooleanField(
        required=False,
        help_text="Family not yet informed, do not disclose: partners see the status before it. Not for partners.",
    )

    def to_representation(self, instance: Detainee):
        data = super().to_representation(instance)
        for name in hidden_fields(self.context["viewer"]):
            data.pop(name, None)
        return data


def _country_codes(values: list[str]) -> list[str]:
    codes = [v.strip().upper() for v in values]
    unknown = [c for c in codes if c not in countries]
    if unknown:
        raise serializers.ValidationError(f"Not ISO 3166-1 alpha-2 codes: {', '.join(unknown)}.")
    return sorted(set(codes))


class DetaineeWriteSerializer(StrictSerializer):
    full_name = serializers.CharField(max_length=300)
    name_variants = NameVariantSerializer(many=True, required=False)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    date_of_birth = serializers.DateField(allow_null=True, required=False)
    citizenships = CitizenshipsField(required=False)
    abducted_at = OffsetDateTimeField(allow_null=True, required=False)
    abduction_place = serializers.CharField(max_length=300, allow_blank=True, required=False)
    notes = serializers.CharField(allow_blank=True, required=False)

    def validate_full_name(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("A name is required.")
        return value.strip()

    def validate_name_variants(self, value: list[dict]) -> list[dict]:
        # A PATCH is partial for the detainee, not for each variant: a variant needs both parts.
        for index, variant in enumerate(value):
            missing = [key for key in ("name", "script") if key not in variant]
            if missing:
                raise serializers.ValidationError(f"name_variants[{index}] needs {' and '.join(missing)}.")
            if not variant["name"].strip():
                raise serializers.ValidationError(f"name_variants[{index}].name is blank.")
        return value


class StatusChangeSerializer(serializers.ModelSerializer):
    """The shape cases.representations.status_change_document builds, described for the OpenAPI schema."""

    detainee = serializers.UUIDField(source="detainee_id", read_only=True)
    source_url = serializers.CharField(read_only=True, help_text="URL of the source, or empty.")
    channel = serializers.UUIDField(source="channel_id", allow_null=True, read_only=True)
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = StatusChange
        fields = [
            "id",
            "detainee",
            "sequence",
            "from_status",
            "to_status",
            "occurred_at",
            "recorded_at",
            "recorded_by",
            "source",
            "source_url",
            "confidence",
            "channel",
            "note",
            "is_correction",
            "correction_reason",
        ]
        read_only_fields = fields

    def get_recorded_by(self, change: StatusChange) -> str | None:
        return recorder_label(self.context["viewer"], change)


class StatusChangeWriteSerializer(StrictSerializer):
    to_status = serializers.ChoiceField(choices=Status.choices)
    source = serializers.CharField(max_length=500, help_text="Where this fact came from (required).")
    occurred_at = OffsetDateTimeField(required=False, help_text="Default: the moment it is recorded.")
    confidence = serializers.ChoiceField(choices=Confidence.choices, default=Confidence.REPORTED)
    source_url = serializers.URLField(max_length=1000, allow_blank=True, default="")
    channel = serializers.UUIDField(required=False, allow_null=True)
    note = serializers.CharField(allow_blank=True, default="")
    from_status = serializers.ChoiceField(
        choices=Status.choices, required=False, help_text="If given and not the current status: 409."
    )
    is_correction = serializers.BooleanField(default=False, help_text="Admins only.")
    correction_reason = serializers.CharField(allow_blank=True, default="")


class ChannelMemberSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="detainee.id")
    case_ref = serializers.CharField(source="detainee.case_ref")
    full_name = serializers.CharField(source="detainee.full_name")
    role = serializers.ChoiceField(choices=ChannelRole.choices)


class ChannelSerializer(serializers.ModelSerializer):
    mediator_country = serializers.CharField(allow_blank=True)
    detainees = serializers.SerializerMethodField()

    class Meta:
        model = NegotiationChannel
        fields = [
            "id",
            "name",
            "mediator",
            "mediator_country",
            "counterpart",
            "place",
            "status",
            "opened_on",
            "closed_on",
            "detainees",
            "version",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ChannelMemberSerializer(many=True))
    def get_detainees(self, channel) -> list[dict]:
        """The channel's detainees with their roles (for a partner: only those in its scope)."""
        disclosed(detainees=[m.detainee_id for m in channel.visible_memberships])
        return ChannelMemberSerializer(channel.visible_memberships, many=True).data


class ChannelWriteSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200)
    mediator = serializers.CharField(max_length=200)
    mediator_country = serializers.CharField(max_length=2, allow_blank=True, required=False)
    counterpart = serializers.CharField(max_length=200)
    place = serializers.CharField(max_length=200, allow_blank=True, required=False)
    status = serializers.ChoiceField(choices=ChannelStatus.choices, required=False)
    opened_on = serializers.DateField(allow_null=True, required=False)
    closed_on = serializers.DateField(allow_null=True, required=False)
    members = serializers.ListField(
        child=serializers.DictField(), required=False, help_text='Replaces the members: [{"detainee": id, "role": ...}]'
    )

    def validate_mediator_country(self, value: str) -> str:
        return _country_codes([value])[0] if value else ""

    def validate_members(self, value: list[dict]) -> list[tuple]:
        out = []
        for index, item in enumerate(value):
            role = item.get("role")
            try:
                detainee = UUID(str(item.get("detainee")))
            except ValueError as exc:
                raise serializers.ValidationError(f"members[{index}].detainee: not a detainee id.") from exc
            if role not in ChannelRole.values:
                raise serializers.ValidationError(f"members[{index}].role: one of {', '.join(ChannelRole.values)}.")
            if set(item) - {"detainee", "role"}:
                raise serializers.ValidationError(f"members[{index}]: only 'detainee' and 'role'.")
            out.append((detainee, role))
        return out


class ChannelEventSerializer(serializers.ModelSerializer):
    channel = serializers.UUIDField(source="channel_id", read_only=True)
    source_url = serializers.CharField(read_only=True, help_text="URL of the source, or empty.")

    class Meta:
        model = ChannelEvent
        fields = ["id", "channel", "kind", "occurred_at", "summary", "source", "source_url", "recorded_at"]
        read_only_fields = fields


class ChannelEventWriteSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=ChannelEventKind.choices)
    occurred_at = OffsetDateTimeField()
    summary = serializers.CharField()
    source = serializers.CharField(max_length=500)
    source_url = serializers.URLField(max_length=1000, allow_blank=True, default="")


class StatsRowSerializer(serializers.Serializer):
    citizenship = serializers.CharField(required=False, allow_null=True)
    status = serializers.CharField(required=False)
    channel = serializers.UUIDField(required=False, allow_null=True)
    count = serializers.IntegerField()


class StatsSerializer(serializers.Serializer):
    by = serializers.ListField(child=serializers.ChoiceField(choices=["citizenship", "status", "channel"]))
    rows = StatsRowSerializer(many=True)
