import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F
from django.db.models.functions import Length, Upper
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from cases.choices import INITIAL_STATUS, Script, Sex, Status
from core.constraints import choice_check, not_blank
from core.models import TokenAttributedHistory
from core.validators import no_control_characters

CASE_REF_PREFIX = "HC-"


def format_case_ref(number: int) -> str:
    return f"{CASE_REF_PREFIX}{number:06d}"


class Detainee(models.Model):
    """The subject of a case: one person taken (or feared taken) hostage."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case_ref = models.CharField(
        _("case reference"),
        max_length=16,
        unique=True,
        editable=False,
        validators=[RegexValidator(r"^HC-\d{6,}$")],
        help_text=_("Human case reference, e.g. HC-000123."),
    )
    full_name = models.CharField(_("full name"), max_length=300, validators=[no_control_characters])
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    abducted_at = models.DateTimeField(_("abducted at"), null=True, blank=True)
    abduction_place = models.CharField(
        _("abduction place"), max_length=300, blank=True, validators=[no_control_characters]
    )
    # Kept in step with the status history by cases.services.status_changes, never edited directly.
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=INITIAL_STATUS, editable=False
    )
    status_since = models.DateTimeField(_("status since"), editable=False)
    notes = models.TextField(_("internal notes"), blank=True)
    # Normalised, transliterated forms of every name of the person (see cases.names), for `q=`.
    search_names = models.TextField(editable=False, default="")
    # Consonant skeletons of the names (cases.names.search_skeletons): lists in Hebrew or Arabic match by them.
    search_skeletons = models.TextField(editable=False, default="")
    # How many citizenships the person holds, kept in step by cases.services.detainees.
    citizenship_count = models.PositiveSmallIntegerField(editable=False, default=0)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    # Family first: while a death (or the return of remains) waits for the family to be told,
    # partners keep seeing the case as it was before it; these hold that picture (null otherwise).
    # Set and cleared only by cases.services.status_changes and cases.services.family_notifications;
    # core.access reads them for partners.
    withholding = models.BooleanField(_("family not yet informed"), default=False, editable=False)
    disclosed_status = models.CharField(  # noqa: DJ001 - null: nothing withheld, unlike any status
        _("status partners see"), max_length=20, choices=Status.choices, null=True, blank=True, editable=False
    )
    disclosed_status_since = models.DateTimeField(null=True, blank=True, editable=False)
    disclosed_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    disclosed_updated_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The last status change partners may see (its sequence).
    disclosed_through = models.PositiveIntegerField(null=True, blank=True, editable=False)

    # Four eyes: a proposed change (a death) awaits a second officer (cases.services.status_changes).
    awaiting_confirmation = models.BooleanField(_("awaiting confirmation"), default=False, editable=False)

    # Claims (cases.services.claims keeps these in step): open ones, and whether they disagree.
    open_claims = models.PositiveSmallIntegerField(_("open claims"), default=0, editable=False)
    in_conflict = models.BooleanField(_("claims in conflict"), default=False, editable=False)

    # Proof of life (cases.services.proofs_of_life): the last time the person was seen alive, and
    # the clock of "days without a proof of life" that runs from it, or from the abduction (or the
    # record's creation) when there is none; the clock is never null, so lists sort by it.
    last_proof_of_life_at = models.DateTimeField(_("last proof of life"), null=True, blank=True, editable=False)
    proof_of_life_clock = models.DateTimeField(_("without proof of life since"), editable=False)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    history = HistoricalRecords(
        excluded_fields=[
            "search_names",
            "search_skeletons",
            "citizenship_count",
            "disclosed_status",
            "disclosed_status_since",
            "disclosed_version",
            "disclosed_updated_at",
            "disclosed_through",
            "awaiting_confirmation",
            "open_claims",
            "in_conflict",
            "proof_of_life_clock",
        ],
        bases=[TokenAttributedHistory],
    )

    class Meta:
        verbose_name = _("detainee")
        verbose_name_plural = _("detainees")
        ordering = ["case_ref"]
        permissions = [
            ("view_internal_notes", _("Can see internal notes")),
            ("export_detainees", _("Can export detainee lists")),
            ("import_lists", _("Can import lists of names")),
        ]
        constraints = [
            choice_check("status", Status, "detainee_status_valid"),
            choice_check("sex", Sex, "detainee_sex_valid"),
            not_blank("full_name", "detainee_full_name_not_blank"),
            models.CheckConstraint(
                condition=models.Q(case_ref__startswith=CASE_REF_PREFIX), name="detainee_case_ref_format"
            ),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="detainee_version_positive"),
            choice_check("disclosed_status", Status, "detainee_disclosed_status_valid", nullable=True),
            # Partners see the case as it is, unless the family has still to be told; then every
            # part of what they see instead is there.
            models.CheckConstraint(
                condition=models.Q(
                    withholding=False,
                    disclosed_status__isnull=True,
                    disclosed_status_since__isnull=True,
                    disclosed_version__isnull=True,
                    disclosed_updated_at__isnull=True,
                    disclosed_through__isnull=True,
                )
                | models.Q(
                    withholding=True,
                    disclosed_status__isnull=False,
                    disclosed_status_since__isnull=False,
                    disclosed_version__isnull=False,
                    disclosed_updated_at__isnull=False,
                    disclosed_through__isnull=False,
                ),
                name="detainee_disclosed_only_while_withheld",
            ),
            models.CheckConstraint(
                condition=models.Q(in_conflict=False) | models.Q(open_claims__gte=2),
                name="detainee_conflict_needs_claims",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "case_ref"], name="detainee_status_idx"),
            models.Index(fields=["full_name"], name="detainee_full_name_idx"),
            models.Index(fields=["status_since"], name="detainee_status_since_idx"),
            models.Index(fields=["abducted_at"], name="detainee_abducted_at_idx"),
            models.Index(fields=["created_at"], name="detainee_created_at_idx"),
            models.Index(fields=["citizenship_count", "status"], name="detainee_dual_idx"),
            models.Index(fields=["proof_of_life_clock"], name="detainee_pol_clock_idx"),
            # A list's row with a date of birth looks for it beside the names (cases.selectors).
            models.Index(fields=["date_of_birth"], name="detainee_dob_idx"),
            models.Index(fields=["case_ref"], name="detainee_in_conflict_idx", condition=models.Q(in_conflict=True)),
            models.Index(fields=["case_ref"], name="detainee_withholding_idx", condition=models.Q(withholding=True)),
            models.Index(
                fields=["case_ref"], name="detainee_awaiting_idx", condition=models.Q(awaiting_confirmation=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_ref} {self.full_name}"

    def clean(self):
        # Dates that cannot be true, refused wherever the record is saved from (services, admin).
        now = timezone.now()
        errors = {}
        if self.abducted_at and self.abducted_at > now:
            errors["abducted_at"] = _("The abduction cannot be in the future.")
        if self.date_of_birth and self.date_of_birth > now.date():
            errors["date_of_birth"] = _("The date of birth cannot be in the future.")
        if self.abducted_at and self.date_of_birth and self.abducted_at.date() < self.date_of_birth:
            errors["abducted_at"] = _("The abduction cannot be before the date of birth.")
        if errors:
            raise ValidationError(errors)

    @property
    def citizenship_codes(self) -> list[str]:
        # Reads the prefetched rows when there are any, so a list page costs one query for all.
        return sorted(c.country.code for c in self.citizenships.all())


class Citizenship(models.Model):
    """A country whose citizenship the detainee holds, and where that fact came from."""

    detainee = models.ForeignKey(Detainee, on_delete=models.CASCADE, related_name="citizenships")
    country = CountryField(_("country"))
    source = models.CharField(_("source"), max_length=500, blank=True)
    source_url = models.URLField(_("source URL"), max_length=1000, blank=True)
    # States this citizenship must never reach (a dual national's second citizenship, kept from a
    # government that would use it against them): for a partner representing one of them, it does
    # not exist anywhere (core.access).
    withheld_from = CountryField(_("withheld from"), multiple=True, blank=True, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(bases=[TokenAttributedHistory])

    class Meta:
        verbose_name = _("citizenship")
        verbose_name_plural = _("citizenships")
        ordering = ["country"]
        constraints = [
            models.UniqueConstraint(fields=["detainee", "country"], name="citizenship_unique_per_detainee"),
            # An ISO 3166-1 alpha-2 code: two upper-case letters (the field's choices check which).
            models.CheckConstraint(
                condition=Exact(Length("country"), 2) & Exact(Upper("country"), F("country")),
                name="citizenship_country_alpha2",
            ),
        ]
        indexes = [models.Index(fields=["country", "detainee"], name="citizenship_country_idx")]

    def __str__(self) -> str:
        return f"{self.country.code}"


class NameVariant(models.Model):
    """The detainee's name as written in another script or spelling."""

    detainee = models.ForeignKey(Detainee, on_delete=models.CASCADE, related_name="name_variants")
    name = models.CharField(_("name"), max_length=300, validators=[no_control_characters])
    script = models.CharField(_("script"), max_length=4, choices=Script.choices, help_text=_("ISO 15924 code"))

    history = HistoricalRecords(bases=[TokenAttributedHistory])

    class Meta:
        verbose_name = _("name variant")
        verbose_name_plural = _("name variants")
        ordering = ["script", "name"]
        constraints = [
            models.UniqueConstraint(fields=["detainee", "name", "script"], name="name_variant_unique"),
            choice_check("script", Script, "name_variant_script_valid"),
            not_blank("name", "name_variant_name_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.script})"
