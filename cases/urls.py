from django.urls import path

from cases.views import channels, detainees, exports, facts, home

urlpatterns = [
    path("", home.dashboard, name="home"),
    path("detainees/", detainees.detainee_list, name="detainee-list"),
    path("detainees/new/", detainees.detainee_new, name="detainee-new"),
    path("detainees/export.csv", exports.export_csv, name="detainee-export-csv"),
    path("detainees/export.xlsx", exports.export_xlsx, name="detainee-export-xlsx"),
    path("detainees/<uuid:pk>/", detainees.detainee_detail, name="detainee-detail"),
    path("detainees/<uuid:pk>/edit/", detainees.detainee_edit, name="detainee-edit"),
    path("detainees/<uuid:pk>/status/", detainees.detainee_record_status, name="detainee-record-status"),
    path("detainees/<uuid:pk>/proposals/<uuid:proposal_id>/confirm/", facts.proposal_confirm, name="proposal-confirm"),
    path("detainees/<uuid:pk>/proposals/<uuid:proposal_id>/reject/", facts.proposal_reject, name="proposal-reject"),
    path("detainees/<uuid:pk>/family-informed/", facts.family_informed, name="family-informed"),
    path("detainees/<uuid:pk>/claims/", facts.claim_new, name="claim-new"),
    path("detainees/<uuid:pk>/claims/<uuid:claim_id>/accept/", facts.claim_accept_view, name="claim-accept"),
    path("detainees/<uuid:pk>/claims/<uuid:claim_id>/reject/", facts.claim_reject_view, name="claim-reject"),
    path("detainees/<uuid:pk>/proofs-of-life/", facts.proof_of_life_new, name="proof-of-life-new"),
    path("detainees/<uuid:pk>/groups/", facts.group_new, name="group-new"),
    path("detainees/<uuid:pk>/groups/join/", facts.group_join, name="group-join"),
    path("detainees/<uuid:pk>/groups/<uuid:group_id>/leave/", facts.group_leave, name="group-leave"),
    path("channels/", channels.channel_list, name="channel-list"),
    path("channels/new/", channels.channel_new, name="channel-new"),
    path("channels/<uuid:pk>/", channels.channel_detail, name="channel-detail"),
    path("channels/<uuid:pk>/edit/", channels.channel_edit, name="channel-edit"),
    path("channels/<uuid:pk>/log/", channels.channel_add_event, name="channel-add-event"),
    path("channels/<uuid:pk>/members/", channels.channel_link_member, name="channel-link-member"),
    path(
        "channels/<uuid:pk>/members/<int:membership_id>/delete/",
        channels.channel_unlink_member,
        name="channel-unlink-member",
    ),
]
