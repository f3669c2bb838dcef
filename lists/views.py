"""The pages of delivered lists: all lists, uploading one, its progress while it is matched, the
review of its rows (from the keyboard too: static/js/review.js), and the comparison with the list
before. Each action calls its service; refusals come back as form errors or messages."""

from urllib.parse import urlsplit
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods, require_POST

from cases.forms import add_service_errors
from cases.models import Detainee
from cases.representations import DETAINEE_COLUMNS, detainee_documents
from core.access import channels_visible, lists_visible, viewer_of
from core.errors import Conflict
from core.pagination import paginate
from core.parameters import parameter_errors
from core.problems import BadQuery
from lists.choices import Decision, ListStatus
from lists.filtersets import ENTRY_FILTER_PARAMETERS, ENTRY_REPEATABLE_PARAMETERS, EntryFilter
from lists.forms import DecisionForm, ListUploadForm
from lists.models import DeliveredList, ListEntry
from lists.selectors import list_compare, list_counts, list_previous
from lists.services.decisions import entry_decide, entry_detainee_create, entry_undo
from lists.services.imports import ListAlreadyImported, list_upload

REVIEW_PAGE_SIZE = 50
ENTRY_RELATED = ("decided_by", "remembered_from__delivered_list", "detainee")


def _visible_lists(request):
    lists = lists_visible(viewer_of(request.user))
    if not request.user.has_perm("lists.view_deliveredlist"):
        raise PermissionDenied("Your role may not read delivered lists.")
    return lists.select_related("channel", "created_by")


