"""The enumerated values of cases and channels, and the status transition table.

Nothing else in the code base spells these values as string literals.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    MISSING = "missing", _("Missing")
    HELD = "held", _("Held")
    RELEASE_PENDING = "release_pending", _("Release pending")
    RELEASED = "released", _("Released")
    RESCUED = "rescued", _("Rescued")
    ESCAPED = "escaped", _("Escaped")
    DECEASED = "deceased", _("Deceased")
    REMAINS_RETURNED = "remains_returned", _("Remains returned")
    NOT_HELD = "not_held", _("Not held")


# The allowed next statuses. A status absent from the keys is final.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.MISSING: (
        Status.HELD,
        Status.RELEASE_PENDING,
        Status.RELEASED,
        Status.RESCUED,
        Status.ESCAPED,
        Status.DECEASED,
        Status.NOT_HELD,
    ),
    Status.HELD: (Status.RELEASE_PENDING, Status.RELEASED, Status.RESCUED, Status.ESCAPED, Status.DECEASED),
    Status.RELEASE_PENDING: (Status.RELEASED, Status.HELD, Status.DECEASED),
    Status.DECEASED: (Status.REMAINS_RETURNED,),
}

FINAL_STATUSES = frozenset(s for s in Status.values if s not in TRANSITIONS)
# Statuses in which the person is still in captivity (or unaccounted for), for time-in-captivity figures.
CAPTIVE_STATUSES = frozenset({Status.MISSING, Status.HELD, Status.RELEASE_PENDING})
INITIAL_STATUS = Status.MISSING


def allowed_next_statuses(status: str) -> tuple[str, ...]:
    return TRANSITIONS.get(status, ())


class Confidence(models.TextChoices):
    UNVERIFIED = "unverified", _("Unverified")
    REPORTED = "reported", _("Reported")
    CONFIRMED = "confirmed", _("Confirmed")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNKNOWN = "unknown", _("Unknown")


class Script(models.TextChoices):
    """ISO 15924 script codes of the scripts names arrive in."""

    LATIN = "Latn", _("Latin")
    CYRILLIC = "Cyrl", _("Cyrillic")
    HEBREW = "Hebr", _("Hebrew")
    ARABIC = "Arab", _("Arabic")


class ChannelStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


class ChannelRole(models.TextChoices):
    REQUESTED = "requested", _("Requested (on a list handed over)")
    DISCUSSED = "discussed", _("Discussed")
    RELEASED_THROUGH = "released_through", _("Released through")


class ChannelEventKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    LIST_DELIVERED = "list_delivered", _("List delivered")
    PROPOSAL = "proposal", _("Proposal")
    STATEMENT = "statement", _("Statement")
    RELEASE = "release", _("Release")


# Statuses that need a second officer's confirmation before they become the case's status, and that
# are withheld from partners and email until the family has been informed (four eyes, family first).
CONFIRMED_BY_SECOND_OFFICER = frozenset({Status.DECEASED})
WITHHELD_UNTIL_FAMILY_INFORMED = frozenset({Status.DECEASED, Status.REMAINS_RETURNED})
# How a withheld death is marked wherever the cell reads it (pages, exports).
DO_NOT_DISCLOSE = "Family not yet informed — do not disclose"


class ProposalState(models.TextChoices):
    AWAITING_CONFIRMATION = "awaiting_confirmation", _("Awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class FamilyNotificationMethod(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    LIAISON_OFFICER = "liaison_officer", _("Through a liaison officer")
    OTHER = "other", _("Other")


class ClaimState(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class ProofOfLifeKind(models.TextChoices):
    VIDEO = "video", _("Video")
    PHOTO = "photo", _("Photo")
    TESTIMONY = "testimony", _("Testimony")
    MESSAGE = "message", _("Message")
    VISIT = "visit", _("Visit")
    OTHER = "other", _("Other")
