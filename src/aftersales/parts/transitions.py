"""Allowed moves of a price list version (like the fee standards, B2) and of a count adjustment."""

from __future__ import annotations

from aftersales.parts.choices import AdjustmentState, PriceListState

PRICE_LIST_TRANSITIONS: dict[str, dict[str, str]] = {
    PriceListState.DRAFT: {PriceListState.PENDING: "P1"},
    PriceListState.PENDING: {PriceListState.APPROVED: "P1", PriceListState.REFUSED: "P1"},
    PriceListState.REFUSED: {PriceListState.PENDING: "P1"},
    PriceListState.APPROVED: {PriceListState.SUPERSEDED: "P1"},
    PriceListState.SUPERSEDED: {},
}

ADJUSTMENT_TRANSITIONS: dict[str, dict[str, str]] = {
    AdjustmentState.PENDING: {AdjustmentState.POSTED: "P1", AdjustmentState.REFUSED: "P1"},
    AdjustmentState.POSTED: {},
    AdjustmentState.REFUSED: {},
}
