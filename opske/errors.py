"""One error hierarchy for the whole portal (STYLE.md practice 8).

Services raise these; the API renders them as {"code", "message", "fields"} (opske.api) and the
UI shows `message` (Greek) in the form or as a page message. `fields` maps a field name to a list
of messages for that field.
"""

from __future__ import annotations


class ApplicationError(Exception):
    code = "error"
    http_status = 400
    default_message = "Η ενέργεια δεν ολοκληρώθηκε."

    def __init__(self, message: str | None = None, *, code: str | None = None, fields: dict | None = None):
        self.message = message or self.default_message
        if code:
            self.code = code
        self.fields = {k: (v if isinstance(v, list) else [v]) for k, v in (fields or {}).items()}
        super().__init__(self.message)

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "fields": self.fields}


class ValidationFailed(ApplicationError):
    code = "validation_failed"
    default_message = "Τα στοιχεία δεν είναι έγκυρα."


class NotFound(ApplicationError):
    code = "not_found"
    http_status = 404
    default_message = "Δεν βρέθηκε."


class PermissionDenied(ApplicationError):
    code = "permission_denied"
    http_status = 403
    default_message = "Δεν έχετε δικαίωμα για αυτή την ενέργεια."


class Conflict(ApplicationError):
    """The object is not in a state that allows the action (e.g. a concurrent change won)."""

    code = "conflict"
    http_status = 409
    default_message = "Η ενέργεια δεν επιτρέπεται στην τρέχουσα κατάσταση."


class Busy(ApplicationError):
    """The database kept aborting the transaction for conflicts with others (opske.db): nothing was
    saved, and the same request may be sent again."""

    code = "busy_try_again"
    http_status = 503
    default_message = "Το σύστημα δέχεται πολλά αιτήματα ταυτόχρονα· δεν αποθηκεύτηκε τίποτα. Δοκιμάστε ξανά."


class RegistryUnavailable(ApplicationError):
    """A state registry did not answer in time or answered with a retryable failure."""

    code = "registry_unavailable"
    http_status = 503
    default_message = "Το μητρώο δεν είναι διαθέσιμο αυτή τη στιγμή. Δοκιμάστε ξανά αργότερα."


class RegistryRefused(ApplicationError):
    """A state registry answered with a definite, non-retryable error (e.g. unknown ΑΦΜ)."""

    code = "registry_refused"
    http_status = 422
    default_message = "Το μητρώο απέρριψε το αίτημα."
