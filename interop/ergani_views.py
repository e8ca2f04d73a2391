"""The «ΕΡΓΑΝΗ: προσωπικό» panel of the business dashboard and its forms (interop.ergani_access)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.selectors import businesses_for_user
from opske.errors import ApplicationError

from . import ergani_access


class ErganiCredentialsForm(forms.Form):
    username = forms.CharField(label="Όνομα χρήστη ΕΡΓΑΝΗ", max_length=100)
    password = forms.CharField(label="Κωδικός ΕΡΓΑΝΗ", max_length=200, widget=forms.PasswordInput)


class ErganiExportForm(forms.Form):
    file = forms.FileField(label="Αρχείο «Πίνακας Προσωπικού» (CSV ή XLSX)")


def panel_context(request, business) -> dict:
    return {
        "business": business,
        "authorization": ergani_access.active_authorization(business),
        "upload": ergani_access.latest_upload(business),
        "can_manage": ergani_access.can_manage_ergani(request.user, business),
        "credentials_form": ErganiCredentialsForm(),
        "export_form": ErganiExportForm(),
    }


def _business(request, pk):
    # Members only (another business is a 404), also for staff: this is the business's own setting.
    business = businesses_for_user(request.user).filter(pk=pk).first()
    if business is None:
        raise Http404("Δεν βρέθηκε η επιχείρηση.")
    return business


def _dashboard():
    return reverse("accounts:dashboard") + "#panel-ergani"


def _form_page(request, business, *, credentials_form=None, export_form=None, error=None):
    context = panel_context(request, business)
    context["error"] = error
    if credentials_form is not None:
        context["credentials_form"] = credentials_form
    if export_form is not None:
        context["export_form"] = export_form
    return render(request, "interop/ergani_page.html", context, status=400 if error else 200)


def _apply_error(form, exc: ApplicationError):
    for field, errs in exc.fields.items():
        for message in errs:
            form.add_error(field if field in form.fields else None, message)
    if not exc.fields:
        form.add_error(None, exc.message)


@login_required
@require_http_methods(["GET"])
def ergani_page(request, business_pk: int):
    return _form_page(request, _business(request, business_pk))


@login_required
@require_POST
def ergani_authorize_view(request, business_pk: int):
    business = _business(request, business_pk)
    form = ErganiCredentialsForm(request.POST)
    if not form.is_valid():
        return _form_page(request, business, credentials_form=form, error=True)
    try:
        ergani_access.ergani_authorize(
            actor=request.user,
            business=business,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
    except ApplicationError as exc:
        if exc.http_status == 404:
            raise Http404(exc.message) from exc
        # Nothing was saved; the password is not echoed back.
        form = ErganiCredentialsForm(initial={"username": form.cleaned_data["username"]})
        return _form_page(request, business, credentials_form=form, error=exc.message)
    messages.success(request, "Η πρόσβαση στο ΕΡΓΑΝΗ καταχωρίστηκε.")
    return redirect(_dashboard())


@login_required
@require_POST
def ergani_upload_view(request, business_pk: int):
    business = _business(request, business_pk)
    form = ErganiExportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _form_page(request, business, export_form=form, error=True)
    try:
        ergani_access.ergani_export_upload(
            actor=request.user, business=business, file=form.cleaned_data["file"]
        )
    except ApplicationError as exc:
        if exc.http_status == 404:
            raise Http404(exc.message) from exc
        _apply_error(form, exc)
        return _form_page(request, business, export_form=form, error=exc.message)
    messages.success(request, "Το αρχείο ΕΡΓΑΝΗ διαβάστηκε και καταχωρίστηκε.")
    return redirect(_dashboard())


@login_required
@require_http_methods(["GET", "POST"])
def ergani_revoke_view(request, business_pk: int):
    business = _business(request, business_pk)
    authorization = ergani_access.active_authorization(business)
    if request.method == "GET":
        if authorization is None:
            raise Http404("Η επιχείρηση δεν έχει ενεργή εξουσιοδότηση ΕΡΓΑΝΗ.")
        return render(
            request, "interop/ergani_revoke.html", {"business": business, "authorization": authorization}
        )
    try:
        ergani_access.ergani_revoke(actor=request.user, business=business)
    except ApplicationError as exc:
        if exc.http_status == 404:
            raise Http404(exc.message) from exc
        return _form_page(request, business, error=exc.message)
    messages.success(request, "Η πρόσβαση στο ΕΡΓΑΝΗ ανακλήθηκε.")
    return redirect(_dashboard())
