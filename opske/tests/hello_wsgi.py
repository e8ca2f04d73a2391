"""A minimal WSGI app for the gunicorn worker tests (no Django: only the worker is under test).
`/` answers how many objects the process has frozen out of the garbage collector's reach and never
reads a request body (as an API answering 401 first); `/echo` reads the whole body and answers its
length and SHA-256."""

import gc
import hashlib


def app(environ, start_response):
    if environ.get("PATH_INFO") == "/echo":
        data = environ["wsgi.input"].read()
        body = f"length={len(data)} sha256={hashlib.sha256(data).hexdigest()}".encode()
    else:
        body = f"frozen={gc.get_freeze_count()}".encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
