"""A customer training's states (T2): planned → held | cancelled."""

from aftersales.training.choices import TrainingState as S

TRAINING_TRANSITIONS: dict[str, dict[str, str]] = {
    S.PLANNED: {S.HELD: "T2", S.CANCELLED: "T2"},
    S.HELD: {},
    S.CANCELLED: {},
}
