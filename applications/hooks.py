"""Hooks higher layers register to react once a final submission has been recorded.

`submission_record_receipt_and_notices` (after commit, off the submission hot path) calls
`submission_recorded(application)` inside its own transaction, once per submission; a hook must
only schedule work after commit (e.g. evaluation/ enqueues the automatic assignment, ΚΥΑ 7066
Art. 7.1α, 7.2), never do slow work inline.
"""

from __future__ import annotations

from collections.abc import Callable

SubmissionHook = Callable[[object], None]
_HOOKS: list[SubmissionHook] = []


def on_submission_recorded(fn: SubmissionHook) -> SubmissionHook:
    """Register `fn(application)`; registering the same function twice keeps one."""
    if all(h.__qualname__ != fn.__qualname__ or h.__module__ != fn.__module__ for h in _HOOKS):
        _HOOKS.append(fn)
    return fn


def submission_recorded(application) -> None:
    for hook in list(_HOOKS):
        hook(application)
