from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from cases.models.history import TokenAttributedHistory


class Partner(models.Model):
    """Another organisation whose systems read the API, scoped to a set of nationalities.

    A partner sees only detainees who hold at least one of `nationalities`, everywhere.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    nationalities = CountryField(_("nationalities"), multiple=True, blank=False)
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

    @property
    def nationality_codes(self) -> list[str]:
        return sorted(c.code for c in self.nationalities)
