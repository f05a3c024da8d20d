from django.urls import path, register_converter

from aftersales.calendars import views


class CalendarCodeConverter:
    regex = "[A-Za-z0-9_-]{1,32}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class YearConverter:
    """Four digits, so a huge number is a 404, not an overflow."""

    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return f"{value:04d}"


class MonthConverter:
    regex = "[0-9]{1,2}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(CalendarCodeConverter, "calendar_code")
register_converter(YearConverter, "year4")
register_converter(MonthConverter, "month")

app_name = "calendars"
urlpatterns = [
    path("", views.calendar_list, name="list"),
    path("<calendar_code:code>/", views.calendar_detail, name="detail"),
    path("<calendar_code:code>/<year4:year>/<month:month>/", views.calendar_month, name="month"),
    path("<calendar_code:code>/days/<str:date>/remove/", views.calendar_day_remove, name="day_remove"),
    path("<calendar_code:code>/years/<year4:year>/notice/", views.statutory_year_notice, name="year_notice"),
]
