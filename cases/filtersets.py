"""The one definition of the detainee filters, shared by the browser's list URLs and the API.

`citizenship=RU,IL` (or repeated) holds any of them; `citizenship_all=RU,IL` holds all of them;
`dual=true|false`; `status=held,missing`; `channel=<uuid>`; `updated_since=<ISO time>`;
`q=<name>` matches any name variant across scripts and spellings; `proof_of_life_older_than=<days>`
(still in captivity, and no proof of life for that long, or none); for the cell only (a partner
does not know them: core.access), `in_conflict`, `awaiting_confirmation` and `withheld`
(family not yet informed); `ordering`. Invalid values are errors, never ignored.
"""

import copy
from datetime import UTC, timedelta

import django_filters
import django_filters.fields
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django_countries import countries

from cases.choices import CAPTIVE_STATUSES, Status
from cases.models import ChannelMembership, Citizenship, Detainee
from cases.name_matching import name_similarity
from cases.names import name_key
from cases.selectors import detainees_named_like
from core.access import Viewer, citizenships_known_to, column, detainees_visible, readable_detainees

# The orderings a list can be sorted by: all NOT NULL columns, so keyset pagination holds.
ORDERING_FIELDS = {
    "case_ref": "case_ref",
    "full_name": "full_name",
    "status": "status",
    "status_since": "status_since",
    "updated_at": "updated_at",
    "created_at": "created_at",
    # No proof of life for longest first (ascending): the clock runs from the last one, or the abduction.
    "last_proof_of_life": "proof_of_life_clock",
}
DEFAULT_ORDERING = ["case_ref"]
ORDERING_CHOICES = [f"{sign}{name}" for name in ORDERING_FIELDS for sign in ("", "-")]


