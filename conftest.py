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


@pytest.fixture(autouse=True, scope="session")
def _test_client_logins_pass_the_second_step():
    """`Client.force_login` / `Client.login` of a staff account give a session that has also passed
    the TOTP step (accounts.two_factor), as after a completed two-step login: tests of staff pages
    start there. The two steps themselves are tested through the real pages
    (accounts/tests/test_two_factor.py) and every browser journey goes through them
    (tests/journey.staff_login)."""
    from django.test.client import ClientMixin

    original = ClientMixin._login

    def _login(self, user, backend=None):
        original(self, user, backend)
        from accounts.models import User

        if user.kind != User.Kind.STAFF:
            return
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="test", confirmed=True
        )
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    ClientMixin._login = _login
    yield
    ClientMixin._login = original


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
