"""The legal rules of verification as pure functions over plain data, one module per area, each
citing its article (STYLE.md practice 2). Import the module you need, e.g.
`from verification.rules import item_sampling`."""
