"""Webhook self-service for partners, with their own token: their endpoints, each endpoint's recent
deliveries with every attempt, redelivering one, a test ping, and rotating the signing secret (the
old one keeps signing beside the new one for an overlap). A partner sees only its own endpoints
(another's is a 404); people use the admin instead."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.response import Response

from alerts.choices import DeliveryKind, DeliveryStatus
from alerts.models import Delivery
from alerts.services.delivery import delivery_redeliver, endpoint_ping
from cases.api.schema import CONDITIONAL_GET, CURSOR_PARAMETERS, LIST_PROBLEMS, READ_PROBLEMS, WRITE_PROBLEMS, paginated
from cases.representations import iso_time
from core import etags
from core.api import ApiView
from core.pagination import page_size_of, paginate
from partners.models import WebhookEndpoint
from partners.principals import PartnerPrincipal
from partners.services.partners import webhook_secret_rotate

RECENT = 200  # deliveries an endpoint's log shows, newest first


class PartnersOwnEndpoints(permissions.BasePermission):
    message = "Webhook self-service is for partners' systems, with their own token; people use the admin."

    def has_permission(self, request, view) -> bool:
        return isinstance(request.user, PartnerPrincipal)


class EndpointSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    url = serializers.URLField()
    is_active = serializers.BooleanField()
    disabled_reason = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    previous_secret_until = serializers.DateTimeField(
        allow_null=True, help_text="While set and in the future, deliveries carry two signatures: new and old."
    )


class AttemptSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    started_at = serializers.DateTimeField()
    duration_ms = serializers.IntegerField()
    status_code = serializers.IntegerField(allow_null=True)
    succeeded = serializers.BooleanField()
    error = serializers.CharField(allow_blank=True)


class DeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event = serializers.UUIDField(help_text="The event's id: the webhook-id header.")
    event_type = serializers.CharField()
    status = serializers.ChoiceField(choices=DeliveryStatus.choices)
    attempts = AttemptSerializer(many=True)
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    last_error = serializers.CharField(allow_blank=True)


def _endpoint_document(endpoint: WebhookEndpoint) -> dict:
    return {
        "id": str(endpoint.pk),
        "url": endpoint.url,
        "is_active": endpoint.is_active,
        "disabled_reason": endpoint.disabled_reason,
        "created_at": iso_time(endpoint.created_at),
        "previous_secret_until": iso_time(endpoint.previous_secret_until),
    }


def _delivery_document(delivery: Delivery) -> dict:
    return {
        "id": delivery.pk,
        "event": str(delivery.event.id),
        "event_type": delivery.event.type,
        "status": delivery.status,
        "attempts": [
            {
                "number": a.number,
                "started_at": iso_time(a.started_at),
                "duration_ms": a.duration_ms,
                "status_code": a.status_code,
                "succeeded": a.succeeded,
                "error": a.error,
            }
            for a in delivery.attempt_log.all()
        ],
        "next_attempt_at": iso_time(delivery.next_attempt_at) if delivery.status == DeliveryStatus.PENDING else None,
        "delivered_at": iso_time(delivery.delivered_at),
        "last_error": delivery.last_error,
    }


class _OwnEndpoint(ApiView):
    permission_classes = [PartnersOwnEndpoints]

    def endpoint(self, request, pk) -> WebhookEndpoint:
        return get_object_or_404(WebhookEndpoint, pk=pk, partner=request.user.partner)


class EndpointListView(_OwnEndpoint):
    @extend_schema(
        operation_id="webhooks_list",
        parameters=CONDITIONAL_GET,
        responses={200: EndpointSerializer(many=True), **READ_PROBLEMS},
        description="Your webhook endpoints (partner tokens only).",
    )
    def get(self, request):
        endpoints = WebhookEndpoint.objects.filter(partner=request.user.partner).order_by("created_at")
        documents = [_endpoint_document(e) for e in endpoints]
        etag = etags.make_etag(request.path, request.user.partner.pk, documents)
        return self.conditional(request, etag, lambda: Response(documents))


class DeliveryListView(_OwnEndpoint):
    allowed_parameters = frozenset({"page_size", "cursor"})

    @extend_schema(
        operation_id="webhooks_deliveries_list",
        parameters=[*CURSOR_PARAMETERS, *CONDITIONAL_GET],
        responses={200: paginated(DeliverySerializer), **LIST_PROBLEMS},
        description=f"The endpoint's most recent deliveries (up to {RECENT}), newest first, each with every attempt.",
    )
    def get(self, request, pk):
        endpoint = self.endpoint(request, pk)
        deliveries = Delivery.objects.filter(endpoint=endpoint, kind=DeliveryKind.WEBHOOK)
        recent = deliveries.order_by("-id").values_list("id", flat=True)[:RECENT]
        state = list(deliveries.filter(pk__in=list(recent)).values_list("id", "status", "attempts"))
        query = sorted((k, v) for k in request.query_params for v in request.query_params.getlist(k))
        etag = etags.make_etag(request.path, query, state)

        def build():
            queryset = deliveries.filter(pk__in=list(recent)).select_related("event").prefetch_related("attempt_log")
            page = paginate(queryset, request, [("id", True)], page_size_of(request))
            return Response(page.body([_delivery_document(d) for d in page.items]))

        return self.conditional(request, etag, build)


class RedeliverView(_OwnEndpoint):
    @extend_schema(
        operation_id="webhooks_deliveries_redeliver",
        request=None,
        responses={202: DeliverySerializer, **WRITE_PROBLEMS},
        description="Send a delivered or given-up delivery again (the same webhook-id); 409 if it is still pending.",
    )
    def post(self, request, pk, delivery_id):
        endpoint = self.endpoint(request, pk)
        delivery = get_object_or_404(Delivery, pk=delivery_id, endpoint=endpoint)
        delivery = delivery_redeliver(delivery_id=delivery.pk)
        return Response(_delivery_document(delivery), status=status.HTTP_202_ACCEPTED)


class PingView(_OwnEndpoint):
    @extend_schema(
        operation_id="webhooks_ping",
        request=None,
        responses={
            200: inline_serializer(
                name="WebhookPing",
                fields={
                    "status_code": serializers.IntegerField(allow_null=True),
                    "succeeded": serializers.BooleanField(),
                    "duration_ms": serializers.IntegerField(),
                    "error": serializers.CharField(allow_blank=True),
                },
            ),
            **WRITE_PROBLEMS,
        },
        description="Send a signed test event (`webhook.ping`) to the endpoint now, and say what it answered.",
    )
    def post(self, request, pk):
        return Response(endpoint_ping(endpoint=self.endpoint(request, pk)))


class RotateSecretView(_OwnEndpoint):
    @extend_schema(
        operation_id="webhooks_rotate_secret",
        request=None,
        responses={
            200: inline_serializer(
                name="WebhookSecret",
                fields={
                    "secret": serializers.CharField(help_text="The new whsec_ secret, shown once."),
                    "previous_secret_until": serializers.DateTimeField(),
                },
            ),
            **WRITE_PROBLEMS,
        },
        description="A new signing secret, shown once. Until `previous_secret_until` every delivery carries two "
        "`v1,` signatures (new and old), so you can switch your receiver without losing one.",
    )
    def post(self, request, pk):
        endpoint, secret = webhook_secret_rotate(endpoint_id=self.endpoint(request, pk).pk)
        return Response({"secret": secret, "previous_secret_until": iso_time(endpoint.previous_secret_until)})
