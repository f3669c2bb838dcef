from django.urls import path

from alerts import views as alerts

urlpatterns = [
    path("notifications/", alerts.notification_list, name="notifications"),
    path("notifications/read/", alerts.notification_mark_read, name="notifications-read"),
    path("subscriptions/", alerts.subscription_list, name="subscriptions"),
    path("subscriptions/<int:pk>/delete/", alerts.subscription_remove, name="subscription-delete"),
]
