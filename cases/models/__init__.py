"""The domain model of a case: detainees, their citizenships and names, channels, the status history,
and the facts under uncertainty (proposals awaiting a second officer, family notifications, claims,
proofs of life, captivity groups)."""

from cases.models.channels import ChannelEvent, ChannelMembership, NegotiationChannel
from cases.models.claims import Claim
from cases.models.detainees import Citizenship, Detainee, NameVariant
from cases.models.family_notifications import FamilyNotification
from cases.models.groups import CaptivityGroup, CaptivityGroupMembership
from cases.models.proofs_of_life import ProofOfLife
from cases.models.proposals import PendingStatusChange
from cases.models.status_changes import StatusChange

__all__ = [
    "CaptivityGroup",
    "CaptivityGroupMembership",
    "ChannelEvent",
    "ChannelMembership",
    "Citizenship",
    "Claim",
    "Detainee",
    "FamilyNotification",
    "NameVariant",
    "NegotiationChannel",
    "PendingStatusChange",
    "ProofOfLife",
    "StatusChange",
]
