"""The demo council: a synthetic population and its simulated financial year (``reclaim demo``),
also the population the benchmark measures."""
