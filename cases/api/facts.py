"""The API of the facts under uncertainty: four eyes on a death, family first, claims, proofs of life.

Proposals, family notifications and claims are for the cell only: for a partner they do not exist
(404). Proofs of life are part of what a partner may know of a case in its scope.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from cases.api.fact_serializers import (
    ClaimSerializer,
    ClaimWriteSerializer,
    FamilyNotificationSerializer,
    FamilyNotificationWriteSerializer,
    PendingStatusChangeSerializer,
    ProofOfLifeSerializer,
    ProofOfLifeWriteSerializer,
    ReasonSerializer,
    RulingNoteSerializer,
)
from cases.api.schema import CONDITIONAL_GET, CURSOR_PARAMETERS, LIST_PROBLEMS, WRITE_PROBLEMS, paginated
from cases.api.serializers import StatusChangeSerializer
from cases.models import Claim, PendingStatusChange
from cases.representations import (
    claim_document,
    family_notification_document,
    proof_of_life_document,
    proposal_payload,
    status_change_document,
)
from cases.services.claims import claim_accept, claim_record, claim_reject
from cases.services.family_notifications import family_notification_record
from cases.services.proofs_of_life import proof_of_life_record
from cases.services.status_changes import status_change_confirm, status_change_reject
from core.access import detainees_visible, status_history_visible
from core.api import ApiView, acting_token, acting_user, collection_etag, viewer_of
from core.pagination import page_size_of, paginate


def _detainee(request, pk, *, internal: bool = False):
    viewer = viewer_of(request)
    if internal and viewer.is_partner:
        raise Http404  # what only the cell may know does not exist for a partner
    return viewer, get_object_or_404(detainees_visible(viewer), pk=pk)


def _ruled(service, missing: type[Exception], **kwargs):
    try:
        return service(**kwargs)
    except missing.DoesNotExist as exc:
        raise Http404(str(exc)) from exc


class PendingStatusChangeListView(ApiView):
    allowed_parameters = frozenset({"page_size", "cursor"})

    @extend_schema(
        operation_id="detainees_pending_status_changes_list",
        parameters=[*CURSOR_PARAMETERS, *CONDITIONAL_GET],
        responses={200: paginated(PendingStatusChangeSerializer), **LIST_PROBLEMS},
        description="Proposed changes of this case (a death waits for a second officer), newest first. "
        "Not for partners.",
    )
    def get(self, request, pk):
        viewer, detainee = _detainee(request, pk, internal=True)

        def build():
            proposals = detainee.pending_status_changes.select_related("proposed_by", "decided_by", "proposed_by_token")
            page = paginate(proposals, request, [("proposed_at", True), ("id", True)], page_size_of(request))
            return Response(page.body([proposal_payload(p) for p in page.items]))

        return self.conditional(request, collection_etag(request, viewer), build)


class ConfirmStatusChangeView(ApiView):
    write_permissions = {"POST": "cases.decide_pendingstatuschange"}

    @extend_schema(
        operation_id="detainees_status_changes_confirm",
        request=None,
        responses={201: StatusChangeSerializer, **WRITE_PROBLEMS},
        description="A second officer confirms a proposed change: it joins the history and becomes the status. "
        "The proposer may not (403); a proposal whose case changed meanwhile is stale (409).",
    )
    def post(self, request, pk, change_id):
        viewer, detainee = _detainee(request, pk, internal=True)
        change = _ruled(
            status_change_confirm,
            PendingStatusChange,
            detainee_id=detainee.pk,
            proposal_id=change_id,
            actor=acting_user(request),
        )
        change = status_history_visible(viewer, detainee).get(pk=change.pk)
        return Response(status_change_document(change, viewer), status=status.HTTP_201_CREATED)


class RejectStatusChangeView(ApiView):
    write_permissions = {"POST": "cases.decide_pendingstatuschange"}

    @extend_schema(
        operation_id="detainees_status_changes_reject",
        request=ReasonSerializer,
        responses={200: PendingStatusChangeSerializer, **WRITE_PROBLEMS},
        description="A second officer rejects a proposed change, with a reason; the case does not change.",
    )
    def post(self, request, pk, change_id):
        _viewer, detainee = _detainee(request, pk, internal=True)
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        proposal = _ruled(
            status_change_reject,
            PendingStatusChange,
            detainee_id=detainee.pk,
            proposal_id=change_id,
            actor=acting_user(request),
            reason=serializer.validated_data["reason"],
        )
        return Response(proposal_payload(proposal))


class FamilyNotificationListView(ApiView):
    write_permissions = {"POST": "cases.add_familynotification"}

    @extend_schema(
        operation_id="detainees_family_notifications_list",
        parameters=CONDITIONAL_GET,
        responses={200: FamilyNotificationSerializer(many=True), **LIST_PROBLEMS},
        description="When, how and by whom the family was informed. Not for partners.",
    )
    def get(self, request, pk):
        viewer, detainee = _detainee(request, pk, internal=True)
        return self.conditional(
            request,
            collection_etag(request, viewer),
            lambda: Response(
                [family_notification_document(n) for n in detainee.family_notifications.select_related("recorded_by")]
            ),
        )

    @extend_schema(
        operation_id="detainees_family_notifications_create",
        request=FamilyNotificationWriteSerializer,
        responses={201: FamilyNotificationSerializer, **WRITE_PROBLEMS},
        description="Record that the family was informed: what was withheld from partners (a confirmed death, "
        "the return of remains) is released to them at once. 409 when nothing is withheld.",
    )
    def post(self, request, pk):
        _viewer, detainee = _detainee(request, pk, internal=True)
        serializer = FamilyNotificationWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        notification = family_notification_record(
            detainee_id=detainee.pk,
            informed_at=data.get("informed_at"),
            method=data["method"],
            note=data["note"],
            actor=acting_user(request),
            token=acting_token(request),
        )
        return Response(family_notification_document(notification), status=status.HTTP_201_CREATED)


class ClaimListView(ApiView):
    allowed_parameters = frozenset({"page_size", "cursor"})
    write_permissions = {"POST": "cases.add_claim"}

    @extend_schema(
        operation_id="detainees_claims_list",
        parameters=[*CURSOR_PARAMETERS, *CONDITIONAL_GET],
        responses={200: paginated(ClaimSerializer), **LIST_PROBLEMS},
        description="Claims about this case, newest said first. Not for partners.",
    )
    def get(self, request, pk):
        viewer, detainee = _detainee(request, pk, internal=True)

        def build():
            claims = detainee.claims.select_related("recorded_by", "ruled_by", "recorded_by_token")
            page = paginate(claims, request, [("occurred_at", True), ("id", True)], page_size_of(request))
            return Response(page.body([claim_document(c) for c in page.items]))

        return self.conditional(request, collection_etag(request, viewer), build)

    @extend_schema(
        operation_id="detainees_claims_create",
        request=ClaimWriteSerializer,
        responses={201: ClaimSerializer, **WRITE_PROBLEMS},
    )
    def post(self, request, pk):
        _viewer, detainee = _detainee(request, pk, internal=True)
        serializer = ClaimWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        claim = claim_record(
            detainee_id=detainee.pk,
            actor=acting_user(request),
            token=acting_token(request),
            channel_id=data.pop("channel", None),
            **data,
        )
        return Response(claim_document(claim), status=status.HTTP_201_CREATED)


class AcceptClaimView(ApiView):
    write_permissions = {"POST": "cases.rule_claim"}

    @extend_schema(
        operation_id="detainees_claims_accept",
        request=RulingNoteSerializer,
        responses={200: ClaimSerializer, **WRITE_PROBLEMS},
        description="Accept a claim: its status is recorded through the status service (transitions, four eyes "
        "and family first apply; the change cites the claim), and the other open claims are rejected.",
    )
    def post(self, request, pk, claim_id):
        _viewer, detainee = _detainee(request, pk, internal=True)
        serializer = RulingNoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        claim = _ruled(
            claim_accept,
            Claim,
            detainee_id=detainee.pk,
            claim_id=claim_id,
            actor=acting_user(request),
            note=serializer.validated_data["note"],
        )
        return Response(claim_document(claim))


class RejectClaimView(ApiView):
    write_permissions = {"POST": "cases.rule_claim"}

    @extend_schema(
        operation_id="detainees_claims_reject",
        request=ReasonSerializer,
        responses={200: ClaimSerializer, **WRITE_PROBLEMS},
    )
    def post(self, request, pk, claim_id):
        _viewer, detainee = _detainee(request, pk, internal=True)
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        claim = _ruled(
            claim_reject,
            Claim,
            detainee_id=detainee.pk,
            claim_id=claim_id,
            actor=acting_user(request),
            reason=serializer.validated_data["reason"],
        )
        return Response(claim_document(claim))


class ProofOfLifeListView(ApiView):
    allowed_parameters = frozenset({"page_size", "cursor"})
    write_permissions = {"POST": "cases.add_proofoflife"}

    @extend_schema(
        operation_id="detainees_proofs_of_life_list",
        parameters=[*CURSOR_PARAMETERS, *CONDITIONAL_GET],
        responses={200: paginated(ProofOfLifeSerializer), **LIST_PROBLEMS},
        description="Proofs of life of this case, newest first.",
    )
    def get(self, request, pk):
        viewer, detainee = _detainee(request, pk)

        def build():
            proofs = detainee.proofs_of_life.select_related("recorded_by")
            page = paginate(proofs, request, [("observed_at", True), ("id", True)], page_size_of(request))
            return Response(page.body([proof_of_life_document(p, viewer) for p in page.items]))

        return self.conditional(request, collection_etag(request, viewer), build)

    @extend_schema(
        operation_id="detainees_proofs_of_life_create",
        request=ProofOfLifeWriteSerializer,
        responses={201: ProofOfLifeSerializer, **WRITE_PROBLEMS},
    )
    def post(self, request, pk):
        viewer, detainee = _detainee(request, pk)
        serializer = ProofOfLifeWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        proof = proof_of_life_record(
            detainee_id=detainee.pk,
            actor=acting_user(request),
            token=acting_token(request),
            channel_id=data.pop("channel", None),
            **data,
        )
        return Response(proof_of_life_document(proof, viewer), status=status.HTTP_201_CREATED)
