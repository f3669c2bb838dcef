"""Browser forms of delivered lists. They check the shape of the input; the rules are the services'
(their refusals are shown on the form's fields)."""

from django import forms

from cases.forms import UTCDateTimeField
from lists.choices import Decision, Direction
from lists.parsing import MAX_BYTES, MAX_ROWS


class ListUploadForm(forms.Form):
    channel = forms.ModelChoiceField(queryset=None, empty_label="Choose the channel…")
    direction = forms.ChoiceField(choices=Direction.choices, widget=forms.RadioSelect, initial=Direction.TO_COUNTERPART)
    delivered_by = forms.CharField(max_length=300, label="Delivered by", help_text="Who handed the list over.")
    delivered_at = UTCDateTimeField(required=False, label="Delivered at", help_text="UTC. Default: now.")
    file = forms.FileField(
        help_text=f"CSV (UTF-8, comma or semicolon), XLSX, or PFIF 1.4 XML; at most {MAX_BYTES // 1024 // 1024} MB "
        f"and {MAX_ROWS:,} rows. Columns: full_name (required), other_names, date_of_birth, citizenships, sex, note."
    )

    def __init__(self, *args, channels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = channels


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=Decision.choices)
    detainee = forms.UUIDField(required=False)
