"""The confirmation page before an irreversible staff or applicant step.

A POST without `confirm` changes nothing: it answers with a page that says what will happen and
what cannot be undone, carrying the posted fields as hidden inputs, with a checkbox and the
button that posts the same request again with `confirm=on` (as the business's final submission
does, templates/applications/confirm.html). Views call `confirmed(request)` first and
`confirmation_page(...)` when it is false.
"""

from __future__ import annotations

from django.shortcuts import render

CONFIRM_FIELD = "confirm"
CONFIRM_VALUES = frozenset({"on", "1", "yes", "true"})
_NOT_CARRIED = frozenset({"csrfmiddlewaretoken", CONFIRM_FIELD})


def confirmed(request) -> bool:
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD, "").lower() in CONFIRM_VALUES


def confirmation_page(
    request,
    *,
    title: str,
    irreversible: str,
    button: str,
    check_label: str,
    cancel_url: str,
    summary: list[tuple[str, str]] | None = None,
    caption: str = "",
    warning_button: bool = False,
):
    """Render the confirmation; a second POST without the box ticked shows the error at the box."""
    hidden = [
        (name, value) for name, values in request.POST.lists() if name not in _NOT_CARRIED for value in values
    ]
    # The box was offered and left unticked: say so at the field (GOV.GR error pattern).
    error = "Επιλέξτε το πλαίσιο για να επιβεβαιώσετε." if request.POST.get("confirm_offered") else ""
    return render(
        request,
        "partials/confirm_irreversible.html",
        {
            "title": title,
            "caption": caption,
            "irreversible": irreversible,
            "button": button,
            "check_label": check_label,
            "cancel_url": cancel_url,
            "summary": summary or [],
            "hidden": [(n, v) for n, v in hidden if n != "confirm_offered"],
            "action": request.get_full_path(),
            "error": error,
            "warning_button": warning_button,
        },
        status=400 if error else 200,
    )
