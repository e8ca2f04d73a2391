"""The legal rules of verification/, pure functions citing their articles (one module per area)."""
