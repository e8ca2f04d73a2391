"""opske.gunicorn_worker under a real gunicorn.

- A process holding its share of keep-alive clients leaves the next connection to the others (here:
  waiting in the backlog) and keeps serving its own.
- Idle and slow clients cannot freeze it (issue 11): a thread gets only whole requests, so a body
  never read, half a request line, a head without its body or a trickling body hold no thread, and
  everybody else is answered within a second; a stalled request is answered 408, a huge body 413.
"""

import hashlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from opske.gunicorn_worker import BodyTooLarge, request_end

ROOT = Path(__file__).resolve().parents[2]
REQUEST = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answer(sock: socket.socket) -> bytes:
    """One whole response (headers, then Content-Length bytes of body): the next starts clean."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(1024)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(v)
        for k, _, v in (h.partition(b":") for h in head.split(b"\r\n"))
        if k.lower() == b"content-length"
    )
    while len(body) < length:
        body += sock.recv(1024)
    return head + b"\r\n\r\n" + body


def _ask(sock: socket.socket, timeout: float) -> bytes:
    sock.settimeout(timeout)
    sock.sendall(REQUEST)
    return _answer(sock)


def _start(app: str, env: dict) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    proc = subprocess.Popen(  # noqa: S603 - the venv's gunicorn on a loopback port
        [str(Path(sys.executable).with_name("gunicorn")), app,
         "-b", f"127.0.0.1:{port}", "-w", "1", "-k", "opske.gunicorn_worker.ThreadWorker",
         "--threads", "1", "--keep-alive", "60", "--log-level", "warning"],
        cwd=ROOT,
        env=dict(os.environ, **env),
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
                # Connection: close, so the server itself ends it and frees the place at once.
                probe.sendall(REQUEST.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n"))
                probe.settimeout(5)
                if _answer(probe).startswith(b"HTTP/1.1 200"):
                    break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("gunicorn did not start")
    return proc, port


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture
def gunicorn_port():
    proc, port = _start("opske.tests.hello_wsgi:app", {"WEB_MAX_CLIENTS_PER_WORKER": "2"})
    time.sleep(1.0)  # the worker's loop turns at least once a second (opske.gunicorn_worker)
    yield port
    _stop(proc)


@pytest.fixture
def hardened_port():
    """One process, one thread (the production shape per process), short client timeouts."""
    proc, port = _start(
        "opske.tests.hello_wsgi:app",
        {"WEB_CLIENT_TIMEOUT": "2", "WEB_REQUEST_DEADLINE": "6", "WEB_MAX_REQUEST_BODY_MB": "1"},
    )
    yield port
    _stop(proc)


def test_a_worker_at_its_share_waits_for_a_free_place_but_keeps_serving_its_clients(gunicorn_port):
    first = socket.create_connection(("127.0.0.1", gunicorn_port), timeout=5)
    second = socket.create_connection(("127.0.0.1", gunicorn_port), timeout=5)
    assert _ask(first, 5).startswith(b"HTTP/1.1 200")
    assert _ask(second, 5).startswith(b"HTTP/1.1 200")

    third = socket.create_connection(("127.0.0.1", gunicorn_port), timeout=5)
    with pytest.raises(TimeoutError):
        _ask(third, 1.5)  # not accepted: the worker holds its two
    assert _ask(second, 5).startswith(b"HTTP/1.1 200")  # its own clients are still served

    first.close()
    third.settimeout(10)
    assert _answer(third).startswith(b"HTTP/1.1 200")  # a place freed: the waiting one is served
    for sock in (second, third):
        sock.close()


def test_the_worker_freezes_what_was_loaded_before_serving(gunicorn_port):
    with socket.create_connection(("127.0.0.1", gunicorn_port), timeout=5) as sock:
        answer = _ask(sock, 5)

    frozen = int(answer.rsplit(b"frozen=", 1)[1])
    assert frozen > 1000  # the interpreter, gunicorn and the app, out of every full collection


# --- idle and slow clients (issue 11) -------------------------------------------------------------------


def _hostile_connections(port: int) -> list[socket.socket]:
    """The connections that froze the portal: each one held the worker's only thread before."""
    socks = []

    def connect() -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        socks.append(sock)
        return sock

    for _ in range(2):  # a POST answered without its body being read, then left idle (keep-alive)
        sock = connect()
        sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\n\r\n" + b"x" * 20)
        assert _answer(sock).startswith(b"HTTP/1.1 200")
    connect().sendall(b"GET / HT")  # half a request line
    connect().sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n")  # no body
    connect().sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\nxx")  # a trickle
    connect().sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")  # slow headers
    return socks


def test_idle_and_slow_clients_do_not_keep_others_waiting(hardened_port):
    hostile = _hostile_connections(hardened_port)

    waits = []
    for _ in range(4):  # the health checks of the report: each on a new connection
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", hardened_port), timeout=5) as sock:
            assert _ask(sock, 1.0).startswith(b"HTTP/1.1 200")
        waits.append(time.monotonic() - started)
        hostile[-2].sendall(b"x")  # the trickle goes on
    assert max(waits) < 1.0
    for sock in hostile:
        sock.close()


