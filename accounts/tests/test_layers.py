"""`accounts` sits below `interop` (STYLE.md, «Which way imports run»): it imports nothing from it."""

import ast
from pathlib import Path

ACCOUNTS = Path(__file__).resolve().parents[1]
ABOVE_ACCOUNTS = ("interop", "calls", "applications", "evaluation", "verification", "payments")


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


def test_no_accounts_module_imports_interop_or_a_higher_layer():
    offenders = {
        str(path.relative_to(ACCOUNTS.parent)): sorted(
            m for m in imported_modules(path) if m.split(".")[0] in ABOVE_ACCOUNTS
        )
        for path in sorted(ACCOUNTS.rglob("*.py"))
    }

    assert {path: mods for path, mods in offenders.items() if mods} == {}


def test_the_scan_does_see_imports_inside_functions(tmp_path):
    source = tmp_path / "late.py"
    source.write_text("def f():\n    from interop.sandboxes import registry_data\n", encoding="utf-8")

    assert imported_modules(source) == {"interop.sandboxes"}
