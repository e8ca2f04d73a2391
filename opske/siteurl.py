"""The portal's own address, derived once from the environment.

`make run PORT=8123` serves on :8123; the background `tick`, the demo loader, e-mail links, OAuth
redirect URIs and the registry clients (INTEROP_BASE_URL = SITE_URL/sandbox) must all reach that
same port, so every one of them reads the settings below and none spells a port of its own.
"""

DEFAULT_PORT = "8000"


def site_url_from_env(environ) -> str:
    """SITE_URL when given, else http://127.0.0.1:<PORT> (PORT defaults to 8000); no trailing slash."""
    explicit = (environ.get("SITE_URL") or "").strip()
    if explicit:
        return explicit.rstrip("/")
    port = (environ.get("PORT") or "").strip() or DEFAULT_PORT
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"PORT must be a TCP port number, not {port!r}")
    return f"http://127.0.0.1:{int(port)}"


def interop_base_url_from_env(environ, site_url: str) -> str:
    """INTEROP_BASE_URL when given, else the portal's own sandboxes at SITE_URL/sandbox."""
    explicit = (environ.get("INTEROP_BASE_URL") or "").strip()
    return (explicit or site_url + "/sandbox").rstrip("/")