def test_a_request_that_stalls_is_answered_408_and_closed(hardened_port):
    with socket.create_connection(("127.0.0.1", hardened_port), timeout=10) as sock:
        sock.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
        started = time.monotonic()
        answer = _answer(sock)
        waited = time.monotonic() - started

    assert answer.startswith(b"HTTP/1.1 408")
    assert b'"code": "request_timeout"' in answer and b'"fields": {}' in answer
    assert 1.5 < waited < 5  # WEB_CLIENT_TIMEOUT=2 of silence


def test_a_body_over_the_limit_is_refused_413_without_being_read(hardened_port):
    with socket.create_connection(("127.0.0.1", hardened_port), timeout=5) as sock:
        sock.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n")
        answer = _answer(sock)

    assert answer.startswith(b"HTTP/1.1 413")
    assert b'"code": "request_too_large"' in answer and b"1 MB" in answer


def test_bodies_arrive_whole_sent_slowly_chunked_after_100_continue_or_pipelined(hardened_port):
    body = bytes(range(256)) * 40  # 10,240 bytes
    digest = hashlib.sha256(body).hexdigest().encode()
    expected = b"length=10240 sha256=" + digest
    with socket.create_connection(("127.0.0.1", hardened_port), timeout=5) as sock:
        sock.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10240\r\n\r\n")
        for i in range(0, len(body), 4096):  # in pieces, with pauses shorter than the timeout
            time.sleep(0.3)
            sock.sendall(body[i : i + 4096])
        assert _answer(sock).endswith(expected)

        chunked = b"".join(
            b"%x\r\n%s\r\n" % (len(body[i : i + 3000]), body[i : i + 3000]) for i in range(0, 10240, 3000)
        )
        sock.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked)
        time.sleep(0.2)
        sock.sendall(b"0\r\n\r\n")
        assert _answer(sock).endswith(expected)

        sock.sendall(
            b"POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 10240\r\n\r\n"
        )
        assert sock.recv(1024) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(body)
        answer = _answer(sock)
        assert answer.startswith(b"HTTP/1.1 200") and answer.endswith(expected)  # one 100, not two

        sock.sendall(REQUEST + b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10240\r\n\r\n" + body)
        assert b"frozen=" in _answer(sock)
        assert _answer(sock).endswith(expected)


@pytest.mark.parametrize(
    ("buf", "end"),
    [
        (b"GET / HTTP/1.1\r\nHost: x\r\n", None),  # the head has not ended
        (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27),
        (b"POST / HTTP/1.1\r\ncontent-length: 3\r\n\r\nab", None),
        (b"POST / HTTP/1.1\r\ncontent-length: 3\r\n\r\nabcGET", 41),  # the next request stays
        (b"POST / HTTP/1.1\r\nContent-Length: \xc2\xb2\r\n\r\nab", 39),  # not a length: gunicorn says 400
        (b"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 57),
        (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n", None),
        (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 60),
        (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: 1\r\n\r\n", 60),
        (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0x3\r\nabc\r\n", 57),  # malformed size
    ],
)
def test_where_a_buffered_request_ends(buf, end):
    assert request_end(buf, max_body=1000) == end


def test_a_declared_or_chunked_body_over_the_limit_is_too_large():
    with pytest.raises(BodyTooLarge):
        request_end(b"POST / HTTP/1.1\r\nContent-Length: 1001\r\n\r\n", max_body=1000)
    with pytest.raises(BodyTooLarge):
        request_end(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3e9\r\n", max_body=1000)


@pytest.fixture
def portal_port(transactional_db):
    """The portal itself (opske.wsgi) under the image's worker, one process with one thread."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the portal under gunicorn needs the PostgreSQL test database")
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    proc, port = _start(
        "opske.wsgi:application",
        {"DJANGO_SETTINGS_MODULE": "opske.settings.test", "DATABASE_URL": url, "WEB_CLIENT_TIMEOUT": "20"},
    )
    yield port
    _stop(proc)


def test_the_portal_answers_its_health_check_within_a_second_beside_six_idle_clients(portal_port):
    """The report's case: an anonymous POST to the API answered 401 before its body was read, and
    the connection left idle; six of them left 3 of 4 health checks unanswered."""
    idle = []
    for _ in range(6):
        sock = socket.create_connection(("127.0.0.1", portal_port), timeout=5)
        body = b'{"call": 1}'
        sock.sendall(
            b"POST /api/v1/applications/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
        )
        assert _answer(sock).split(b"\r\n", 1)[0] in (b"HTTP/1.1 401 Unauthorized", b"HTTP/1.1 403 Forbidden")
        idle.append(sock)
    idle.append(socket.create_connection(("127.0.0.1", portal_port), timeout=5))
    idle[-1].sendall(b"POST /api/v1/applications/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 900\r\n\r\n")

    for _ in range(4):
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", portal_port), timeout=5) as sock:
            sock.settimeout(1.0)
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            answer = _answer(sock)
        assert time.monotonic() - started < 1.0
        assert b'"database": {"ok": true' in answer
    for sock in idle:
        sock.close()
