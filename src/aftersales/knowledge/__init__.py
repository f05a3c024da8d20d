"""Knowledge base: service manuals, FAQ and fault-diagnosis guides per product, versioned, searchable in Chinese (T1, suggested at intake S1)."""
