from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from aftersales.api import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("aftersales.web.urls")),
    path("accounts/", include("aftersales.accounts.urls")),
    path("customers/", include("aftersales.customers.urls")),
    path("installed-base/", include("aftersales.installed_base.urls")),
    path("policies/", include("aftersales.policies.urls")),
    path("calendars/", include("aftersales.calendars.urls")),
    path("notifications/", include("aftersales.notifications.urls")),
    path("service/", include("aftersales.service.urls")),
    path("knowledge/", include("aftersales.knowledge.urls")),
    path("returns/", include("aftersales.returns.urls")),
    path("parts/", include("aftersales.parts.flow.urls")),
    path("complaints/", include("aftersales.complaints.urls")),
    path("approvals/", include("aftersales.approvals.urls")),
    path("surveys/", include("aftersales.surveys.urls")),
    path("callbacks/", include("aftersales.callbacks.urls")),
    path("consultations/", include("aftersales.consultations.urls")),
    path("training/", include("aftersales.training.urls")),
    path("reports/", include("aftersales.reports.urls")),
    path("parts/", include("aftersales.parts.urls")),
    path("portal/", include("aftersales.portal.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
]

if settings.AFTERSALES_BENCH_FLOOR:  # bench only (AFTERSALES_BENCH_FLOOR=on): the floor intake is compared with
    from aftersales.core.floor import floor

    urlpatterns.append(path("bench/floor", floor))
