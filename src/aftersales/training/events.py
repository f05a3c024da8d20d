"""Event names of training (T2)."""
