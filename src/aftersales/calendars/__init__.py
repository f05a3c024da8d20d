"""Work calendars (X1): weekly hours, holidays and 调休 make-up days, China's statutory calendar `CN`, 7×24,
and the business-time arithmetic every deadline runs on (X2, S6); read through selectors.calendar_compile()."""
