"""Which webhook URLs we may call: https to a public address, against SSRF.

WEBHOOK_ALLOW_LOCAL (tests, `make run`) also allows http and private or loopback addresses.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError


def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        raise ValidationError(f"The host {host!r} cannot be resolved.") from exc
    return [ipaddress.ip_address(info[4][0]) for info in infos]


def webhook_url_check(url: str) -> None:
    """Raise ValidationError unless `url` is one we may POST to. Checked again before every delivery,
    since DNS can change between registration and delivery."""
    parts = urlsplit(url)
    allow_local = settings.WEBHOOK_ALLOW_LOCAL
    allowed_schemes = {"https", "http"} if allow_local else {"https"}
    if parts.scheme not in allowed_schemes:
        raise ValidationError("Webhook URLs must use https.")
    if not parts.hostname:
        raise ValidationError("The webhook URL has no host.")
    if parts.username or parts.password:
        raise ValidationError("Webhook URLs may not carry credentials.")
    if allow_local:
        return
    for address in _addresses(parts.hostname):
        if not address.is_global:
            raise ValidationError(f"Webhook URLs must point at a public address, not {address}.")
