"""Demo of payments/: each area's demo module (`payments/demo_<area>.py`, `load(stdout)`), in
the order a payment's life runs. A missing module is skipped."""

import importlib

AREAS = ["ledger", "flow", "kya7066", "call004", "orders", "wages", "recoveries"]


def load(stdout) -> None:
    for area in AREAS:
        try:
            module = importlib.import_module(f"payments.demo_{area}")
        except ModuleNotFoundError as exc:
            if exc.name != f"payments.demo_{area}":
                raise
            continue
        module.load(stdout)
