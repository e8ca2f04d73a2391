"""The access log the image writes (opske/gunicorn_conf.py) never carries a query string or a
Referer: the TAXISnet callback's one-time OAuth code and the lists' filters stay out of it (issue 11).
Formatted by gunicorn's own logger, as the server does."""

import datetime
from types import SimpleNamespace

from gunicorn.config import Config
from gunicorn.glogging import Logger

from opske import gunicorn_conf

CODE = "Zk3p-one-time-code"


def _line(environ, headers) -> str:
    cfg = Config()
    cfg.set("access_log_format", gunicorn_conf.access_log_format)
    logger = Logger(cfg)
    resp = SimpleNamespace(status="302 Found", status_code=302, sent=0, response_length=0, headers=headers)
    req = SimpleNamespace(headers=[("REFERER", environ.get("HTTP_REFERER", ""))])
    atoms = logger.atoms(resp, req, environ, datetime.timedelta(milliseconds=12))
    return cfg.access_log_format % logger.atoms_wrapper_class(atoms)


def test_the_access_log_keeps_the_oauth_code_and_filters_out():
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/accounts/taxisnet/callback/?code={CODE}&state=s1",
        "PATH_INFO": "/accounts/taxisnet/callback/",
        "QUERY_STRING": f"code={CODE}&state=s1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": f"https://opske.example.gr/accounts/taxisnet/callback/?code={CODE}",
    }
    line = _line(environ, [("X-Request-ID", "a1b2c3d4e5")])

    assert "GET /accounts/taxisnet/callback/ HTTP/1.1" in line and " 302 " in line
    assert CODE not in line and "state=" not in line and "?" not in line
    assert "rid=a1b2c3d4e5" in line  # the line still ties to the application's logs
