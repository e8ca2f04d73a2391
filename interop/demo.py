"""Demo data of the interop app, run by `manage.py load_demo` right after `accounts.demo`."""

from __future__ import annotations

from interop import identity_demo


def load(stdout) -> None:
    identity_demo.load(stdout)
