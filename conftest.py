"""Fixtures shared by every test.

`registry_server` serves the portal (and so its registry sandboxes) over real HTTP on a random
loopback port for the whole test session; every test's registry clients point at it. The sandboxes
keep their state in the cache, never in the test database, so the server needs no transaction of
the test's.
"""

import threading

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def registry_server():
    server = ThreadedWSGIServer(("127.0.0.1", 0), _QuietHandler, allow_reuse_address=False)
    server.daemon_threads = True
    server.set_app(get_wsgi_application())
    thread = threading.Thread(target=server.serve_forever, name="registry-sandbox", daemon=True)
    thread.start()
    host, port = server.server_address
    yield f"http://{host}:{port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _registries_point_at_sandbox(settings, registry_server):
    settings.INTEROP_BASE_URL = f"{registry_server}/sandbox"
    settings.SITE_URL = registry_server


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
