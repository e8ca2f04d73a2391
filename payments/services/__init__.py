"""payments/ services, one module per area (ledger, approvals, orders, programmes' amounts,
guarantees, wages, recoveries). Views and tasks call these; nothing else writes payments' rows."""
