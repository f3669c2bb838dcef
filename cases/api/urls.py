from django.urls import path

from cases.api import channels, detainees

urlpatterns = [
    path("detainees/", detainees.DetaineeListView.as_view(), name="detainee-list"),
    path("detainees/<uuid:pk>/", detainees.DetaineeDetailView.as_view(), name="detainee-detail"),
    path("detainees/<uuid:pk>/status-changes/", detainees.StatusChangeListView.as_view(), name="status-change-list"),
    path("channels/", channels.ChannelListView.as_view(), name="channel-list"),
    path("channels/<uuid:pk>/", channels.ChannelDetailView.as_view(), name="channel-detail"),
    path("channels/<uuid:pk>/events/", channels.ChannelEventListView.as_view(), name="channel-event-list"),
    path("stats/", detainees.StatsView.as_view(), name="stats"),
]