def list_index(request):
    lists = list(_visible_lists(request).order_by("-delivered_at", "-created_at"))
    counts = list_counts(lists)
    rows = [(d, counts[d.pk]) for d in lists]
    return render(request, "lists/list_index.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@permission_required("lists.add_deliveredlist", raise_exception=True)
def list_new(request):
    channels = channels_visible(viewer_of(request.user)).order_by("name")
    form = ListUploadForm(
        request.POST or None, request.FILES or None, channels=channels, initial={"channel": request.GET.get("channel")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            delivered = list_upload(
                channel_id=data["channel"].pk,
                direction=data["direction"],
                delivered_by=data["delivered_by"],
                delivered_at=data["delivered_at"],
                file_name=data["file"].name,
                content=data["file"].read(),
                actor=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ListAlreadyImported as exc:
            first = reverse("list-detail", args=[exc.extra["existing_list"]])
            form.add_error("file", format_html('{} <a href="{}">Open the first import</a>.', exc.message, first))
        else:
            messages.success(request, f"'{delivered.file_name}' received: {delivered.row_count} rows to match.")
            return redirect("list-detail", pk=delivered.pk)
    return render(request, "lists/list_new.html", {"form": form}, status=400 if form.errors else 200)


def _entry_context(entries: list[ListEntry], viewer) -> dict:
    """The candidates of these rows as the detainee document shows them (names in every script,
    citizenships, status, channels): one query for all, whatever the number of rows."""
    ids = {c["detainee"] for e in entries for c in e.candidates} | {
        str(e.detainee_id) for e in entries if e.detainee_id
    }
    people = Detainee.objects.filter(pk__in=ids).only(*DETAINEE_COLUMNS)
    return {d["id"]: d for d in detainee_documents(list(people), viewer)}


def _rows(entries: list[ListEntry], viewer) -> list[dict]:
    people = _entry_context(entries, viewer)
    rows = []
    for entry in entries:
        candidates = [
            {**c, "rejected": c["detainee"] in entry.rejected_ids, "person": people.get(c["detainee"])}
            for c in entry.candidates
        ]
        best = next((c for c in candidates if not c["rejected"]), None)
        chosen = people.get(str(entry.detainee_id)) if entry.detainee_id else None
        if chosen and not any(c["detainee"] == chosen["id"] for c in candidates):
            candidates.insert(0, {"detainee": chosen["id"], "person": chosen, "label": "", "reasons": ["chosen"]})
        rows.append({"entry": entry, "candidates": candidates, "best": best, "chosen": chosen})
    return rows


def list_detail(request, pk):
    delivered = get_object_or_404(_visible_lists(request), pk=pk)
    viewer = viewer_of(request.user)
    context = {
        "list": delivered,
        "counts": list_counts([delivered])[delivered.pk],
        "previous": list_previous(delivered, lists_visible(viewer)),
        "may_decide": request.user.has_perm("lists.change_listentry") and delivered.status == ListStatus.READY,
        "may_create": request.user.has_perm("cases.add_detainee"),
        "decisions": Decision.choices,
        "back": request.get_full_path(),
    }
    if delivered.status != ListStatus.READY:
        return render(request, "lists/list_detail.html", context)
    refused = parameter_errors(
        request.GET, allowed=ENTRY_FILTER_PARAMETERS | {"cursor"}, repeatable=ENTRY_REPEATABLE_PARAMETERS
    )
    filterset = EntryFilter(request.GET, queryset=delivered.entries.select_related(*ENTRY_RELATED))
    context["filterset"] = filterset
    context["selected"] = {name: set(filterset.form[name].value() or []) for name in ("label", "decision")}
    if refused or not filterset.is_valid():
        context["refused"] = refused or filterset.errors
        return render(request, "lists/list_detail.html", context, status=400)
    try:
        page = paginate(filterset.qs, request, [("row", False)], REVIEW_PAGE_SIZE, absolute=False)
    except BadQuery:
        return redirect("list-detail", pk=delivered.pk)
    context |= {"rows": _rows(page.items, viewer), "page": page}
    return render(request, "lists/list_detail.html", context)


def list_progress(request, pk):
    """The progress bar alone, polled while the list is matched; once it is done, the page reloads."""
    delivered = get_object_or_404(_visible_lists(request), pk=pk)
    response = render(request, "lists/_progress.html", {"list": delivered})
    if delivered.status != ListStatus.IMPORTING:
        response["HX-Refresh"] = "true"
    return response


def _back_to_entry(request, delivered: DeliveredList, entry_id: int):
    """After an action: the row again (htmx swaps it in place), or the page at the row."""
    if request.headers.get("HX-Request"):
        entry = get_object_or_404(delivered.entries.select_related(*ENTRY_RELATED), pk=entry_id)
        context = {
            "list": delivered,
            "row": _rows([entry], viewer_of(request.user))[0],
            "may_decide": True,
            "may_create": request.user.has_perm("cases.add_detainee"),
            "errors": [m.message for m in messages.get_messages(request) if m.level_tag == "error"],
            "back": _local(request.headers.get("HX-Current-URL", ""), delivered),
            "counts": list_counts([delivered])[delivered.pk],
            "oob": True,  # the counts above the rows change with the row
        }
        return render(request, "lists/_entry.html", context)
    return redirect(f"{_local(request.POST.get('next', ''), delivered)}#entry-{entry_id}")


def _local(url: str, delivered: DeliveredList) -> str:
    """The review page's address with its filters and page, from a URL a form or htmx sent: never
    another page, never another site."""
    detail = reverse("list-detail", args=[delivered.pk])
    parts = urlsplit(url)
    return f"{detail}?{parts.query}" if parts.path == detail and parts.query else detail


def _act(request, pk, entry_id, action, done: str):
    delivered = get_object_or_404(_visible_lists(request), pk=pk)
    if not delivered.entries.filter(pk=entry_id).exists():
        raise Http404("No such row on this list.")
    try:
        result = action(delivered)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        if not request.headers.get("HX-Request"):
            messages.success(request, done if isinstance(done, str) else done(result))
    return _back_to_entry(request, delivered, entry_id)


@require_POST
@permission_required("lists.change_listentry", raise_exception=True)
def entry_decision(request, pk, entry_id):
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose confirm, reject or not sure.")
        delivered = get_object_or_404(_visible_lists(request), pk=pk)
        return _back_to_entry(request, delivered, entry_id)

    def act(delivered):
        return entry_decide(
            list_id=delivered.pk,
            entry_id=entry_id,
            decision=form.cleaned_data["decision"],
            detainee_id=form.cleaned_data["detainee"],
            actor=request.user,
        )

    return _act(request, pk, entry_id, act, f"Row marked {form.cleaned_data['decision']}.")


@require_POST
@permission_required("lists.change_listentry", raise_exception=True)
def entry_undo_view(request, pk, entry_id):
    return _act(
        request,
        pk,
        entry_id,
        lambda delivered: entry_undo(list_id=delivered.pk, entry_id=entry_id, actor=request.user),
        "Decision undone.",
    )


@require_POST
@permission_required("lists.change_listentry", raise_exception=True)
@permission_required("cases.add_detainee", raise_exception=True)
def entry_new_detainee(request, pk, entry_id):
    def act(delivered):
        return entry_detainee_create(list_id=delivered.pk, entry_id=entry_id, actor=request.user)

    return _act(request, pk, entry_id, act, lambda entry: f"Case {entry.detainee.case_ref} opened from the row.")


def list_compare_view(request, pk):
    delivered = get_object_or_404(_visible_lists(request), pk=pk)
    visible = lists_visible(viewer_of(request.user))
    others = visible.filter(channel=delivered.channel).exclude(pk=delivered.pk).order_by("-delivered_at")
    other_id = request.GET.get("with")
    if other_id:
        other = others.filter(pk=other_id).first() if _is_uuid(other_id) else None
        if other is None:
            messages.error(request, "No such other list of this channel.")
            return redirect("list-compare", pk=delivered.pk)
    else:
        other = list_previous(delivered, visible)
    comparison = list_compare(delivered, other)
    people = {
        str(d.pk): d for d in Detainee.objects.filter(pk__in=comparison.detainee_ids()).only("case_ref", "full_name")
    }

    def who(person: str):
        return people.get(person.removeprefix("detainee:"))

    sections = [
        ("added", "Added: on this list, not on the other", [(e, None, who(p)) for e, p in comparison.added]),
        ("dropped", "Dropped: on the other list, not on this one", [(None, e, who(p)) for e, p in comparison.dropped]),
        ("unchanged", "On both lists", [(e, o, who(p)) for e, o, p in comparison.unchanged]),
    ]
    return render(
        request,
        "lists/list_compare.html",
        {"list": delivered, "other": other, "others": others, "sections": sections},
    )


def _is_uuid(value: str) -> bool:
    try:
        UUID(value)
    except ValueError:
        return False
    return True
