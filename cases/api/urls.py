from django.urls import path

from cases.api import views

urlpatterns = [
    path("detainees/", views.DetaineeListView.as_view(), name="detainee-list"),
    path("detainees/<uuid:pk>/", views.DetaineeDetailView.as_view(), name="detainee-detail"),
    path("detainees/<uuid:pk>/status-changes/", views.StatusChangeListView.as_view(), name="status-change-list"),
    path("channels/", views.ChannelListView.as_view(), name="channel-list"),
    path("channels/<uuid:pk>/", views.ChannelDetailView.as_view(), name="channel-detail"),
    path("channels/<uuid:pk>/events/", views.ChannelEventListView.as_view(), name="channel-event-list"),
    path("stats/", views.StatsView.as_view(), name="stats"),
]
