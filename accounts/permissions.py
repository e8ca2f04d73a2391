"""Role checks for views and the API. Staff roles come from RoleAssignment (User.has_role)."""

from __future__ import annotations

import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission


def role_required(*roles):
    """View decorator: the user must be logged in and hold at least one of `roles` (else 403)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_role(*roles):
                raise PermissionDenied("Δεν έχετε τον απαιτούμενο ρόλο.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


class HasRole(BasePermission):
    """DRF permission: the view's `required_roles` (any of them). Use `HasRole.of(...)` inline."""

    message = "Δεν έχετε τον απαιτούμενο ρόλο."

    def has_permission(self, request, view):
        roles = getattr(self, "roles", None) or getattr(view, "required_roles", ())
        user = request.user
        return bool(user and user.is_authenticated and roles and user.has_role(*roles))

    @classmethod
    def of(cls, *roles):
        return type(f"HasRole_{'_'.join(str(r) for r in roles)}", (cls,), {"roles": tuple(roles)})
