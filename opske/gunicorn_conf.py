"""gunicorn settings the image and docker-compose share (`gunicorn -c python:opske.gunicorn_conf`).

The access log carries the path without its query string and no Referer (issue 11): the TAXISnet
callback's `?code=…&state=…` is a one-time OAuth code, and list filters carry ΑΦΜ and names; neither
belongs in a log that operators ship elsewhere. The request id (X-Request-ID, set by
`opske.middleware.RequestIdMiddleware`) ties a line to the application's own logs instead.
"""

import os

accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss rid=%({x-request-id}o)s'
worker_class = "opske.gunicorn_worker.ThreadWorker"
workers = int(os.environ.get("WEB_WORKERS", "4"))
threads = int(os.environ.get("WEB_THREADS", "1"))
backlog = 2048
keepalive = 75
bind = os.environ.get("WEB_BIND", "0.0.0.0:8000")
