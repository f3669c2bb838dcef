"""Partners (other organisations, scoped to nationalities) and their webhook endpoints."""

import base64
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_countries import countries

from core.access import partner_scope
from partners.models import Partner, WebhookEndpoint
from partners.webhook_urls import webhook_url_check


def nationalities_parse(raw: str) -> list[str]:
    """'ru, IL' -> ['IL', 'RU'], refusing anything that is not an ISO 3166-1 alpha-2 code."""
    codes = sorted({code.strip().upper() for code in raw.split(",") if code.strip()})
    unknown = [code for code in codes if code not in countries]
    if unknown:
        raise ValidationError({"nationalities": f"Not ISO 3166-1 alpha-2 country codes: {', '.join(unknown)}."})
    if not codes:
        raise ValidationError({"nationalities": "Give at least one nationality."})
    return codes


@transaction.atomic
def partner_ensure(
    *, name: str, nationalities: list[str] | None = None, country: str | None = None
) -> tuple[Partner, bool]:
    """The partner of that name; created (or its scope replaced) when `nationalities` is given, and the
    state it represents set when `country` is (see Citizenship.withheld_from)."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "A partner needs a name."})
    if country is not None:
        country = country.strip().upper()
        if country and country not in countries:
            raise ValidationError({"country": f"Not an ISO 3166-1 alpha-2 country code: {country}."})
    partner = Partner.objects.select_for_update().filter(name=name).first()
    if partner is None:
        if not nationalities:
            raise ValidationError({"nationalities": f"No partner named {name!r}: give its nationalities to create it."})
        partner = Partner(name=name, nationalities=nationalities, country=country or "")
        partner.full_clean()
        partner.save()
        return partner, True
    changed = False
    if nationalities and sorted(nationalities) != partner_scope(partner):
        partner.nationalities = nationalities
        changed = True
    if country is not None and country != (partner.country.code or ""):
        partner.country = country
        changed = True
    if changed:
        partner.full_clean()
        partner.save()
    return partner, False


def webhook_secret_generate() -> str:
    """A Standard Webhooks signing secret: 'whsec_' and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


@transaction.atomic
def webhook_endpoint_create(*, partner: Partner, url: str) -> WebhookEndpoint:
    """Register a URL for the partner's events; the returned endpoint's secret is shown once."""
    webhook_url_check(url)
    if WebhookEndpoint.objects.filter(partner=partner, url=url).exists():
        raise ValidationError({"url": "This partner already has an endpoint at that URL."})
    endpoint = WebhookEndpoint(partner=partner, url=url, secret=webhook_secret_generate())
    endpoint.full_clean()
    endpoint.save()
    return endpoint


@transaction.atomic
def webhook_secret_rotate(*, endpoint_id) -> tuple[WebhookEndpoint, str]:
    """A new signing secret (returned once); the old one keeps signing beside it for the overlap
    (WEBHOOK_SECRET_OVERLAP_HOURS), so the receiver can switch without losing a delivery."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint_id)
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_until = timezone.now() + timedelta(hours=settings.WEBHOOK_SECRET_OVERLAP_HOURS)
    endpoint.secret = webhook_secret_generate()
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_until"])
    return endpoint, endpoint.secret
