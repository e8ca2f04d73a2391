"""`interop` knows nothing of the domain apps above it (STYLE.md, «Which way imports run»)."""

from pathlib import Path

from accounts.tests.test_layers import imported_modules

INTEROP = Path(__file__).resolve().parents[1]
DOMAIN_APPS = ("calls", "applications", "evaluation", "verification", "payments")


def test_registry_clients_import_nothing_from_the_domain_apps():
    clients = [p for p in sorted(INTEROP.glob("*.py")) if not p.name.startswith("identity")]
    offenders = {
        path.name: sorted(m for m in imported_modules(path) if m.split(".")[0] in DOMAIN_APPS)
        for path in clients
    }

    assert clients, "the scan found no interop modules"
    assert {name: mods for name, mods in offenders.items() if mods} == {}


def test_identity_orchestration_also_stays_below_the_domain_apps():
    modules = set().union(*(imported_modules(p) for p in INTEROP.glob("identity*.py")))

    assert "accounts.services" in modules
    assert not {m for m in modules if m.split(".")[0] in DOMAIN_APPS}