class CommaListWidget(forms.TextInput):
    """Reads `a,b` and `x=a&x=b` alike, as one list."""

    def __init__(self, *args, upper: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.upper = upper

    def value_from_datadict(self, data, files, name):
        raw = data.getlist(name) if isinstance(data, MultiValueDict) else [data.get(name) or ""]
        values = [part.strip() for item in raw if item for part in item.split(",") if part.strip()]
        if self.upper:
            values = [v.upper() for v in values]
        return list(dict.fromkeys(values))


def _country_choices() -> list[tuple[str, str]]:
    return list(countries)


_COUNTRY_CODES = frozenset(code for code, _ in countries)


class CountryListField(django_filters.fields.MultipleChoiceField):
    def valid_value(self, value) -> bool:
        return value in _COUNTRY_CODES  # a set lookup, not a walk through 250 choices per value


class CountryListFilter(django_filters.MultipleChoiceFilter):
    field_class = CountryListField

    def __init__(self, *args, **kwargs):
        # A callable, not the list: every FilterSet deep-copies its filters, and copying 250
        # choices twice per request cost more than the query it filters.
        kwargs.setdefault("choices", _country_choices)
        kwargs.setdefault("widget", CommaListWidget(upper=True))
        super().__init__(*args, **kwargs)


def _holds(code_or_codes, viewer: Viewer) -> Exists:
    """Holds one of these citizenships, of those the reader may know of (core.access)."""
    codes = [code_or_codes] if isinstance(code_or_codes, str) else list(code_or_codes)
    known = Citizenship.objects.filter(citizenships_known_to(viewer))
    return Exists(known.filter(detainee=OuterRef("pk"), country__in=codes))


SEARCH_ALIKE = 0.75  # how alike (cases.name_matching) a name must be to be found by another spelling
SEARCH_RETRIEVED = 50


def name_search(queryset, text: str):
    """Every word of the query is in one of the person's names, by its Latin key (transliterated,
    accents and case gone, common romanisation differences folded: cases.names); or the name as a
    whole is alike as the list matcher sees it (cases.name_matching: spelling variants, any script,
    Hebrew and Arabic by consonant skeleton, words in any order) among the people the trigram
    indexes retrieve for it. So search and list matching agree on who a name may be."""
    by_keys = Q()
    for word in name_key(text).split():
        # Keys are lower-case already: a plain LIKE (not ILIKE's UPPER()) lets the trigram index serve it.
        by_keys &= Q(search_names__contains=word)
    alike = [
        d.pk
        for d in detainees_named_like([text], limit=SEARCH_RETRIEVED, related=("name_variants",))
        if max(name_similarity(text, name) for name in (d.full_name, *(v.name for v in d.name_variants.all())))
        >= SEARCH_ALIKE
    ]
    return queryset.filter(by_keys | Q(pk__in=alike))


class DetaineeFilter(django_filters.FilterSet):
    """The detainees a viewer may see (core.access), filtered. The scope is applied after the
    filters, so the policy can tell when a citizenship filter already implies it."""

    citizenship = CountryListFilter(method="filter_citizenship", label="Holds any of these citizenships")
    citizenship_all = CountryListFilter(method="filter_citizenship_all", label="Holds all of these citizenships")
    dual = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_dual",
        label="Two or more citizenships (true) or exactly one (false)",
    )
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, widget=CommaListWidget, method="filter_status", label="Current status (any of)"
    )
    channel = django_filters.UUIDFilter(method="filter_channel", label="Linked to this negotiation channel")
    updated_since = django_filters.IsoDateTimeFilter(
        method="filter_updated_since", label="Changed at or after this time"
    )
    q = django_filters.CharFilter(method="filter_q", label="Name, in any script or spelling")
    proof_of_life_older_than = django_filters.NumberFilter(
        method="filter_proof_of_life_older_than",
        min_value=0,
        max_value=36500,
        label="Still held, and no proof of life for more than this many days (or none)",
    )
    in_conflict = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")], method="filter_flag", label="Open claims disagree"
    )
    awaiting_confirmation = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_flag",
        label="A proposed change awaits a second officer",
    )
    withheld = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_flag",
        label="Family not yet informed (withheld from partners)",
    )
    ordering = django_filters.ChoiceFilter(
        choices=[(choice, choice) for choice in ORDERING_CHOICES],
        method="filter_ordering",
        label="Sort order",
    )

    class Meta:
        model = Detainee
        fields: list[str] = []

    def __init__(self, data=None, *, viewer: Viewer, **kwargs):
        # Always bound: django-filter skips filter_queryset (and so the scope) on an unbound set.
        super().__init__(QueryDict() if data is None else data, queryset=readable_detainees(viewer), **kwargs)
        self.viewer = viewer

    @classmethod
    def _form_class(cls) -> type:
        # Depends only on the filters' definitions: built once, not on every request.
        if "_built_form_class" not in cls.__dict__:
            fields = {name: copy.deepcopy(f).field for name, f in cls.base_filters.items()}
            cls._built_form_class = type(f"{cls.__name__}Form", (cls._meta.form,), fields)
        return cls._built_form_class

    def get_form_class(self) -> type:
        return self._form_class()

    def filter_queryset(self, queryset):
        filtered = super().filter_queryset(queryset)
        return detainees_visible(self.viewer, among=filtered, holding=self.form.cleaned_data.get("citizenship") or ())

    def filter_citizenship(self, queryset, name, value):
        return queryset.filter(_holds(value, self.viewer)) if value else queryset

    def filter_citizenship_all(self, queryset, name, value):
        for code in value:
            queryset = queryset.filter(_holds(code, self.viewer))
        return queryset

    def filter_dual(self, queryset, name, value):
        if not value:
            return queryset
        count = column(self.viewer, "citizenship_count")
        return queryset.filter(**{f"{count}__gte": 2}) if value == "true" else queryset.filter(**{count: 1})

    def filter_status(self, queryset, name, value):
        return queryset.filter(**{f"{column(self.viewer, 'status')}__in": value}) if value else queryset

    def filter_channel(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(Exists(ChannelMembership.objects.filter(detainee=OuterRef("pk"), channel_id=value)))

    def filter_updated_since(self, queryset, name, value):
        if value is None:
            return queryset
        # In UTC: the database refuses offsets beyond ±15:59, which ISO 8601 allows.
        try:
            value = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
        except (OverflowError, ValueError) as exc:
            raise forms.ValidationError({"updated_since": "This time is out of range."}) from exc
        return queryset.filter(**{f"{column(self.viewer, 'updated_at')}__gte": value})

    def filter_proof_of_life_older_than(self, queryset, name, value):
        if value is None:
            return queryset
        if value != int(value):
            raise forms.ValidationError({name: "A whole number of days."})
        cutoff = timezone.now() - timedelta(days=int(value))
        captive = {f"{column(self.viewer, 'status')}__in": CAPTIVE_STATUSES}
        return queryset.filter(**captive).filter(
            Q(last_proof_of_life_at__isnull=True) | Q(last_proof_of_life_at__lt=cutoff)
        )

    _FLAG_COLUMNS = {
        "in_conflict": "in_conflict",
        "awaiting_confirmation": "awaiting_confirmation",
        "withheld": "withholding",
    }

    def filter_flag(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(**{self._FLAG_COLUMNS[name]: value == "true"})

    def filter_q(self, queryset, name, value):
        if not value.strip():
            return queryset
        if not name_key(value):
            raise forms.ValidationError({"q": "Search for a name: letters in any script."})
        return name_search(queryset, value)

    def filter_ordering(self, queryset, name, value):
        return queryset  # applied by the list's pagination, which needs to know it

    @property
    def sort_spec(self) -> list[tuple[str, bool]]:
        """[(column, descending)], always ending in a unique column so pages never overlap."""
        value = self.form.cleaned_data.get("ordering") if self.is_bound and self.is_valid() else None
        fields = [value] if value else DEFAULT_ORDERING
        spec = [(column(self.viewer, ORDERING_FIELDS[f.lstrip("-")]), f.startswith("-")) for f in fields]
        if spec[0][0] != "case_ref":
            spec.append(("case_ref", spec[0][1]))
        return spec

    def values_in_force(self) -> dict[str, str]:
        """What the filter form shows: the filters this list is filtered by, lists joined by commas."""
        values = {}
        for name in self.base_filters:
            value = self.form[name].value()
            values[name] = ", ".join(value) if isinstance(value, list) else (value or "")
        return values


FILTER_PARAMETERS = frozenset(DetaineeFilter.base_filters)
# The filters that take several values (comma-separated, or the parameter repeated).
REPEATABLE_PARAMETERS = frozenset(
    name for name, f in DetaineeFilter.base_filters.items() if isinstance(f, django_filters.MultipleChoiceFilter)
)
