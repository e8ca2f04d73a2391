"""gunicorn's threaded worker, hardened for the open internet: a thread only ever gets a whole request,
and each process takes a fair share of keep-alive clients.

**Whole requests only (issue 11).** gunicorn's gthread worker hands a connection to a thread as soon
as a byte arrives, and the thread then reads the rest with a blocking socket and no time limit. A
client that sends half a request line, a body slower than a trickle, or a POST whose body the
application never read (the unread bytes wake the connection, the thread drains them and then waits
for the next request line of a client that has gone quiet) holds that thread for as long as it
likes; with one thread per process six such connections left 3 of 4 health checks unanswered. Here
the worker's own event loop (which never blocks) reads what each connection sends into a buffer
and hands a request to a thread only once its head and its whole body (Content-Length, or chunked to
its last chunk) are in that buffer; the thread parses from the buffer, never from the socket. So:
- a slow or idle client costs a file descriptor and its bytes, never a thread; a request that does
  not arrive within `WEB_CLIENT_TIMEOUT` seconds of silence, or `WEB_REQUEST_DEADLINE` seconds in
  all, is answered 408 and closed;
- a body larger than `WEB_MAX_REQUEST_BODY_MB` is answered 413 (the coded JSON error) without
  being read;
- `Expect: 100-continue` is answered by the loop, so the client sends its body;
- writing the answer to a client that does not read it gives up after `WEB_CLIENT_TIMEOUT` seconds
  (the socket's timeout), instead of blocking forever;
- pipelined requests are served one after another from the buffer.
TLS is not handled here (it ends at the proxy in front, docker-compose.yml); with gunicorn's own TLS
the worker falls back to gthread's reading.

**A fair share of keep-alive clients.** With keep-alive every client connection stays with the
worker process that accepted it, and the processes accept in bursts: in the surge benchmark (200
clients, 4 processes) one process held 76 connections and another 45, so a quarter of the applicants
waited 1.7 times longer than the rest. A front proxy that balances per request (nginx `least_conn`)
removes that; without one, set `WEB_MAX_CLIENTS_PER_WORKER` (≈ expected concurrent clients /
workers, with some slack): a process holding that many connections stops accepting and leaves new
ones in the shared backlog to the others, and takes them again once one of its own closes. 0 (the
default) = no limit. gunicorn's own `--worker-connections` is not the same: at its limit the gthread
worker stops polling its open keep-alive connections too, so they stall until the keep-alive timeout.

Use: `gunicorn -k opske.gunicorn_worker.ThreadWorker …` (Dockerfile, docker-compose.yml, the bench).
"""

from __future__ import annotations

import contextlib
import errno
import gc
import json
import os
import re
import selectors
import socket
import time
from collections import deque
from functools import partial

from gunicorn import http
from gunicorn.workers import gthread

HEAD_END = b"\r\n\r\n"
# A head (request line and headers) larger than gunicorn's own limits allow: handed on as it is, and
# gunicorn's parser answers 400.
MAX_HEAD_BYTES = 128 * 1024
MAX_CHUNK_LINE = 1024
_HEX = re.compile(rb"[0-9A-Fa-f]+")


def _env_number(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, "") or default)
    except ValueError:
        return default


class BodyTooLarge(Exception):
    pass


def request_end(buf: bytes | bytearray, max_body: int) -> int | None:
    """Where the first request in `buf` ends (the offset after its body), or None if it has not all
    arrived. A request gunicorn will refuse anyway (a malformed length or chunk size, both lengths)
    ends where its head ends, so the thread answers it 400 at once. Raises BodyTooLarge."""
    head_end = buf.find(HEAD_END)
    if head_end < 0:
        return len(buf) if len(buf) > MAX_HEAD_BYTES else None
    start = head_end + len(HEAD_END)
    lengths, encodings = [], []
    for line in bytes(buf[:head_end]).split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            lengths.append(value.strip())
        elif name == b"transfer-encoding":
            encodings.append(value.strip().lower())
    if encodings:
        chunked = not lengths and b",".join(encodings).replace(b" ", b"").split(b",")[-1] == b"chunked"
        return _chunked_end(buf, start, max_body) if chunked else start
    if not lengths:
        return start
    if len(set(lengths)) != 1 or not lengths[0].isdigit() or not lengths[0].isascii():
        return start
    length = int(lengths[0])
    if length > max_body:
        raise BodyTooLarge
    return start + length if len(buf) >= start + length else None


