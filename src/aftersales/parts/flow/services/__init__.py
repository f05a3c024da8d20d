"""Writes of the parts flows (P2, P4, P5), one module per flow, re-exported here."""
