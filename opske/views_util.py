"""Small pieces every app's browser views share: the 404 of a scoped read, a service refusal shown at
its fields, and a page of a list with the rest of the query string kept."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.utils.http import url_has_allowed_host_and_scheme

from opske.errors import ApplicationError, NotFound


def safe_next(request, candidate: str) -> str:
    """Where to land after a login step: a path on this portal only (never an open redirect)."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def or_404(fn, *args, **kwargs):
    """Call a permission-scoped selector; its NotFound (another party's object) becomes a 404."""
    try:
        return fn(*args, **kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def show_refusal(request, form, exc: ApplicationError) -> None:
    """A service refusal on its fields when the form has them, else above the form (or, with no
    form, as a page message)."""
    placed = False
    for field, msgs in exc.fields.items():
        if form is not None and field in form.fields:
            for m in msgs:
                form.add_error(field, m)
            placed = True
    if form is not None and not placed:
        form.add_error(None, exc.message)
    elif form is None:
        messages.error(request, exc.message)


# Rows per page a staff member may choose on a list (`?page_size=`); any other value is the list's own.
PAGE_SIZES = (25, 50, 100)


def page_size(request, default: int) -> int:
    """The rows per page asked for, when it is one of PAGE_SIZES (compared as text: no int() on user
    input), else the list's own default."""
    asked = request.GET.get("page_size", "")
    return next((n for n in PAGE_SIZES if asked == str(n)), default)


def paginate(request, qs, per_page: int, *, paginator_class=Paginator, defaults=None):
    """(page, query string without «page») for a paginated list with its filters kept. The list takes
    `?page_size=` (PAGE_SIZES); the pager then offers those sizes, keeping the filters. `defaults`
    are parameters the list assumed when the request did not give them (e.g. the call shown), so
    that the pager's links keep showing the same rows."""
    query = request.GET.copy()
    query.pop("page", None)
    for key, value in (defaults or {}).items():
        query.setdefault(key, value)
    paginator = paginator_class(qs, page_size(request, per_page))
    sizes = query.copy()
    sizes.pop("page_size", None)
    paginator.page_sizes = PAGE_SIZES
    paginator.size_query = sizes.urlencode()
    return paginator.get_page(request.GET.get("page")), query.urlencode()
