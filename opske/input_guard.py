"""Refuse input no field can hold, before any view sees it (issue 11, «bad input»).

PostgreSQL cannot store a NUL character, a lone UTF-16 surrogate cannot be encoded as UTF-8, and a
JSON document nested thousands deep exhausts the parser's recursion: each of these used to surface
as a 500 from deep inside a view. Here they are refused at the boundary with a coded 400: the API
answers `{"code", "message", "fields"}`, a page shows the Greek message. Uploaded files are not
looked at (their bytes are the upload checks' business); only text fields, the query string and
JSON bodies are.
"""

from __future__ import annotations

import json

from django.http import JsonResponse
from django.shortcuts import render

MAX_JSON_DEPTH = 64
NUL_MESSAGE = "Το κείμενο περιέχει μη επιτρεπτό χαρακτήρα (NUL)."
SURROGATE_MESSAGE = "Το κείμενο περιέχει μη έγκυρο χαρακτήρα Unicode."
DEPTH_MESSAGE = f"Το σώμα JSON είναι εμφωλευμένο σε περισσότερα από {MAX_JSON_DEPTH} επίπεδα."
PARSE_MESSAGE = "Το σώμα του αιτήματος δεν είναι έγκυρο JSON."


class BadInput(Exception):
    def __init__(self, code: str, message: str, field: str = ""):
        super().__init__(message)
        self.code, self.message, self.field = code, message, field


def _check_text(value: str, field: str) -> None:
    if "\x00" in value:
        raise BadInput("nul_character", NUL_MESSAGE, field)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise BadInput("invalid_unicode", SURROGATE_MESSAGE, field) from None


def _walk(document, field: str = "") -> None:
    """Every string (keys too) of a parsed JSON document, depth-first without recursion."""
    stack = [(document, field, 1)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise BadInput("json_too_deep", DEPTH_MESSAGE, path)
        if isinstance(value, str):
            _check_text(value, path)
        elif isinstance(value, dict):
            for key, item in value.items():
                _check_text(key, path)
                stack.append((item, key if not path else f"{path}.{key}", depth + 1))
        elif isinstance(value, list):
            stack.extend((item, path, depth + 1) for item in value)


def _json_nesting(raw: bytes) -> int:
    """The deepest bracket nesting of a JSON text, outside strings, without parsing it."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def check_request(request) -> None:
    _check_text(request.path, "")  # a %00 in the address reaches the views' text parameters too
    for key, values in request.GET.lists():
        _check_text(key, key)
        for value in values:
            _check_text(value, key)
    content_type = request.content_type or ""
    if request.method in ("POST", "PUT", "PATCH"):
        if content_type == "application/json":
            raw = request.body
            if not raw.strip():
                return
            if _json_nesting(raw) > MAX_JSON_DEPTH:
                raise BadInput("json_too_deep", DEPTH_MESSAGE)
            try:
                document = json.loads(raw)
            except (ValueError, RecursionError):
                return  # the API's parser answers its own parse_error
            _walk(document)
        elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for key, values in request.POST.lists():
                _check_text(key, key)
                for value in values:
                    _check_text(value, key)


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            check_request(request)
        except BadInput as exc:
            return refusal(request, exc)
        return self.get_response(request)


def refusal(request, exc: BadInput):
    if request.path.startswith("/api/") or request.content_type == "application/json":
        fields = {exc.field: [exc.message]} if exc.field else {}
        return JsonResponse({"code": exc.code, "message": exc.message, "fields": fields}, status=400)
    return render(request, "errors/400.html", {"message": exc.message, "field": exc.field}, status=400)
