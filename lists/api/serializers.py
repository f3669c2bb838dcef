"""The API's shapes of delivered lists and their rows. The documents are built by
lists.representations; these describe them for the OpenAPI schema and validate what is written."""

from rest_framework import serializers

from cases.api.serializers import OffsetDateTimeField, StrictSerializer
from lists.choices import Decision, Direction, ListStatus, MatchLabel


class ProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField(help_text="Rows matched so far.")
    total = serializers.IntegerField()


class CountsSerializer(serializers.Serializer):
    likely = serializers.IntegerField()
    possible = serializers.IntegerField()
    none = serializers.IntegerField()
    confirmed = serializers.IntegerField()
    rejected = serializers.IntegerField()
    unsure = serializers.IntegerField()


class DeliveredListSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    channel = serializers.UUIDField()
    channel_name = serializers.CharField()
    direction = serializers.ChoiceField(choices=Direction.choices)
    delivered_by = serializers.CharField()
    delivered_at = serializers.DateTimeField()
    file_name = serializers.CharField()
    file_format = serializers.ChoiceField(choices=["csv", "xlsx", "pfif"])
    sha256 = serializers.CharField()
    row_count = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ListStatus.choices)
    progress = ProgressSerializer()
    error = serializers.CharField(allow_null=True)
    counts = CountsSerializer()
    uploaded_at = serializers.DateTimeField()
    uploaded_by = serializers.CharField(allow_null=True)


class CandidateSerializer(serializers.Serializer):
    detainee = serializers.UUIDField()
    score = serializers.FloatField(help_text="0 to 1.")
    label = serializers.ChoiceField(choices=[MatchLabel.LIKELY, MatchLabel.POSSIBLE, MatchLabel.NONE])
    reasons = serializers.ListField(child=serializers.CharField(), help_text="Which name forms agreed, DOB, ...")
    rejected = serializers.BooleanField(help_text="An officer said this row is not this detainee.")


class RememberedFromSerializer(serializers.Serializer):
    list = serializers.UUIDField()
    entry = serializers.IntegerField()
    row = serializers.IntegerField()


class ListEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    row = serializers.IntegerField(help_text="Its line in the file (the header is line 1), or a PFIF person's place.")
    full_name = serializers.CharField(allow_blank=True)
    other_names = serializers.ListField(child=serializers.CharField())
    date_of_birth = serializers.DateField(allow_null=True)
    citizenships = serializers.ListField(child=serializers.CharField())
    sex = serializers.CharField(allow_null=True)
    note = serializers.CharField(allow_blank=True)
    extra = serializers.DictField(help_text="The file's other columns (or a PFIF person's notes and record id).")
    problems = serializers.ListField(child=serializers.CharField(), help_text="What was wrong with the row.")
    match = serializers.ChoiceField(choices=MatchLabel.choices, allow_null=True, help_text="Null until matched.")
    candidates = CandidateSerializer(many=True)
    decision = serializers.ChoiceField(choices=Decision.choices, allow_null=True)
    detainee = serializers.UUIDField(allow_null=True, help_text="The detainee a confirmed row names.")
    decided_by = serializers.CharField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    remembered_from = RememberedFromSerializer(
        allow_null=True, help_text="Set when the decision was carried over from an earlier list's row."
    )
    claim = serializers.UUIDField(allow_null=True, help_text="The claim confirming a row handed back recorded.")


class ListUploadSerializer(StrictSerializer):
    file = serializers.FileField(help_text="CSV (UTF-8), XLSX or PFIF 1.4 XML; at most 10 MB and 50,000 rows.")
    channel = serializers.UUIDField()
    direction = serializers.ChoiceField(choices=Direction.choices)
    delivered_by = serializers.CharField(help_text="Who handed the list over.")
    delivered_at = OffsetDateTimeField(required=False, help_text="Default: now.")


class DecisionSerializer(StrictSerializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    detainee = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="Confirmed: the detainee the row names; rejected: the candidate it does not. Default: the "
        "best candidate not yet rejected.",
    )


class ComparedEntrySerializer(serializers.Serializer):
    entry = serializers.IntegerField()
    row = serializers.IntegerField()
    full_name = serializers.CharField()
    detainee = serializers.UUIDField(allow_null=True, help_text="Who the row was matched to, if anyone.")


class UnchangedEntrySerializer(ComparedEntrySerializer):
    other_entry = serializers.IntegerField()
    other_row = serializers.IntegerField()


class ComparisonSerializer(serializers.Serializer):
    list = serializers.UUIDField()
    other = serializers.UUIDField(allow_null=True, help_text="Null when no earlier list of this channel and direction.")
    added = ComparedEntrySerializer(many=True)
    dropped = ComparedEntrySerializer(many=True)
    unchanged = UnchangedEntrySerializer(many=True)
