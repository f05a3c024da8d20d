"""`aftersales map_symptoms`: give older requests the symptom code their free-text symptom names.

Matches the code, name or a synonym exactly (ignoring case and spaces), in the unit's product
category first, then the general codes. Idempotent: requests that have a code are left alone.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from aftersales.service.services.codes import service_requests_map_symptoms


class Command(BaseCommand):
    help = "Map free-text symptoms of service requests onto the managed symptom codes (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        mapped, left = service_requests_map_symptoms()
        self.stdout.write(f"映射 {mapped} 条，未匹配 {left} 条 / mapped {mapped}, left unmapped {left}")
