"""Clock error codes."""

from aftersales.core.errors import Conflict


class ClockErrorCode:
    NOT_RUNNING = "clock_not_running"  # pause/stop of a clock that is not running
    NOT_PAUSED = "clock_not_paused"  # resume of a clock that is not paused
    STOPPED = "clock_stopped"  # any change to a stopped clock


class ClockStateConflict(Conflict):
    pass
