"""China's official holidays and 调休 make-up working days, read from the `chinesecalendar` package (X1).

Pure: no Django. The package (module `chinese_calendar`) holds the State Council's yearly notices
for 2004–2026 (version 1.11.0) and raises for any other year, which is what we want: a year is
only ever filled from an official source, never guessed. Names are stored in Chinese.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import chinese_calendar

PACKAGE = "chinesecalendar"

# The package's English holiday names → the names used in the State Council's notices.
HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


@dataclass(frozen=True)
class StatutoryYearData:
    year: int
    holidays: dict[dt.date, str]  # date → Chinese name of the holiday
    workdays: dict[dt.date, str]  # 调休 make-up working day → the holiday it makes up for


def package_version() -> str:
    return f"{PACKAGE} {chinese_calendar.__version__}"


def holiday_name_zh(name: str) -> str:
    return HOLIDAY_NAMES_ZH.get(name, name)


def package_years() -> list[int]:
    """Every year the installed package has official data for, ascending."""
    years = {d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays}
    return sorted(years)


def package_year(year: int) -> StatutoryYearData:
    """The holidays and make-up working days of one year. Raises: LookupError for an uncovered year."""
    if year not in package_years():
        raise LookupError(f"{package_version()} has no data for {year}")
    holidays = {d: holiday_name_zh(str(n)) for d, n in chinese_calendar.holidays.items() if d.year == year}
    workdays = {d: holiday_name_zh(str(n)) for d, n in chinese_calendar.workdays.items() if d.year == year}
    return StatutoryYearData(
        year=year, holidays=dict(sorted(holidays.items())), workdays=dict(sorted(workdays.items()))
    )
