"""Follow-up after service: the customer's rating of the engineer after each service (V3)."""
