from django.urls import path

from cases.api import channels, detainees, facts, groups

urlpatterns = [
    path("detainees/", detainees.DetaineeListView.as_view(), name="detainee-list"),
    path("detainees/<uuid:pk>/", detainees.DetaineeDetailView.as_view(), name="detainee-detail"),
    path("detainees/<uuid:pk>/status-changes/", detainees.StatusChangeListView.as_view(), name="status-change-list"),
    path(
        "detainees/<uuid:pk>/status-changes/<uuid:change_id>/confirm/",
        facts.ConfirmStatusChangeView.as_view(),
        name="status-change-confirm",
    ),
    path(
        "detainees/<uuid:pk>/status-changes/<uuid:change_id>/reject/",
        facts.RejectStatusChangeView.as_view(),
        name="status-change-reject",
    ),
    path(
        "detainees/<uuid:pk>/pending-status-changes/",
        facts.PendingStatusChangeListView.as_view(),
        name="pending-status-change-list",
    ),
    path(
        "detainees/<uuid:pk>/family-notifications/",
        facts.FamilyNotificationListView.as_view(),
        name="family-notification-list",
    ),
    path("detainees/<uuid:pk>/claims/", facts.ClaimListView.as_view(), name="claim-list"),
    path("detainees/<uuid:pk>/claims/<uuid:claim_id>/accept/", facts.AcceptClaimView.as_view(), name="claim-accept"),
    path("detainees/<uuid:pk>/claims/<uuid:claim_id>/reject/", facts.RejectClaimView.as_view(), name="claim-reject"),
    path("detainees/<uuid:pk>/proofs-of-life/", facts.ProofOfLifeListView.as_view(), name="proof-of-life-list"),
    path("groups/", groups.GroupListView.as_view(), name="group-list"),
    path("groups/<uuid:pk>/", groups.GroupDetailView.as_view(), name="group-detail"),
    path("groups/<uuid:pk>/members/", groups.GroupMemberListView.as_view(), name="group-member-list"),
    path(
        "groups/<uuid:pk>/members/<uuid:detainee_id>/",
        groups.GroupMemberDetailView.as_view(),
        name="group-member-detail",
    ),
    path("channels/", channels.ChannelListView.as_view(), name="channel-list"),
    path("channels/<uuid:pk>/", channels.ChannelDetailView.as_view(), name="channel-detail"),
    path("channels/<uuid:pk>/events/", channels.ChannelEventListView.as_view(), name="channel-event-list"),
    path("stats/", detainees.StatsView.as_view(), name="stats"),
]
