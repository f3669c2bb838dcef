"""Browser forms. They check the shape of the input; the rules are the services' (their errors are
shown on the form's fields)."""

from datetime import UTC

from django import forms
from django.core.exceptions import ValidationError

from alerts.choices import SubscriptionKind
from cases.choices import (
    ChannelEventKind,
    ChannelRole,
    ChannelStatus,
    Confidence,
    FamilyNotificationMethod,
    ProofOfLifeKind,
    Script,
    Sex,
    Status,
)
from cases.models import CaptivityGroup, Detainee, NegotiationChannel
from cases.services.detainees import CitizenshipInput
from partners.services.partners import nationalities_parse

UTC_HELP = "UTC, as on every page of this system."


class UTCDateTimeField(forms.DateTimeField):
    """A date and time typed in a datetime-local input: read as UTC."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"}, format="%Y-%m-%dT%H:%M:%S")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", UTC_HELP)
        kwargs.setdefault(
            "input_formats", ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
        )
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        result = super().to_python(value)
        if result is not None:
            result = result.replace(tzinfo=UTC) if result.tzinfo is None else result.astimezone(UTC)
        return result

    def prepare_value(self, value):
        if hasattr(value, "astimezone"):
            return value.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%dT%H:%M:%S")
        return value


class CountryCodesField(forms.CharField):
    """ISO 3166-1 alpha-2 codes, comma-separated: 'IL, RU'."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", "ISO 3166-1 alpha-2 codes, comma-separated, e.g. IL, RU")
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value.strip():
            return []
        try:
            return nationalities_parse(value)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["nationalities"]) from exc


class WithheldCitizenshipsField(forms.CharField):
    """Which citizenships are withheld from which states: `UA: RU, BY`, one citizenship a line."""

    widget = forms.Textarea(attrs={"rows": 2})

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "help_text",
            "One citizenship a line: its code, a colon, the states it must never reach, e.g. UA: RU, BY. A partner "
            "representing one of them never learns of it.",
        )
        super().__init__(*args, **kwargs)

    def clean(self, value) -> dict[str, list[str]]:
        value = super().clean(value)
        withheld: dict[str, list[str]] = {}
        for number, line in enumerate(line for line in value.splitlines() if line.strip()):
            code, colon, states = line.partition(":")
            if not colon:
                raise ValidationError(f"Line {number + 1}: write the citizenship, a colon, then the states.")
            try:
                (code,) = nationalities_parse(code)
                withheld[code] = nationalities_parse(states)
            except (ValidationError, ValueError) as exc:
                raise ValidationError(f"Line {number + 1}: give ISO 3166-1 alpha-2 codes, e.g. UA: RU.") from exc
            if code in withheld[code]:
                raise ValidationError(f"Line {number + 1}: a citizenship cannot be withheld from its own state.")
        return withheld


class DetaineeForm(forms.Form):
    full_name = forms.CharField(max_length=300)
    citizenships = CountryCodesField(required=False)
    withheld = WithheldCitizenshipsField(required=False, label="Withhold from states")
    sex = forms.ChoiceField(choices=Sex.choices, initial=Sex.UNKNOWN)
    date_of_birth = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    abducted_at = UTCDateTimeField(required=False)
    abduction_place = forms.CharField(max_length=300, required=False)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Internal notes")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, hidden: frozenset[str] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        for name in hidden & set(self.fields):  # what this reader may not see (core.access)
            del self.fields[name]

    def clean(self):
        """The citizenships as the services take them: each with the states it is withheld from."""
        data = super().clean()
        withheld = data.pop("withheld", None) or {}
        codes = data.get("citizenships")
        if codes is None:
            return data
        strays = sorted(set(withheld) - set(codes))
        if strays:
            self.add_error("withheld", f"Not among the citizenships: {', '.join(strays)}.")
        data["citizenships"] = [CitizenshipInput(code, tuple(withheld.get(code, ()))) for code in codes]
        return data


class NameVariantForm(forms.Form):
    name = forms.CharField(max_length=300, required=False, label="Name as written")
    script = forms.ChoiceField(choices=[("", "—"), *Script.choices], required=False)

    def clean(self):
        data = super().clean()
        if data.get("name", "").strip() and not data.get("script"):
            self.add_error("script", "Choose the script this name is written in.")
        return data


NameVariantFormSet = forms.formset_factory(NameVariantForm, extra=2)


class StatusChangeForm(forms.Form):
    to_status = forms.ChoiceField(label="New status")
    occurred_at = UTCDateTimeField(required=False, label="When it happened", help_text="UTC; leave empty for now.")
    source = forms.CharField(max_length=500, help_text="Where this fact comes from (required).")
    source_url = forms.URLField(max_length=1000, required=False, label="Source URL")
    confidence = forms.ChoiceField(choices=Confidence.choices, initial=Confidence.REPORTED)
    channel = forms.ModelChoiceField(queryset=NegotiationChannel.objects.none(), required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    from_status = forms.ChoiceField(choices=Status.choices, widget=forms.HiddenInput)
    is_correction = forms.BooleanField(required=False, label="This is a correction (admin)")
    correction_reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, allowed: list[str], may_correct: bool, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Status.choices)
        # Only the allowed next statuses; an admin may correct to any status.
        statuses = list(Status.values) if may_correct else list(allowed)
        self.fields["to_status"].choices = [(s, labels[s]) for s in statuses]
        self.fields["channel"].queryset = NegotiationChannel.objects.order_by("name")
        if not may_correct:
            del self.fields["is_correction"]
            del self.fields["correction_reason"]


class ChannelForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = NegotiationChannel
        fields = ["name", "mediator", "mediator_country", "counterpart", "place", "status", "opened_on", "closed_on"]
        widgets = {
            "opened_on": forms.DateInput(attrs={"type": "date"}),
            "closed_on": forms.DateInput(attrs={"type": "date"}),
            "status": forms.Select(choices=ChannelStatus.choices),
        }


class ChannelEventForm(forms.Form):
    kind = forms.ChoiceField(choices=ChannelEventKind.choices)
    occurred_at = UTCDateTimeField()
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    source = forms.CharField(max_length=500)
    source_url = forms.URLField(max_length=1000, required=False, label="Source URL")


class ChannelMemberForm(forms.Form):
    case_ref = forms.CharField(max_length=20, label="Case reference", help_text="e.g. HC-000123")
    role = forms.ChoiceField(choices=ChannelRole.choices)
    source = forms.CharField(max_length=500, required=False)

    def clean_case_ref(self):
        ref = self.cleaned_data["case_ref"].strip().upper()
        detainee = Detainee.objects.filter(case_ref=ref).first()
        if detainee is None:
            raise ValidationError(f"No case {ref}.")
        self.detainee = detainee
        return ref


class SubscriptionForm(forms.Form):
    kind = forms.ChoiceField(choices=SubscriptionKind.choices, label="Alert me about")
    value = forms.CharField(
        max_length=64,
        label="Which",
        help_text="A country code (RU), a status (released), a case reference (HC-000123), or a channel name.",
    )
    by_email = forms.BooleanField(required=False, initial=True, label="By email")
    in_app = forms.BooleanField(required=False, initial=True, label="In the app")

    def clean(self):
        data = super().clean()
        if not (data.get("by_email") or data.get("in_app")):
            raise ValidationError("Choose at least one way to be alerted.")
        return data


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's refusal on the form: on the field it names, else above the form."""
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


# --- Facts under uncertainty (the services check the rules; these only the shape) ---------------


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))


class FamilyNotificationForm(forms.Form):
    informed_at = UTCDateTimeField(required=False, label="Family informed at", help_text="Default: now (UTC).")
    method = forms.ChoiceField(choices=FamilyNotificationMethod.choices)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ClaimForm(forms.Form):
    asserted_status = forms.ChoiceField(choices=Status.choices, label="Asserted status")
    source = forms.CharField(max_length=500, help_text="Who said it.")
    source_url = forms.URLField(required=False, max_length=1000)
    confidence = forms.ChoiceField(choices=Confidence.choices, initial=Confidence.REPORTED)
    occurred_at = UTCDateTimeField(required=False, label="Said at", help_text="Default: now (UTC).")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RulingForm(forms.Form):
    note = forms.CharField(required=False, label="Ruling note")


class ProofOfLifeForm(forms.Form):
    observed_at = UTCDateTimeField(label="Seen alive at")
    kind = forms.ChoiceField(choices=ProofOfLifeKind.choices)
    source = forms.CharField(max_length=500)
    source_url = forms.URLField(required=False, max_length=1000)
    confidence = forms.ChoiceField(choices=Confidence.choices, initial=Confidence.REPORTED)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CaptivityGroupForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="Where or how they were held, e.g. “Tunnel, southern district”.")
    place = forms.CharField(max_length=300, required=False)
    since = forms.DateField(required=False, label="Held together since", widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label="Held together until", widget=forms.DateInput(attrs={"type": "date"}))
    source = forms.CharField(max_length=500, help_text="Who told us they were held together.")
    confidence = forms.ChoiceField(choices=Confidence.choices, initial=Confidence.REPORTED)
    others = forms.CharField(
        required=False,
        label="Also held with them",
        help_text="Case references, separated by commas or spaces (e.g. HC-000123, HC-000456).",
    )

    def clean_others(self) -> list:
        refs = [ref.strip().upper() for ref in self.cleaned_data["others"].replace(",", " ").split() if ref.strip()]
        found = dict(Detainee.objects.filter(case_ref__in=refs).values_list("case_ref", "pk"))
        missing = [ref for ref in refs if ref not in found]
        if missing:
            raise ValidationError(f"No case {', '.join(missing)}.")
        return [found[ref] for ref in refs]


class GroupJoinForm(forms.Form):
    group = forms.ModelChoiceField(queryset=CaptivityGroup.objects.all(), label="Held together with the group")

    def __init__(self, *args, detainee: Detainee | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if detainee is not None:
            self.fields["group"].queryset = CaptivityGroup.objects.exclude(memberships__detainee=detainee)
