"""A requests session that serves the registry sandboxes inside this process.

`manage.py load_demo` runs before any server is up, yet the demo's acts must really be posted to the
Διαύγεια sandbox (the public pages and the privacy checks read them back from it). This session
hands each request to Django's own URL conf (the sandboxes are mounted under /sandbox/ whenever
`SANDBOXES_ENABLED`), so the client code, the wire format and the sandbox are the same ones a
running portal uses; only the socket is skipped. Never used for a real registry.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.http.request import validate_host
from django.test import Client


class _SandboxAdapter(requests.adapters.BaseAdapter):
    def send(self, request, **kwargs):
        parts = urlsplit(request.url)
        host = parts.hostname or "127.0.0.1"
        if not validate_host(host, settings.ALLOWED_HOSTS):
            host = next((h for h in settings.ALLOWED_HOSTS if "*" not in h), "127.0.0.1")
        client = Client(HTTP_HOST=host)
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        headers = {
            f"HTTP_{k.upper().replace('-', '_')}": v
            for k, v in request.headers.items()
            if k.lower() not in ("content-type", "content-length", "host")
        }
        answer = client.generic(
            request.method,
            parts.path + (f"?{parts.query}" if parts.query else ""),
            data=body,
            content_type=request.headers.get("Content-Type", "application/octet-stream"),
            **headers,
        )
        response = requests.Response()
        response.status_code = answer.status_code
        response._content = answer.content
        response.headers.update(dict(answer.items()))
        response.url = request.url
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self):
        pass


def sandbox_session() -> requests.Session:
    """A session whose requests to INTEROP_BASE_URL are answered by the in-process sandboxes."""
    if not settings.SANDBOXES_ENABLED:
        raise RuntimeError("the in-process session serves the sandboxes only")
    session = requests.Session()
    session.mount(settings.INTEROP_BASE_URL.rstrip("/") + "/", _SandboxAdapter())
    return session