def _chunked_end(buf: bytes | bytearray, pos: int, max_body: int) -> int | None:
    total = 0
    while True:
        eol = buf.find(b"\r\n", pos)
        if eol < 0:
            return len(buf) if len(buf) - pos > MAX_CHUNK_LINE else None
        size_field = bytes(buf[pos:eol]).split(b";", 1)[0].strip()
        if not _HEX.fullmatch(size_field):
            return len(buf)  # gunicorn's parser refuses it (400)
        size = int(size_field, 16)
        if size == 0:
            trailer = eol + 2
            while True:  # trailers, up to an empty line
                line_end = buf.find(b"\r\n", trailer)
                if line_end < 0:
                    return None
                if line_end == trailer:
                    return line_end + 2
                trailer = line_end + 2
        total += size
        if total > max_body:
            raise BodyTooLarge
        pos = eol + 2 + size + 2
        if pos > len(buf):
            return None


def _without_expect(request: bytes) -> bytes:
    """The request without its Expect header: the loop has answered it (gunicorn would again)."""
    head, sep, body = request.partition(HEAD_END)
    lines = [line for line in head.split(b"\r\n") if line.partition(b":")[0].strip().lower() != b"expect"]
    return b"\r\n".join(lines) + sep + body


def _wants_continue(buf: bytes | bytearray) -> bool:
    head = bytes(buf[: buf.find(HEAD_END)]).lower()
    return b"\r\nexpect:" in head and b"100-continue" in head


