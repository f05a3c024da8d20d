"""Error codes of callbacks (V1, V2)."""


class CallbackErrorCode:
    NOT_OPEN = "callback_not_open"  # the callback was already worked
    NOT_DUE_YET = "callback_not_due_yet"  # a retry before its day
    VERSION_CONFLICT = "version_conflict"
