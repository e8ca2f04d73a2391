"""The programme's rules for operations as pure functions over plain values (STYLE.md practice 2)."""
