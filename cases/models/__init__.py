"""The domain model: detainees, their citizenships and names, channels, and the status history."""

from cases.models.alerts import (
    Delivery,
    DeliveryAttempt,
    Event,
    FeedEpoch,
    Notification,
    Subscription,
    WebhookEndpoint,
)
from cases.models.channels import ChannelEvent, ChannelMembership, NegotiationChannel
from cases.models.detainees import Citizenship, Detainee, NameVariant
from cases.models.partners import Partner
from cases.models.status_changes import StatusChange
from cases.models.tokens import ApiToken
from cases.models.users import User

__all__ = [
    "ApiToken",
    "ChannelEvent",
    "ChannelMembership",
    "Citizenship",
    "Delivery",
    "DeliveryAttempt",
    "Detainee",
    "Event",
    "FeedEpoch",
    "NameVariant",
    "NegotiationChannel",
    "Notification",
    "Partner",
    "StatusChange",
    "Subscription",
    "User",
    "WebhookEndpoint",
]
