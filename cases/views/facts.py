"""The case page's actions on facts under uncertainty: confirm or reject a proposed death, record
that the family was informed, record and rule on claims, record proofs of life. Each calls its
service; refusals come back to the case page as messages."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from cases.forms import (
    CaptivityGroupForm,
    ClaimForm,
    FamilyNotificationForm,
    GroupJoinForm,
    ProofOfLifeForm,
    ReasonForm,
    RulingForm,
)
from cases.services.claims import claim_accept, claim_record, claim_reject
from cases.services.family_notifications import family_notification_record
from cases.services.groups import group_create, group_member_add, group_member_remove
from cases.services.proofs_of_life import proof_of_life_record
from cases.services.status_changes import status_change_confirm, status_change_reject
from core.access import detainees_visible, viewer_of
from core.errors import Conflict


def _act(request, pk, form_class, action, done: str, anchor: str, prefix: str | None = None):
    detainee = get_object_or_404(detainees_visible(viewer_of(request.user)), pk=pk)
    form = form_class(request.POST, prefix=prefix)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{field}: {' '.join(errors)}")
    else:
        try:
            action(detainee, form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        except (Conflict, PermissionDenied) as exc:
            messages.error(request, getattr(exc, "message", None) or str(exc))
        else:
            messages.success(request, done)
    return redirect(f"{reverse('detainee-detail', args=[detainee.pk])}#{anchor}")


class _Empty(RulingForm):
    pass


@require_POST
@permission_required("cases.decide_pendingstatuschange", raise_exception=True)
def proposal_confirm(request, pk, proposal_id):
    def act(detainee, data):
        status_change_confirm(detainee_id=detainee.pk, proposal_id=proposal_id, actor=request.user)

    return _act(request, pk, _Empty, act, "Confirmed. Family not yet informed: do not disclose.", "uncertain")


@require_POST
@permission_required("cases.decide_pendingstatuschange", raise_exception=True)
def proposal_reject(request, pk, proposal_id):
    def act(detainee, data):
        status_change_reject(
            detainee_id=detainee.pk, proposal_id=proposal_id, actor=request.user, reason=data["reason"]
        )

    return _act(request, pk, ReasonForm, act, "Proposal rejected; the case is unchanged.", "uncertain")


@require_POST
@permission_required("cases.add_familynotification", raise_exception=True)
def family_informed(request, pk):
    def act(detainee, data):
        family_notification_record(detainee_id=detainee.pk, actor=request.user, **data)

    return _act(
        request, pk, FamilyNotificationForm, act, "Family informed: partners now learn it.", "uncertain", "family"
    )


@require_POST
@permission_required("cases.add_claim", raise_exception=True)
def claim_new(request, pk):
    def act(detainee, data):
        claim_record(detainee_id=detainee.pk, actor=request.user, **data)

    return _act(request, pk, ClaimForm, act, "Claim recorded.", "claims", "claim")


@require_POST
@permission_required("cases.rule_claim", raise_exception=True)
def claim_accept_view(request, pk, claim_id):
    def act(detainee, data):
        claim_accept(detainee_id=detainee.pk, claim_id=claim_id, actor=request.user, note=data["note"])

    return _act(request, pk, RulingForm, act, "Claim accepted.", "claims")


@require_POST
@permission_required("cases.rule_claim", raise_exception=True)
def claim_reject_view(request, pk, claim_id):
    def act(detainee, data):
        claim_reject(detainee_id=detainee.pk, claim_id=claim_id, actor=request.user, reason=data["reason"])

    return _act(request, pk, ReasonForm, act, "Claim rejected.", "claims")


@require_POST
@permission_required("cases.add_proofoflife", raise_exception=True)
def proof_of_life_new(request, pk):
    def act(detainee, data):
        proof_of_life_record(detainee_id=detainee.pk, actor=request.user, **data)

    return _act(request, pk, ProofOfLifeForm, act, "Proof of life recorded.", "proofs", "proof")


@require_POST
@permission_required("cases.add_captivitygroup", raise_exception=True)
def group_new(request, pk):
    def act(detainee, data):
        others = data.pop("others")
        group_create(actor=request.user, members=[detainee.pk, *others], **data)

    return _act(request, pk, CaptivityGroupForm, act, "Group recorded.", "held-with", "group")


@require_POST
@permission_required("cases.add_captivitygroupmembership", raise_exception=True)
def group_join(request, pk):
    def act(detainee, data):
        group_member_add(group_id=data["group"].pk, detainee_id=detainee.pk, actor=request.user)

    return _act(request, pk, GroupJoinForm, act, "Added to the group.", "held-with", "join")


@require_POST
@permission_required("cases.delete_captivitygroupmembership", raise_exception=True)
def group_leave(request, pk, group_id):
    def act(detainee, data):
        if not group_member_remove(group_id=group_id, detainee_id=detainee.pk, actor=request.user):
            raise ValidationError("This person is not in that group.")

    return _act(request, pk, _Empty, act, "Removed from the group.", "held-with")
