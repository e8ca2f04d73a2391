"""A minimal WSGI app for the gunicorn worker test (no Django: only the worker is under test)."""


def app(environ, start_response):
    body = b"ok"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
