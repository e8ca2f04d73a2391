"""A minimal WSGI app for the gunicorn worker test (no Django: only the worker is under test).
It answers how many objects the process has frozen out of the garbage collector's reach."""

import gc


def app(environ, start_response):
    body = f"frozen={gc.get_freeze_count()}".encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
