"""Partners (other organisations' systems), their API tokens and their webhook endpoints.

API tokens are personal (they act with the user's role) or a partner's (read-only, scoped to
nationalities). Only a keyed hash of the secret is stored (HMAC-SHA256 with a server-side key),
found by a short public prefix and compared in constant time; the token is shown once, at issue.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from core.constraints import choice_check
from core.models import TokenAttributedHistory
from partners.choices import DisclosureVia


class Partner(models.Model):
    """Another organisation whose systems read the API, scoped to a set of nationalities.

    A partner sees only detainees who hold at least one of `nationalities`, everywhere.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    nationalities = CountryField(_("nationalities"), multiple=True, blank=False)
    # The state the partner represents, if any: citizenships withheld from it are never shown to it.
    country = CountryField(_("represents"), blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(bases=[TokenAttributedHistory])

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=~models.Q(nationalities=""), name="partner_has_scope")]

    def __str__(self) -> str:
        return self.name


class ApiToken(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200, blank=True)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    digest = models.CharField(_("digest"), max_length=64, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="api_tokens"
    )
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, null=True, blank=True, related_name="api_tokens")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False, partner__isnull=True)
                | models.Q(user__isnull=True, partner__isnull=False),
                name="api_token_belongs_to_user_or_partner",
            )
        ]

    def __str__(self) -> str:
        owner = self.partner.name if self.partner_id else self.user.get_username()
        return f"{self.prefix}… ({owner})"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class WebhookEndpoint(models.Model):
    """A partner's URL that receives signed events (Standard Webhooks), within the partner's scope."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(_("URL"), max_length=1000)
    # The signing key must be usable to sign, so it cannot be hashed; it is shown once at creation.
    secret = models.CharField(_("signing secret"), max_length=100, editable=False)
    # After a rotation the old secret signs too, until then (Standard Webhooks allows several
    # signatures), so a receiver can switch without losing a delivery.
    previous_secret = models.CharField(_("previous signing secret"), max_length=100, blank=True, editable=False)
    previous_secret_until = models.DateTimeField(_("previous secret valid until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    disabled_reason = models.CharField(_("disabled because"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["partner", "url"]
        constraints = [models.UniqueConstraint(fields=["partner", "url"], name="webhook_endpoint_unique")]

    def __str__(self) -> str:
        return f"{self.partner} → {self.url}"

    def signing_secrets(self, at=None) -> list[str]:
        """The secrets that sign now: the current one, and the previous one during its overlap."""
        at = at or timezone.now()
        if self.previous_secret and self.previous_secret_until and self.previous_secret_until > at:
            return [self.secret, self.previous_secret]
        return [self.secret]


class Disclosure(models.Model):
    """What one answer to a partner disclosed: an API response to its token, or a webhook delivered
    to its endpoint. One row per answer (the detainees and events it named as lists), never one per
    detainee: the log costs a partner's page one insert. Written by partners.disclosures."""

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("at"), default=timezone.now)
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="disclosures")
    via = models.CharField(_("via"), max_length=10, choices=DisclosureVia.choices)
    token = models.ForeignKey(ApiToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The API path and query string, or the webhook's URL.
    target = models.CharField(_("endpoint"), max_length=1000)
    detainees = models.JSONField(_("detainees"), default=list)
    events = models.JSONField(_("events"), default=list)

    class Meta:
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["partner", "at"], name="disclosure_partner_idx")]
        constraints = [choice_check("via", DisclosureVia, "disclosure_via_valid")]

    def __str__(self) -> str:
        return f"{self.partner} {self.via} {self.at:%Y-%m-%d %H:%M}"
