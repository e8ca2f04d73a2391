"""Cross-cutting pages: home, errors, the in-app inbox, audit history and document downloads."""

import functools

from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.utils.functional import cached_property

from accounts.models import Role
from opske import audit
from opske.errors import NotFound
from opske.filters import AuditEventFilter
from opske.models import AuditEvent
from opske.notifications import (
    inbox_for_user,
    notice_deliveries,
    notification_get_for_user,
    notification_mark_read,
)
from opske.pdf import document_get_for_user
from opske.views_util import paginate

# Who may read an object's audit history: every staff role that works on cases. Businesses and
# API clients may not (they get a 404, so the page does not reveal that the object exists).
HISTORY_ROLES = (
    Role.PROGRAMME_ADMIN,
    Role.SUPERVISOR,
    Role.AUDITOR,
    Role.VERIFIER,
    Role.PAYMENT_OFFICER,
    Role.EVALUATOR,
)
# A draft application's history: not for verifiers, payment officers or evaluators, who never work
# on drafts; those who oversee and audit the programme only.
DRAFT_HISTORY_ROLES = (Role.PROGRAMME_ADMIN, Role.SUPERVISOR, Role.AUDITOR)
# The global audit list, across every object, is for those who audit the programme.
AUDIT_LIST_ROLES = (Role.AUDITOR, Role.PROGRAMME_ADMIN)

PAGE_SIZE = 25


def home(request):
    return render(request, "home.html", {})


def _api_error(request, status: int, code: str, message: str):
    """Under /api/ an error the URL resolver or Django raised (no DRF view ran) answers with the
    API's error body, never an HTML page (STYLE.md practice 8)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": code, "message": message, "fields": {}}, status=status)
    return None


def error_403(request, exception=None):
    return _api_error(
        request, 403, "permission_denied", "Δεν έχετε δικαίωμα για αυτή την ενέργεια."
    ) or render(request, "errors/403.html", status=403)


def error_404(request, exception=None):
    return _api_error(request, 404, "not_found", "Δεν βρέθηκε.") or render(
        request, "errors/404.html", status=404
    )


def error_500(request):
    api = _api_error(request, 500, "server_error", "Παρουσιάστηκε σφάλμα. Δοκιμάστε ξανά αργότερα.")
    if api is not None:
        return api
    # No account links: the failure may be the database, and the page must still render.
    return render(request, "errors/500.html", {"hide_account": True}, status=500)


# --- Inbox ------------------------------------------------------------------------------------


@login_required
def inbox(request):
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(inbox_for_user(user=request.user, unread_only=unread_only), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "opske/inbox.html", {"page": page, "unread_only": unread_only})


@login_required
def inbox_detail(request, pk):
    try:
        notification = notification_get_for_user(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    notification_mark_read(user=request.user, notification=notification)
    return render(
        request,
        "opske/inbox_detail.html",
        {"notification": notification, "deliveries": notice_deliveries(notification)},
    )


# --- Audit history ----------------------------------------------------------------------------


def _diff_rows(before, after) -> list[dict]:
    before = before if isinstance(before, dict) else ({} if before is None else {"τιμή": before})
    after = after if isinstance(after, dict) else ({} if after is None else {"τιμή": after})
    keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
    return [
        {
            "field": key,
            "before": before.get(key, ""),
            "after": after.get(key, ""),
            "changed": before.get(key) != after.get(key),
        }
        for key in keys
    ]


def _require_roles(request, roles):
    # A user without the role learns nothing, not even that the page exists.
    if not request.user.is_authenticated or not request.user.has_role(*roles):
        raise Http404("Η σελίδα δεν βρέθηκε.")


def _is_application_draft(obj) -> bool:
    return obj is not None and obj._meta.label_lower == "applications.application" and obj.status == "draft"


def audit_history(request, app_label, model, pk):
    _require_roles(request, HISTORY_ROLES)
    try:
        ct = ContentType.objects.get_by_natural_key(app_label, model)
    except ContentType.DoesNotExist as exc:
        raise Http404("Άγνωστο είδος αντικειμένου.") from exc
    events = (
        AuditEvent.objects.filter(content_type=ct, object_id=str(pk)).select_related("actor").order_by("-seq")
    )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page.object_list:
        event.diff = _diff_rows(event.before, event.after)
    model_class = ct.model_class()
    obj = model_class._default_manager.filter(pk=pk).first() if model_class else None
    if _is_application_draft(obj) and not request.user.has_role(*DRAFT_HISTORY_ROLES):
        raise Http404("Η σελίδα δεν βρέθηκε.")  # a draft is the applicant's own work (issue 11)
    return render(
        request,
        "opske/audit_history.html",
        {"page": page, "ct": ct, "object_id": pk, "obj": obj, "model_name": ct.name},
    )


class AuditChainPaginator(Paginator):
    """The unfiltered audit list. The chain numbers its events 1, 2, … without gaps (audit_verify
    checks it), so the count is the head's last number and a page is a range of `seq` read from its
    index, instead of counting 300,000 rows and skipping them with OFFSET on every page (issue 11)."""

    def __init__(self, object_list, per_page, *, last_seq: int):
        super().__init__(object_list, per_page)
        self.last_seq = last_seq

    @cached_property
    def count(self) -> int:
        return self.last_seq

    def page(self, number):
        number = self.validate_number(number)
        newest = self.last_seq - (number - 1) * self.per_page
        return self._get_page(list(self.object_list.filter(seq__lte=newest)[: self.per_page]), number, self)


def audit_list(request):
    _require_roles(request, AUDIT_LIST_ROLES)
    events = AuditEvent.objects.select_related("actor", "content_type").order_by("-seq")
    filterset = AuditEventFilter(request.GET or None, queryset=events)
    filtered = filterset.is_bound and filterset.is_valid() and any(filterset.form.cleaned_data.values())
    if filtered:
        page, query = paginate(request, filterset.qs, PAGE_SIZE)
    else:
        chain = functools.partial(AuditChainPaginator, last_seq=audit.last_seq())
        page, query = paginate(request, events, PAGE_SIZE, paginator_class=chain)
    return render(request, "opske/audit_list.html", {"page": page, "filter": filterset, "query": query})


# --- Documents --------------------------------------------------------------------------------


@login_required
def document_download(request, pk):
    try:
        document = document_get_for_user(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    response = FileResponse(
        document.file.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"{document.kind}-{document.pk}.pdf",
    )
    response["X-Content-SHA256"] = document.sha256
    return response
