"""The domain model of a case: detainees, their citizenships and names, channels, and the status history."""

from cases.models.channels import ChannelEvent, ChannelMembership, NegotiationChannel
from cases.models.detainees import Citizenship, Detainee, NameVariant
from cases.models.status_changes import StatusChange

__all__ = [
    "ChannelEvent",
    "ChannelMembership",
    "Citizenship",
    "Detainee",
    "NameVariant",
    "NegotiationChannel",
    "StatusChange",
]
