from django.urls import path

from partners.api import views, webhooks

urlpatterns = [
    path("disclosures/", views.DisclosureListView.as_view(), name="disclosure-list"),
    path("webhooks/", webhooks.EndpointListView.as_view(), name="webhook-list"),
    path("webhooks/<uuid:pk>/deliveries/", webhooks.DeliveryListView.as_view(), name="webhook-delivery-list"),
    path(
        "webhooks/<uuid:pk>/deliveries/<int:delivery_id>/redeliver/",
        webhooks.RedeliverView.as_view(),
        name="webhook-redeliver",
    ),
    path("webhooks/<uuid:pk>/ping/", webhooks.PingView.as_view(), name="webhook-ping"),
    path("webhooks/<uuid:pk>/rotate-secret/", webhooks.RotateSecretView.as_view(), name="webhook-rotate-secret"),
]
