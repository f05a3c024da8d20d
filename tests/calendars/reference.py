"""A naive minute-stepping reference for calendars.arithmetic (tests and bench only, never production).

It answers the same questions from the same plain inputs by walking one minute at a time and asking
"is this minute worked?", with no prefix sums, no bisect and no shared code with arithmetic.py, so
property tests can cross-check the fast implementation. Inputs must be minute-aligned (weekly
intervals on whole minutes, starts on whole minutes); coverage (CalendarDataMissing) is not modelled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo

MINUTE = dt.timedelta(minutes=1)


class NaiveCalendar:
    def __init__(
        self,
        *,
        timezone: str = "Asia/Shanghai",
        week: Mapping[int, Sequence[tuple[dt.time, dt.time]]],
        holidays: Mapping[dt.date, str] | None = None,
        workdays: Mapping[dt.date, str] | None = None,
        always: bool = False,
    ) -> None:
        self.tz = ZoneInfo(timezone)
        self.always = always
        self.holidays = dict(holidays or {})
        self.workdays = dict(workdays or {})
        # minute-of-day sets per weekday; a make-up day on a free weekday works like the first weekday with hours
        self.week = {d: self._minutes(week.get(d, ())) for d in range(7)}
        self.makeup = next((self.week[d] for d in range(7) if self.week[d]), frozenset())

    @staticmethod
    def _minutes(spans: Sequence[tuple[dt.time, dt.time]]) -> frozenset[int]:
        out: set[int] = set()
        for start, end in spans:
            first = start.hour * 60 + start.minute
            last = 24 * 60 if end == dt.time(0) else end.hour * 60 + end.minute
            out.update(range(first, last))
        return frozenset(out)

    def day_minutes(self, day: dt.date) -> frozenset[int]:
        if self.always:
            return frozenset(range(24 * 60))
        if day in self.holidays:
            return frozenset()
        weekly = self.week[day.weekday()]
        if day in self.workdays:
            return weekly or self.makeup
        return weekly

    def working_minute(self, at: dt.datetime) -> bool:
        """Is the minute starting at `at` (local wall clock) worked?"""
        local = at.astimezone(self.tz)
        return local.hour * 60 + local.minute in self.day_minutes(local.date())

    def add_minutes(self, start: dt.datetime, minutes: int) -> dt.datetime:
        at = start.astimezone(self.tz)
        left = minutes
        while left > 0:
            if self.working_minute(at):
                left -= 1
            at = at + MINUTE
        return at

    def between_minutes(self, a: dt.datetime, b: dt.datetime) -> int:
        at, end, count = a.astimezone(self.tz), b.astimezone(self.tz), 0
        while at < end:
            count += self.working_minute(at)
            at = at + MINUTE
        return count

    def add_days(self, start: dt.datetime, days: int) -> dt.datetime:
        at = start.astimezone(self.tz)
        if self.always:
            return dt.datetime.combine(at.date() + dt.timedelta(days=days), at.time(), tzinfo=self.tz)
        for _ in range(800 * 24 * 60):  # to the first worked minute at or after the start
            if self.working_minute(at):
                break
            at = at + MINUTE
        day, minute = at.date(), at.hour * 60 + at.minute
        moved = 0
        while moved < days:
            day += dt.timedelta(days=1)
            if self.day_minutes(day):
                moved += 1
        worked = sorted(self.day_minutes(day))
        later = [m for m in worked if m >= minute]
        # inside or before hours: the next worked minute; after the last close: the last close
        minute = later[0] if later else worked[-1] + 1
        return dt.datetime.combine(day, dt.time(0), tzinfo=self.tz) + dt.timedelta(minutes=minute)
