"""The one definition of the filters of a list's rows, for its review page and the API alike:
`label=likely,possible,none` (the best candidate's), `decision=confirmed,rejected,unsure,undecided`
(any of; repeatable or comma-separated), `problems=true|false` (rows flagged when read)."""

import django_filters
from django.db.models import Q

from cases.filtersets import CommaListWidget
from lists.choices import Decision, MatchLabel
from lists.models import ListEntry

UNDECIDED = "undecided"


class EntryFilter(django_filters.FilterSet):
    label = django_filters.MultipleChoiceFilter(
        choices=MatchLabel.choices, widget=CommaListWidget, method="filter_label", label="Match (any of)"
    )
    decision = django_filters.MultipleChoiceFilter(
        choices=[*Decision.choices, (UNDECIDED, "Not decided yet")],
        widget=CommaListWidget,
        method="filter_decision",
        label="Decision (any of)",
    )
    problems = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")], method="filter_problems", label="Flagged when read"
    )

    class Meta:
        model = ListEntry
        fields: list[str] = []

    def filter_label(self, queryset, name, value):
        return queryset.filter(label__in=value) if value else queryset

    def filter_decision(self, queryset, name, value):
        if not value:
            return queryset
        wanted = Q(decision__in=[v for v in value if v != UNDECIDED])
        if UNDECIDED in value:
            wanted |= Q(decision="")
        return queryset.filter(wanted)

    def filter_problems(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.exclude(problems=[]) if value == "true" else queryset.filter(problems=[])


ENTRY_FILTER_PARAMETERS = frozenset(EntryFilter.base_filters)
ENTRY_REPEATABLE_PARAMETERS = frozenset({"label", "decision"})
