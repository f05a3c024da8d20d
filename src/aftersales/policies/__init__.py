"""Versioned regulation values by rule id (A3, C3, C9 …) with the SPEC defaults; read only through selectors.policy_get()."""
