"""Error codes of the satisfaction survey (V4)."""


class SurveyErrorCode:
    ALREADY_ANSWERED = "already_answered"  # one response per customer and campaign
    NOT_RECIPIENT = "not_recipient"  # the customer was not sent this campaign
    LINK_INVALID = "link_invalid"  # the answer link is wrong or for another campaign
