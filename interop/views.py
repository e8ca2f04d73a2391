"""The registry console pages (programme administrators and supervisors; anyone else gets 404)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Business, Role
from accounts.validators import normalise_afm
from opske.errors import ApplicationError
from opske.pagination import IdsFirstPaginator
from opske.views_util import paginate

from . import console
from .filters import RegistryCallFilter
from .models import RegistryCall, RegistryWait
from .waiting import open_waits_for, registry_wait_record_manual


def _open_waits():
    return RegistryWait.objects.filter(status=RegistryWait.Status.OPEN).select_related("content_type")


def _console_context(form, **extra) -> dict:
    return {
        "form": form,
        "lookups": [(e, console.lookup_available(e)) for e in console.LOOKUPS],
        "waits": _open_waits()[:10],
        **extra,
    }


def _lookup_context(row) -> dict:
    """What the status partial needs: the row, and once finished its answer as the result partial shows it."""
    return {
        "lookup": row,
        "answer": console.lookup_answer(row),
        "entry": console.LOOKUPS_BY_KEY.get(row.registry),
        "checks": (row.result or {}).get("checks", []) if not row.is_pending else [],
    }


@login_required
def console_home(request):
    console.require_console_user(request.user)
    return render(request, "interop/console.html", _console_context(console.LookupForm()))


@login_required
@require_POST
def lookup(request):
    """Record the lookup and answer at once; the worker asks the registry, the page polls for it."""
    console.require_console_user(request.user)
    form = console.LookupForm(request.POST)
    if form.is_valid():
        try:
            row = console.console_lookup_request(
                actor=request.user,
                key=form.cleaned_data["registry"],
                identifier=form.cleaned_data["identifier"],
                as_on=form.cleaned_data["as_on"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            if not request.headers.get("HX-Request"):
                return redirect("interop:lookup-status", pk=row.pk)
            # In eager mode the task has already run after commit; the partial shows what is there.
            row.refresh_from_db()
            return render(request, "interop/_lookup_status.html", _lookup_context(row))
    first = next(iter(form.errors.values()))[0]
    context = {
        "answer": console.LookupAnswer("invalid", first),
        "entry": console.LOOKUPS_BY_KEY.get(request.POST.get("registry", "")),
    }
    if request.headers.get("HX-Request"):
        return render(request, "interop/_lookup_result.html", context)
    return render(request, "interop/console.html", _console_context(form, **context))


@login_required
def lookup_status(request, pk: int):
    """The poll target: the htmx partial while polling, the console page without JavaScript."""
    row = console.console_lookup_get_for_user(user=request.user, pk=pk)
    context = _lookup_context(row)
    is_check = row.kind == row.Kind.BUSINESS_CHECK
    if request.headers.get("HX-Request"):
        template = "interop/_business_check_status.html" if is_check else "interop/_lookup_status.html"
        return render(request, template, context)
    if is_check:
        return redirect("interop:business-check", pk=row.business_id)
    form = console.LookupForm(
        initial={"registry": row.registry, "identifier": row.identifier, "as_on": row.as_on}
    )
    return render(request, "interop/console.html", _console_context(form, **context))


@login_required
def call_log(request):
    console.require_console_user(request.user)
    filterset = RegistryCallFilter(request.GET, queryset=RegistryCall.objects.all())
    page, query = paginate(request, filterset.qs, 50, paginator_class=IdsFirstPaginator)
    return render(request, "interop/calls.html", {"filter": filterset, "page": page, "query": query})


@login_required
def waits(request):
    console.require_console_user(request.user)
    return render(
        request,
        "interop/waits.html",
        {
            "waits": _open_waits(),
            "recent": RegistryWait.objects.exclude(status=RegistryWait.Status.OPEN)
            .select_related("content_type", "resolved_by")
            .order_by("-resolved_at")[:20],
            "can_record": request.user.has_role(Role.SUPERVISOR),
            "threshold": settings.INTEROP_WAITING_AFTER_SECONDS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def wait_manual(request, pk: int):
    console.require_console_user(request.user)
    wait = RegistryWait.objects.select_related("content_type").filter(pk=pk).first()
    if wait is None:
        raise Http404
    form = console.ManualCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            registry_wait_record_manual(
                actor=request.user,
                wait=wait,
                reason=form.cleaned_data["reason"],
                result=form.cleaned_data["values"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Ο χειροκίνητος έλεγχος καταχωρίστηκε.")
            return redirect("interop:waits")
    return render(request, "interop/wait_manual.html", {"wait": wait, "form": form}, status=200)


@login_required
def sandboxes(request):
    console.require_console_user(request.user)
    if not settings.SANDBOXES_ENABLED:
        raise Http404
    return render(
        request,
        "interop/sandboxes.html",
        {"registries": console.sandbox_modes(), "modes": console.MODE_LABELS},
    )


@login_required
@require_POST
def sandbox_switch(request, registry: str):
    console.require_console_user(request.user)
    if not settings.SANDBOXES_ENABLED or registry not in console.REGISTRY_LABELS:
        raise Http404
    form = console.SandboxSwitchForm(request.POST)
    context = {"registry": registry, "label": console.REGISTRY_LABELS[registry], "form": form}
    if not form.is_valid():
        return render(request, "interop/sandbox_confirm.html", context, status=400)
    data = form.cleaned_data
    if not data["confirm"]:
        # The switch changes what every user of this environment sees: ask once more.
        context["mode_label"] = console.MODE_LABELS[data["mode"]]
        return render(request, "interop/sandbox_confirm.html", context)
    try:
        console.sandbox_switch(
            actor=request.user,
            registry=registry,
            mode=data["mode"],
            delay=data.get("delay") or 0.0,
            error_code=(data.get("error_code") or "").strip(),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"{console.REGISTRY_LABELS[registry]}: {console.MODE_LABELS[data['mode']]}."
        )
    return redirect("interop:sandboxes")


@login_required
@require_http_methods(["GET", "POST"])
def sandbox_deminimis_grant(request):
    """A programme administrator registers another authority's de minimis grant in the sandbox
    ΠΣΣΕΗΣ (form → confirmation → audited registration); nothing typed is lost on a refusal."""
    console.require_console_user(request.user)
    if not settings.SANDBOXES_ENABLED:
        raise Http404
    form = console.SandboxGrantForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not data["confirm"]:
            context["confirming"] = True
            return render(request, "interop/sandbox_deminimis_grant.html", context)
        try:
            registered = console.sandbox_deminimis_grant(
                actor=request.user,
                afm=data["afm"],
                regulation=data["regulation"],
                amount=data["amount"],
                grant_date=data["grant_date"],
                granting_authority=data["granting_authority"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                f"Καταχωρίστηκε στο δοκιμαστικό ΠΣΣΕΗΣ: {registered.registry_id} ({data['regulation']}).",
            )
            return redirect("interop:sandbox-deminimis-grant")
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, "interop/sandbox_deminimis_grant.html", context, status=status)


@login_required
def business_find(request):
    """From an ΑΦΜ to that business's registry check page."""
    console.require_console_user(request.user)
    afm = normalise_afm(request.GET.get("afm", ""))
    business = Business.objects.filter(afm=afm).only("pk").first() if afm else None
    if business is None:
        messages.error(request, f"Δεν υπάρχει στην πύλη επιχείρηση με ΑΦΜ «{afm}».")
        return redirect("interop:console")
    return redirect("interop:business-check", pk=business.pk)


@login_required
@require_http_methods(["GET", "POST"])
def business_check(request, pk: int):
    """POST records a check for the worker; the page shows the latest check, polling while it runs."""
    business = console.business_for_console(user=request.user, pk=pk)
    if request.method == "POST":
        row = console.business_check_request(actor=request.user, business=business)
        if request.headers.get("HX-Request"):
            row.refresh_from_db()
            return render(request, "interop/_business_check_status.html", _lookup_context(row))
        return redirect("interop:business-check", pk=business.pk)
    latest = console.latest_business_check(business)
    ct_waits = RegistryWait.objects.filter(
        object_id=str(business.pk), content_type__model="business"
    ).order_by("-id")
    return render(
        request,
        "interop/business_check.html",
        {
            "business": business,
            **(_lookup_context(latest) if latest is not None else {"lookup": None}),
            "open_waits": open_waits_for(business),
            "history": ct_waits[:20],
        },
    )
