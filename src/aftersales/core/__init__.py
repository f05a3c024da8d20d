"""Shared kernel: base model, the hash-chained event log (X3), state transitions, numbering, errors."""