def _error_response(status: str, code: str, message: str) -> bytes:
    body = json.dumps({"code": code, "message": message, "fields": {}}, ensure_ascii=False).encode()
    return (
        f"HTTP/1.1 {status}\r\nContent-Type: application/json; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body


class BufferedConn(gthread.TConn):
    """A client connection and the bytes it has sent that no thread has taken yet."""

    def __init__(self, cfg, sock, client, server, send_timeout: float):
        super().__init__(cfg, sock, client, server)
        self.send_timeout = send_timeout
        self.buf = bytearray()
        self.ready = b""  # the whole request the next thread parses
        self.waiting = None  # None (new, or with a thread), "keepalive" or "reading"
        self.started = None  # when the first byte of the request being read arrived
        self.read_by = 0.0  # reading: the next byte is due by then (monotonic)
        self.continued = False

    def init(self):
        self.initialized = True
        # The answer is written by the thread: a client that stops reading it is given up on.
        self.sock.settimeout(self.send_timeout)
        # A parser over this request's bytes alone: the thread never reads the socket.
        self.parser = http.RequestParser(self.cfg, [self.ready], self.client)


class ThreadWorker(gthread.ThreadWorker):
    def load_wsgi(self):
        super().load_wsgi()
        # Django and the project are loaded: move those objects out of the collector's reach, so
        # a full collection during a request (it holds up everyone queued on the lock that request
        # holds) walks only what requests allocate.
        gc.freeze()

    def init_process(self):
        self.max_clients = int(os.environ.get("WEB_MAX_CLIENTS_PER_WORKER", "0") or 0)
        self.accepting = True
        self.client_timeout = _env_number("WEB_CLIENT_TIMEOUT", 20)
        self.request_deadline = _env_number("WEB_REQUEST_DEADLINE", 300)
        self.max_body = int(_env_number("WEB_MAX_REQUEST_BODY_MB", 25) * 1024 * 1024)
        self.buffered = not self.cfg.is_ssl
        self._reading = []  # connections in the middle of a request, each with its deadline
        self._ready = deque()  # connections whose buffer already holds their next request
        self._last_sweep = 0.0
        super().init_process()

    # --- accepting, and the fair share --------------------------------------------------------------

    def accept(self, server, listener):
        try:
            sock, client = listener.accept()
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        if self.buffered:
            conn = BufferedConn(self.cfg, sock, client, server, send_timeout=self.client_timeout)
        else:
            conn = gthread.TConn(self.cfg, sock, client, server)
        self.nr_conns += 1
        with self._lock:
            self.poller.register(conn.sock, selectors.EVENT_READ, self._reader(conn))
        if self.max_clients and self.accepting and self.nr_conns >= self.max_clients:
            with self._lock:
                for listening in self.sockets:
                    self.poller.unregister(listening)
            self.accepting = False

    def notify(self):
        # Called on every turn of the worker's loop (at least once a second).
        super().notify()
        if not self.accepting and self.nr_conns < self.max_clients:
            with self._lock:
                for sock in self.sockets:
                    self.poller.register(sock, selectors.EVENT_READ, partial(self.accept, sock.getsockname()))
            self.accepting = True
        if self.buffered:
            self._serve_ready()
            self._sweep_reading()

    # --- reading whole requests in the loop ---------------------------------------------------------

    def on_client_socket_readable(self, conn, client):
        if not self.buffered:
            return super().on_client_socket_readable(conn, client)
        with self._lock:
            self.poller.unregister(client)
            try:
                if conn.waiting == "keepalive":
                    self._keep.remove(conn)
                elif conn.waiting == "reading":
                    self._reading.remove(conn)
            except ValueError:
                return  # a sweep closed it meanwhile
            conn.waiting = None
        try:
            data = conn.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            self._wait_for_more(conn)
            return
        except OSError:
            self._drop(conn)
            return
        if not data:  # the client closed its side
            self._drop(conn)
            return
        conn.buf += data
        self._advance(conn)

    def _advance(self, conn):
        """Hand the buffered request to a thread if it has all arrived; else keep reading."""
        while conn.buf[:2] == b"\r\n":  # empty lines before a request line are ignored (RFC 9112 2.2)
            del conn.buf[:2]
        if not conn.buf:
            conn.started = None
            self._wait(conn, "keepalive")
            return
        if conn.started is None:
            conn.started = time.monotonic()
        try:
            end = request_end(conn.buf, self.max_body)
        except BodyTooLarge:
            self._refuse(
                conn, "413 Content Too Large", "request_too_large",
                f"Το αίτημα ξεπερνά το όριο των {self.max_body // (1024 * 1024)} MB.",
            )  # fmt: skip
            return
        if end is None:
            if not conn.continued and conn.buf.find(HEAD_END) >= 0 and _wants_continue(conn.buf):
                conn.continued = True
                self._send_quietly(conn, b"HTTP/1.1 100 Continue\r\n\r\n")
            self._wait_for_more(conn)
            return
        request = bytes(conn.buf[:end])
        del conn.buf[:end]
        conn.ready = _without_expect(request) if conn.continued or _wants_continue(request) else request
        conn.started, conn.continued = None, False
        self.enqueue_req(conn)

    def _wait_for_more(self, conn):
        conn.read_by = time.monotonic() + self.client_timeout
        self._wait(conn, "reading")

    def _wait(self, conn, how: str):
        with self._lock:
            if how == "keepalive":
                conn.set_timeout()
                self._keep.append(conn)
            else:
                self._reading.append(conn)
            conn.waiting = how
            self.poller.register(conn.sock, selectors.EVENT_READ, self._reader(conn))

    def _reader(self, conn):
        return partial(self.on_client_socket_readable, conn)

    def _sweep_reading(self):
        """Close the connections whose request stalled (silent too long, or too slow in all)."""
        now = time.monotonic()
        if now - self._last_sweep < 0.25 or not self._reading:
            return
        self._last_sweep = now
        with self._lock:
            deadline = self.request_deadline
            stalled = [c for c in self._reading if c.read_by < now or now - (c.started or now) > deadline]
            for conn in stalled:
                self._reading.remove(conn)
                conn.waiting = None
                with contextlib.suppress(KeyError, ValueError, OSError):
                    self.poller.unregister(conn.sock)
        for conn in stalled:
            self._refuse(
                conn, "408 Request Timeout", "request_timeout",
                "Το αίτημα δεν έφτασε ολόκληρο εγκαίρως. Δοκιμάστε ξανά.",
            )  # fmt: skip

    def _send_quietly(self, conn, data: bytes) -> None:
        with contextlib.suppress(OSError):
            conn.sock.send(data)  # non-blocking: what fits in the socket's buffer (a short answer)

    def _refuse(self, conn, status: str, code: str, message: str) -> None:
        self._send_quietly(conn, _error_response(status, code, message))
        with contextlib.suppress(OSError):
            conn.sock.shutdown(socket.SHUT_WR)
        self._drop(conn)

    def _drop(self, conn):
        self.nr_conns -= 1
        conn.close()

    # --- after a thread has answered ----------------------------------------------------------------

    def finish_request(self, fs):
        # Runs on the thread that answered.
        if not self.buffered:
            return super().finish_request(fs)
        conn = fs.conn
        keepalive = False
        if not fs.cancelled():
            try:
                keepalive, conn = fs.result()
            except Exception:
                keepalive = False
        if not (keepalive and self.alive):
            self.nr_conns -= 1
            conn.close()
            return
        conn.sock.setblocking(False)
        if conn.buf:  # pipelined: the next request is (partly) here; the loop takes it next turn
            with self._lock:
                self._ready.append(conn)
        else:
            self._wait(conn, "keepalive")

    def _serve_ready(self):
        while True:
            with self._lock:
                if not self._ready:
                    return
                conn = self._ready.popleft()
            self._advance(conn)
