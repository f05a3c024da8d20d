"""The callback's states (V2): open → done | not_reached; each move names its rule."""

from aftersales.callbacks.choices import CallbackState as S

CALLBACK_TRANSITIONS: dict[str, dict[str, str]] = {
    S.OPEN: {S.DONE: "V2", S.NOT_REACHED: "V2"},
    S.DONE: {},
    S.NOT_REACHED: {},
}
