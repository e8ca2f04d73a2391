"""Sections of the dashboards that higher layers contribute.

accounts/ sits below every domain app, so it cannot ask applications/ or evaluation/ for "my
applications". Instead each higher app registers a panel at start-up (STYLE.md: "the higher one
passes a callback"); the dashboard renders whatever is registered for its audience, in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

AUDIENCES = ("business", "person", "staff")


@dataclass(frozen=True)
class Panel:
    audience: str
    template: str
    context: Callable[..., dict]  # (request, **subject) -> template context
    order: int = 50


_PANELS: list[Panel] = []


def register_panel(*, audience: str, template: str, context: Callable[..., dict], order: int = 50) -> None:
    if audience not in AUDIENCES:
        raise ValueError(f"unknown dashboard audience {audience!r}")
    if any(p.audience == audience and p.template == template for p in _PANELS):
        return  # ready() may run more than once in tests
    _PANELS.append(Panel(audience, template, context, order))
    _PANELS.sort(key=lambda p: p.order)


def render_panels(request, audience: str, **subject) -> list[str]:
    """The registered panels for `audience`, rendered to HTML with `subject` (e.g. business=…)."""
    return [
        mark_safe(render_to_string(p.template, p.context(request, **subject), request=request))  # noqa: S308
        for p in _PANELS
        if p.audience == audience
    ]
