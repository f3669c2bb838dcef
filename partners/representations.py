"""The shape of a disclosure, for the API and the admins' pages alike."""

from typing import Any

from cases.representations import iso_time
from partners.models import Disclosure


def disclosure_document(disclosure: Disclosure) -> dict[str, Any]:
    return {
        "id": disclosure.id,
        "at": iso_time(disclosure.at),
        "partner": {"id": disclosure.partner_id, "name": disclosure.partner.name},
        "via": disclosure.via,
        "token": disclosure.token.prefix if disclosure.token_id else None,
        "endpoint": disclosure.endpoint.url if disclosure.endpoint_id else None,
        "target": disclosure.target,
        "detainees": disclosure.detainees,
        "events": disclosure.events,
    }
