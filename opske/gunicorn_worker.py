"""gunicorn's threaded worker with a fair share of keep-alive clients per process.

With keep-alive every client connection stays with the worker process that accepted it, and the
processes accept in bursts: in the surge benchmark (200 clients, 4 processes) one process held 76
connections and another 45, so a quarter of the applicants waited 1.7 times longer than the rest.
A front proxy that balances per request (nginx `least_conn`) removes that; without one, set
`WEB_MAX_CLIENTS_PER_WORKER` (≈ expected concurrent clients / workers, with some slack): a process
holding that many connections stops accepting and leaves new ones in the shared backlog to the
others, and takes them again once one of its own closes. 0 (the default) = no limit.

gunicorn's own `--worker-connections` is not the same: at its limit the gthread worker stops
polling its open keep-alive connections too, so they stall until the keep-alive timeout.

Use: `gunicorn -k opske.gunicorn_worker.ThreadWorker …` (Dockerfile, docker-compose.yml, the bench).
"""

from __future__ import annotations

import gc
import os
import selectors
from functools import partial

from gunicorn.workers import gthread


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
        super().init_process()

    def accept(self, server, listener):
        super().accept(server, listener)
        if self.max_clients and self.accepting and self.nr_conns >= self.max_clients:
            with self._lock:
                for sock in self.sockets:
                    self.poller.unregister(sock)
            self.accepting = False

    def notify(self):
        # Called on every turn of the worker's loop (at least once a second).
        super().notify()
        if not self.accepting and self.nr_conns < self.max_clients:
            with self._lock:
                for sock in self.sockets:
                    self.poller.register(sock, selectors.EVENT_READ, partial(self.accept, sock.getsockname()))
            self.accepting = True
