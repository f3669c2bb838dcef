"""Negotiation channel pages: the list, one channel with its members and log, editing."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from cases.forms import ChannelEventForm, ChannelForm, ChannelMemberForm, add_service_errors
from cases.models import NegotiationChannel
from cases.selectors import channel_events_of
from cases.services.channels import (
    EDITABLE_FIELDS,
    channel_create,
    channel_event_record,
    channel_member_link,
    channel_member_unlink,
    channel_update,
)
from core.access import channel_memberships_visible, channels_visible, lists_visible, viewer_of
from core.errors import StaleVersion


def channel_list(request):
    channels = channels_visible(viewer_of(request.user)).order_by("name")
    channels = channels.annotate(members=Count("memberships__detainee", distinct=True))
    return render(request, "cases/channel_list.html", {"channels": channels})


def _members(request, channel) -> list[dict]:
    """One row per detainee, with all their roles in the channel."""
    rows: dict = {}
    for m in channel_memberships_visible(viewer_of(request.user)).filter(channel=channel):
        row = rows.setdefault(m.detainee_id, {"detainee": m.detainee, "links": []})
        row["links"].append(m)
    return list(rows.values())


def _detail(request, channel, event_form=None, member_form=None, status=200):
    may_link = request.user.has_perm("cases.add_channelmembership")
    context = {
        "channel": channel,
        "members": _members(request, channel),
        "member_form": member_form if member_form is not None else (ChannelMemberForm() if may_link else None),
        "may_unlink": request.user.has_perm("cases.delete_channelmembership"),
        "log": channel_events_of(channel).select_related("recorded_by"),
        "event_form": event_form
        if event_form is not None
        else (ChannelEventForm() if request.user.has_perm("cases.add_channelevent") else None),
        "can_edit": request.user.has_perm("cases.change_negotiationchannel"),
        "lists": lists_visible(viewer_of(request.user)).filter(channel=channel).order_by("-delivered_at"),
    }
    return render(request, "cases/channel_detail.html", context, status=status)


def channel_detail(request, pk):
    channel = get_object_or_404(channels_visible(viewer_of(request.user)), pk=pk)
    return _detail(request, channel)


@require_POST
@permission_required("cases.add_channelevent", raise_exception=True)
def channel_add_event(request, pk):
    channel = get_object_or_404(channels_visible(viewer_of(request.user)), pk=pk)
    form = ChannelEventForm(request.POST)
    if form.is_valid():
        try:
            channel_event_record(channel_id=channel.pk, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Added to the channel's log.")
            return redirect("channel-detail", pk=channel.pk)
    return _detail(request, channel, form, status=400)


@require_POST
@permission_required("cases.add_channelmembership", raise_exception=True)
def channel_link_member(request, pk):
    channel = get_object_or_404(channels_visible(viewer_of(request.user)), pk=pk)
    form = ChannelMemberForm(request.POST)
    if form.is_valid():
        try:
            channel_member_link(
                channel_id=channel.pk,
                detainee_id=form.detainee.pk,
                role=form.cleaned_data["role"],
                source=form.cleaned_data["source"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Linked {form.detainee.case_ref} ({form.cleaned_data['role']}).")
            return redirect("channel-detail", pk=channel.pk)
    return _detail(request, channel, member_form=form, status=400)


@require_POST
@permission_required("cases.delete_channelmembership", raise_exception=True)
def channel_unlink_member(request, pk, membership_id):
    channel = get_object_or_404(channels_visible(viewer_of(request.user)), pk=pk)
    if channel_member_unlink(channel_id=channel.pk, membership_id=membership_id, actor=request.user):
        messages.success(request, "Link removed.")
    return redirect("channel-detail", pk=channel.pk)


@require_http_methods(["GET", "POST"])
@permission_required("cases.add_negotiationchannel", raise_exception=True)
def channel_new(request):
    form = ChannelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in EDITABLE_FIELDS}
        try:
            channel = channel_create(actor=request.user, **fields)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Created channel {channel.name}.")
            return redirect("channel-detail", pk=channel.pk)
    return render(request, "cases/channel_form.html", {"form": form}, status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
@permission_required("cases.change_negotiationchannel", raise_exception=True)
def channel_edit(request, pk):
    channel = get_object_or_404(NegotiationChannel, pk=pk)
    if request.method == "GET":
        form = ChannelForm(instance=channel, initial={"version": channel.version})
        return render(request, "cases/channel_form.html", {"form": form, "channel": channel})
    form = ChannelForm(request.POST, instance=NegotiationChannel.objects.get(pk=pk))
    conflict = False
    if form.is_valid():
        fields = {name: form.cleaned_data[name] for name in EDITABLE_FIELDS}
        try:
            channel_update(
                channel_id=channel.pk, actor=request.user, expected_version=form.cleaned_data["version"], **fields
            )
        except StaleVersion as exc:
            conflict = True
            form.add_error(None, f"{exc.message} Your changes are below, not saved; reload to see the current ones.")
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Saved.")
            return redirect("channel-detail", pk=channel.pk)
    context = {"form": form, "channel": channel}
    return render(request, "cases/channel_form.html", context, status=409 if conflict else 400)
