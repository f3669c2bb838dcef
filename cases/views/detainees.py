"""Detainee pages: the filtered list (and its exports), one case, creating and editing."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from cases.choices import Status, allowed_next_statuses
from cases.filtersets import FILTER_PARAMETERS, REPEATABLE_PARAMETERS, DetaineeFilter
from cases.forms import DetaineeForm, NameVariantFormSet, StatusChangeForm, add_service_errors
from cases.models import (
    CaptivityGroupMembership,
    Citizenship,
    Claim,
    Detainee,
    NameVariant,
    NegotiationChannel,
    PendingStatusChange,
)
from cases.representations import DETAINEE_COLUMNS, detainee_documents
from cases.selectors import facts_context, status_changes_of
from cases.services.detainees import NameVariantInput, citizenships_held, detainee_create, detainee_update
from cases.services.status_changes import status_change_record
from core.access import Viewer, detainees_visible, hidden_fields, viewer_of
from core.errors import Conflict, StaleVersion
from core.history import history_entries
from core.pagination import page_size_of, paginate
from core.parameters import parameter_errors
from core.problems import BadQuery
from partners.selectors import disclosures_of

LIST_PAGE_SIZE = 50


def viewer_for(request) -> Viewer:
    return viewer_of(request.user)


LIST_PARAMETERS = FILTER_PARAMETERS | {"cursor", "page_size"}


def detainee_list(request):
    viewer = viewer_for(request)
    filterset = DetaineeFilter(request.GET, viewer=viewer)
    context = {
        "filterset": filterset,
        "statuses": Status.choices,
        "selected_statuses": set(filterset.form["status"].value() or []),
        "filters": filterset.values_in_force(),
        "channels": NegotiationChannel.objects.order_by("name").values_list("pk", "name"),
        "ordering": request.GET.get("ordering", "case_ref"),
    }
    refused = parameter_errors(request.GET, allowed=LIST_PARAMETERS, repeatable=REPEATABLE_PARAMETERS)
    if refused or not filterset.is_valid():
        context |= {"rows": [], "errors": True, "unknown": sorted(refused), "refused": refused}
        return render(request, "cases/detainee_list.html", context, status=400)
    try:
        page_size = page_size_of(request, LIST_PAGE_SIZE)
        page = paginate(filterset.qs.only(*DETAINEE_COLUMNS), request, filterset.sort_spec, page_size, absolute=False)
    except BadQuery as exc:
        messages.error(request, " ".join(str(m) for messages_ in exc.detail.values() for m in messages_))
        return redirect(reverse("detainee-list"))
    context |= {"rows": detainee_documents(page.items, viewer), "page": page}
    template = "cases/_detainee_rows.html" if request.headers.get("HX-Request") else "cases/detainee_list.html"
    return render(request, template, context)


SHOWN_TO_PARTNERS = 20  # the newest answers that named the case, on its page


def _status_form(request, detainee: Detainee, data=None) -> StatusChangeForm | None:
    if not request.user.has_perm("cases.add_statuschange"):
        return None
    may_correct = request.user.has_perm("cases.correct_statuschange")
    return StatusChangeForm(
        data,
        allowed=list(allowed_next_statuses(detainee.status)),
        may_correct=may_correct,
        initial={"from_status": detainee.status},
        prefix="change",
    )


# The records kept about a case beside the case itself, each with how its history names it.
RELATED_HISTORIES = [
    (Citizenship, lambda row: f"Citizenship {row.country}", ()),
    (NameVariant, lambda row: f"Name variant {row.name}", ()),
    (PendingStatusChange, lambda row: f"Proposed change to {row.get_to_status_display().lower()}", ()),
    (Claim, lambda row: f"Claim “{row.get_asserted_status_display().lower()}” ({row.source})", ()),
    (CaptivityGroupMembership, lambda row: f"Held together: {row.group.name}", ("group",)),
]


def _detail_context(request, detainee: Detainee, status_form=None) -> dict:
    viewer = viewer_for(request)
    records = list(detainee.history.select_related("history_user").order_by("-history_date", "-history_id")[:100])
    hidden = hidden_fields(viewer)
    history = [("Record", entry) for entry in history_entries(records, hidden)]
    for model, name_of, related in RELATED_HISTORIES:
        rows = model.history.filter(detainee_id=detainee.pk).select_related("history_user", *related)
        by_object = defaultdict(list)
        for row in rows.order_by("-history_date", "-history_id")[:200]:
            by_object[row.id].append(row)
        for versions in by_object.values():  # each object's versions, newest first, diffed in turn
            history += [(name_of(versions[0]), entry) for entry in history_entries(versions)]
    history.sort(key=lambda item: item[1].at, reverse=True)
    return {
        "detainee": detainee,
        "doc": detainee_documents([detainee], viewer)[0],
        "citizenships": detainee.citizenships.all(),
        "timeline": status_changes_of(detainee).select_related("channel"),
        "history": history[:100],
        "status_form": status_form if status_form is not None else _status_form(request, detainee),
        "allowed_next": allowed_next_statuses(detainee.status),
        "can_edit": request.user.has_perm("cases.change_detainee"),
        "shown_to_partners": list(disclosures_of(detainee=detainee.pk)[:SHOWN_TO_PARTNERS])
        if request.user.has_perm("partners.view_disclosure")
        else None,
        **facts_context(request.user, detainee),
    }


def detainee_detail(request, pk):
    detainee = get_object_or_404(detainees_visible(viewer_for(request)), pk=pk)
    return render(request, "cases/detainee_detail.html", _detail_context(request, detainee))


@require_POST
@permission_required("cases.add_statuschange", raise_exception=True)
def detainee_record_status(request, pk):
    detainee = get_object_or_404(detainees_visible(viewer_for(request)), pk=pk)
    form = _status_form(request, detainee, request.POST)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            change = status_change_record(
                detainee_id=detainee.pk,
                to_status=data["to_status"],
                source=data["source"],
                actor=request.user,
                occurred_at=data["occurred_at"],
                confidence=data["confidence"],
                source_url=data["source_url"],
                channel_id=data["channel"].pk if data["channel"] else None,
                note=data["note"],
                from_status=data["from_status"],
                is_correction=data.get("is_correction", False),
                correction_reason=data.get("correction_reason", ""),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except Conflict as exc:
            visible = exc.field in form.fields and not form.fields[exc.field].widget.is_hidden
            form.add_error(exc.field if visible else None, exc.message)
            status = 409
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            status = 403
        else:
            if isinstance(change, PendingStatusChange):
                messages.success(
                    request,
                    f"Proposed: {Status(change.to_status).label}. A second officer must confirm it before it counts.",
                )
            else:
                messages.success(
                    request, f"Recorded: {Status(change.from_status).label} → {Status(change.to_status).label}."
                )
            return redirect(f"{reverse('detainee-detail', args=[detainee.pk])}#timeline")
    detainee.refresh_from_db()
    return render(request, "cases/detainee_detail.html", _detail_context(request, detainee, form), status=status)


def _variants(formset) -> list[NameVariantInput]:
    return [
        NameVariantInput(f.cleaned_data["name"].strip(), f.cleaned_data["script"])
        for f in formset.forms
        if f.cleaned_data.get("name", "").strip()
    ]


@require_http_methods(["GET", "POST"])
@permission_required("cases.add_detainee", raise_exception=True)
def detainee_new(request):
    form = DetaineeForm(request.POST or None)
    formset = NameVariantFormSet(request.POST or None, prefix="variants")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        try:
            detainee = detainee_create(actor=request.user, name_variants=_variants(formset), **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Created {detainee.case_ref}.")
            return redirect("detainee-detail", pk=detainee.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "cases/detainee_form.html", {"form": form, "formset": formset}, status=status)


def _edit_initial(detainee: Detainee) -> dict:
    return {
        "full_name": detainee.full_name,
        "citizenships": ", ".join(detainee.citizenship_codes),
        "withheld": "\n".join(
            f"{code}: {', '.join(states)}" for code, states in citizenships_held(detainee).items() if states
        ),
        "sex": detainee.sex,
        "date_of_birth": detainee.date_of_birth,
        "abducted_at": detainee.abducted_at,
        "abduction_place": detainee.abduction_place,
        "notes": detainee.notes,
        "version": detainee.version,
    }


@require_http_methods(["GET", "POST"])
@permission_required("cases.change_detainee", raise_exception=True)
def detainee_edit(request, pk):
    detainee = get_object_or_404(detainees_visible(viewer_for(request)), pk=pk)
    variants_initial = [{"name": v.name, "script": v.script} for v in detainee.name_variants.all()]
    if request.method == "GET":
        form = DetaineeForm(initial=_edit_initial(detainee))
        formset = NameVariantFormSet(initial=variants_initial, prefix="variants")
        return render(request, "cases/detainee_form.html", {"form": form, "formset": formset, "detainee": detainee})

    form = DetaineeForm(request.POST)
    formset = NameVariantFormSet(request.POST, initial=variants_initial, prefix="variants")
    conflict = None
    if form.is_valid() and formset.is_valid():
        data = dict(form.cleaned_data)
        expected = data.pop("version")
        try:
            with transaction.atomic():
                detainee_update(
                    detainee_id=detainee.pk,
                    actor=request.user,
                    expected_version=expected,
                    name_variants=_variants(formset),
                    **data,
                )
        except StaleVersion:
            # Someone saved first: keep this officer's input, show what is there now, and let them
            # decide. The form now carries the current version, so saving again is a choice.
            detainee.refresh_from_db()
            conflict = _edit_initial(detainee) | {
                "sex": detainee.get_sex_display(),
                "name_variants": "; ".join(f"{v.name} ({v.script})" for v in detainee.name_variants.all()),
            }
            form = DetaineeForm(request.POST.copy())
            form.data["version"] = detainee.version
            form.is_valid()
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Saved {detainee.case_ref}.")
            return redirect("detainee-detail", pk=detainee.pk)
    context = {"form": form, "formset": formset, "detainee": detainee, "conflict": conflict}
    return render(request, "cases/detainee_form.html", context, status=409 if conflict else 400)
