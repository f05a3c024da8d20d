"""Customer portal pages: a customer's own units, service requests, quotations and ratings; calls other apps' selectors and services only (S1, B1, V3)."""
