"""Training pages (T2)."""
