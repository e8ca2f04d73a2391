"""opske.gunicorn_worker under a real gunicorn: a process holding its share of keep-alive clients
leaves the next connection to the others (here: waiting in the backlog) and keeps serving its own."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

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


@pytest.fixture
def gunicorn_port():
    port = _free_port()
    proc = subprocess.Popen(  # noqa: S603 - the venv's gunicorn on a loopback port
        [str(Path(sys.executable).with_name("gunicorn")), "opske.tests.hello_wsgi:app",
         "-b", f"127.0.0.1:{port}", "-w", "1", "-k", "opske.gunicorn_worker.ThreadWorker",
         "--threads", "1", "--keep-alive", "60", "--log-level", "warning"],
        cwd=ROOT,
        env=dict(os.environ, WEB_MAX_CLIENTS_PER_WORKER="2"),
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
    time.sleep(1.0)  # the worker's loop turns at least once a second (opske.gunicorn_worker)
    yield port
    proc.terminate()
    proc.wait(timeout=30)


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
