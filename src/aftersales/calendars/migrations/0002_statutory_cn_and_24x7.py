"""Seed the China statutory calendar `CN` and the 7×24 calendar `24x7` (X1, S6).

CN: Asia/Shanghai, Monday–Friday 09:00–18:00 (S6 office hours), every holiday and 调休 make-up
working day the installed `chinesecalendar` package holds (2004–2026 in 1.11.0), with one
StatutoryYear row per year. Later package versions are loaded with
`aftersales load_statutory_calendar`; the next year's notice can also be entered on the calendar
page. The loader is written out here (not imported) so this migration keeps working whatever the
app code becomes.
"""

import datetime as dt

from django.db import migrations
from django.utils import timezone

NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def seed(apps, schema_editor):
    import chinese_calendar

    WorkCalendar = apps.get_model("calendars", "WorkCalendar")
    WorkingInterval = apps.get_model("calendars", "WorkingInterval")
    CalendarDay = apps.get_model("calendars", "CalendarDay")
    StatutoryYear = apps.get_model("calendars", "StatutoryYear")
    now = timezone.now()
    source = f"chinesecalendar {chinese_calendar.__version__}"

    if not WorkCalendar.objects.filter(code="CN").exists():
        cn = WorkCalendar.objects.create(
            code="CN",
            name="中国法定工作日历",
            timezone="Asia/Shanghai",
            kind="statutory",
            version=1,
            notes="法定节假日与调休（国务院办公厅通知）；工作时间周一至周五 09:00–18:00",
            created_at=now,
        )
        WorkingInterval.objects.bulk_create(
            [
                WorkingInterval(calendar=cn, weekday=d, start=dt.time(9), end=dt.time(18), created_at=now)
                for d in range(5)
            ]
        )
        days = [
            CalendarDay(calendar=cn, date=d, kind="holiday", name=NAMES_ZH.get(str(n), str(n)), source="package", created_at=now)
            for d, n in sorted(chinese_calendar.holidays.items())
        ] + [
            CalendarDay(calendar=cn, date=d, kind="workday", name=NAMES_ZH.get(str(n), str(n)), source="package", created_at=now)
            for d, n in sorted(chinese_calendar.workdays.items())
        ]
        CalendarDay.objects.bulk_create(days, batch_size=500)
        years = sorted({d.date.year for d in days})
        StatutoryYear.objects.bulk_create(
            [
                StatutoryYear(calendar=cn, year=y, source="package", loaded_at=now, note=source, created_at=now)
                for y in years
            ]
        )
    if not WorkCalendar.objects.filter(code="24x7").exists():
        WorkCalendar.objects.create(
            code="24x7", name="7×24 全天候", timezone="Asia/Shanghai", kind="always", version=1, created_at=now
        )


def unseed(apps, schema_editor):
    WorkCalendar = apps.get_model("calendars", "WorkCalendar")
    WorkCalendar.objects.filter(code__in=["CN", "24x7"], derived__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("calendars", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
