"""Parts flows (P2, P4, P5): requisitions, old-part returns and the demand plan, on the core's catalogue,
stores and stock ledger (aftersales.parts). Layers as in the other apps: api/views → schemas/forms/documents
→ services → selectors → transitions/events → models → choices/errors."""
