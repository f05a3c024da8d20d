"""Follow-up error codes (V3)."""


class FollowupErrorCode:
    NOT_RATEABLE = "not_rateable"  # V3: only a signed or closed request is rated
    ALREADY_RATED = "already_rated"  # V3: once per request
