"""Template helpers: links that keep the list's filters, and display of codes."""

from django import template
from django.utils.http import urlencode
from django_countries import countries

from cases.choices import Status

register = template.Library()


@register.simple_tag(takes_context=True)
def with_query(context, **changes) -> str:
    """The current query string with some parameters replaced (None removes them); the cursor is
    dropped whenever anything else changes, since it belongs to the old ordering."""
    params = context["request"].GET.copy()
    if set(changes) - {"cursor"}:
        params.pop("cursor", None)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    encoded = urlencode(sorted(params.lists()), doseq=True)
    return f"?{encoded}" if encoded else "?"


@register.filter
def status_label(value: str) -> str:
    return Status(value).label if value in Status.values else value


@register.filter
def citizenship_code(citizenship) -> str:
    """A citizenship as a detainee document gives it: a code, or {"country", "withheld_from"}."""
    return citizenship["country"] if isinstance(citizenship, dict) else citizenship


@register.filter
def country_name(code: str) -> str:
    return countries.name(code) or code


@register.filter
def channel_roles(links: list[dict]) -> str:
    """[{"name", "role"}, ...] → 'Doha talks (Qatar): discussed, released through; ...'."""
    from cases.choices import ChannelRole

    grouped: dict[str, list[str]] = {}
    for link in links:
        label = (
            ChannelRole(link["role"]).label.split(" (")[0].lower()
            if link["role"] in ChannelRole.values
            else link["role"]
        )
        grouped.setdefault(link["name"], []).append(label)
    return "; ".join(f"{name}: {', '.join(roles)}" for name, roles in grouped.items())


@register.filter
def iso_minute(value) -> str:
    """'2023-10-07T06:30:00.123Z' or a datetime → '2023-10-07 06:30 UTC'."""
    if not value:
        return ""
    if hasattr(value, "astimezone"):
        from datetime import UTC

        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = str(value)
    return f"{text[:10]} {text[11:16]} UTC" if len(text) >= 16 else text
