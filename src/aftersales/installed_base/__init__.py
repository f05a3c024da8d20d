"""Products (A1), installed units (A2), warranty (A3), service contracts (A4), substitute equipment on loan (A6)."""
