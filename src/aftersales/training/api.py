"""Training API (T2)."""

from ninja import Router

router = Router(tags=["training"])
