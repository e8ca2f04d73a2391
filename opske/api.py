"""API-wide pieces: the error renderer every endpoint shares."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from opske.errors import ApplicationError

_DRF_CODES = {
    exceptions.NotAuthenticated: ("not_authenticated", "Απαιτείται σύνδεση."),
    exceptions.AuthenticationFailed: ("authentication_failed", "Η ταυτοποίηση απέτυχε."),
    exceptions.PermissionDenied: ("permission_denied", "Δεν έχετε δικαίωμα για αυτή την ενέργεια."),
    exceptions.NotFound: ("not_found", "Δεν βρέθηκε."),
    exceptions.MethodNotAllowed: ("method_not_allowed", "Η μέθοδος δεν επιτρέπεται."),
    exceptions.Throttled: ("throttled", "Πάρα πολλά αιτήματα. Δοκιμάστε αργότερα."),
    exceptions.UnsupportedMediaType: ("unsupported_media_type", "Μη υποστηριζόμενος τύπος περιεχομένου."),
    exceptions.ParseError: ("parse_error", "Το σώμα του αιτήματος δεν είναι έγκυρο."),
}


def _flatten(detail):
    if isinstance(detail, dict):
        return {k: [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in detail.items()}
    if isinstance(detail, list):
        return {"non_field_errors": [str(m) for m in detail]}
    return {}


def exception_handler(exc, context):
    """Render every error as {"code", "message", "fields"} (STYLE.md practice 8)."""
    if isinstance(exc, ApplicationError):
        return Response(exc.as_dict(), status=exc.http_status)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        body = {"code": "validation_failed", "message": "Τα στοιχεία δεν είναι έγκυρα.", "fields": fields}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        body = {
            "code": "validation_failed",
            "message": "Τα στοιχεία δεν είναι έγκυρα.",
            "fields": _flatten(exc.detail),
        }
    else:
        code, message = next(
            ((c, m) for cls, (c, m) in _DRF_CODES.items() if isinstance(exc, cls)),
            (getattr(exc, "default_code", "error"), str(getattr(exc, "detail", "Σφάλμα."))),
        )
        body = {"code": code, "message": message, "fields": {}}
    response.data = body
    return response


# --- The schema's error answers ------------------------------------------------------------------
# Every endpoint can answer these with the one error body; the schema says so (drf-spectacular
# lists only the success answer of a view), so clients and schemathesis know every answer they get.
ERROR_SCHEMA = {
    "type": "object",
    "description": "Κάθε σφάλμα: κωδικός, μήνυμα στα ελληνικά, και τα μηνύματα ανά πεδίο.",
    "required": ["code", "message", "fields"],
    "properties": {
        "code": {"type": "string", "example": "validation_failed"},
        "message": {"type": "string", "example": "Τα στοιχεία δεν είναι έγκυρα."},
        "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
}
_ALWAYS = {
    "400": "Άκυρο αίτημα: παράμετροι, σώμα ή χαρακτήρες που δεν γίνονται δεκτοί.",
    "401": "Απαιτείται σύνδεση, ή το διακριτικό δεν είναι έγκυρο.",
    "403": "Δεν έχετε δικαίωμα για αυτή την ενέργεια, ή η σύνδεση δεν ολοκληρώθηκε (δεύτερο βήμα).",
    "404": "Δεν βρέθηκε (ή δεν ανήκει σε εσάς).",
    "405": "Η μέθοδος δεν επιτρέπεται.",
    "406": "Η μορφή απάντησης που ζητήθηκε (Accept) δεν υποστηρίζεται.",
    "429": "Πάρα πολλά αιτήματα.",
    "503": "Μητρώο ή υπηρεσία προσωρινά μη διαθέσιμη· δοκιμάστε ξανά.",
}
_WRITES = {
    "409": "Σύγκρουση με την τρέχουσα κατάσταση (π.χ. η αίτηση έχει ήδη υποβληθεί).",
    "413": "Το σώμα ή το αρχείο είναι πολύ μεγάλο.",
    "415": "Μη υποστηριζόμενος τύπος περιεχομένου.",
    "422": "Το μητρώο απέρριψε το αίτημα.",
}


def document_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: add the `Error` component and every error answer."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            answers = {**_ALWAYS, **(_WRITES if method in {"post", "put", "patch", "delete"} else {})}
            responses = operation.setdefault("responses", {})
            for status_code, description in answers.items():
                responses.setdefault(
                    status_code,
                    {"description": description, "content": {"application/json": {"schema": ref}}},
                )
    return result
