"""Every write of verification/, one module per area, re-exported here."""

from verification.services.risk import (  # noqa: F401
    risk_factor_input_record,
    risk_run_execute,
    risk_runs_due,
)
