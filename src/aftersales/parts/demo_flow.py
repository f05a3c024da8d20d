"""Demo data of the parts flows (P2, P4, P5), after the parts demo and the demo service requests: a
requisition in each state (waiting for approval, approved, issued, received with a shortfall, refused,
cancelled, and one above the keeper's limit waiting for the head of after-sales), old major parts owed
back by the demo engineer, stock plans with a reorder alert, and a purchase request waiting for approval.
Everything goes through the services (approvals engine, ledger, events). Idempotent: skips when any
requisition exists."""

from __future__ import annotations

from typing import Any

from aftersales.accounts.selectors import actor_for
from aftersales.parts.models import Requisition, Store


def seed_parts_flow_demo(users: dict[str, Any]) -> None:
    from aftersales.parts.flow.services import demand
    from aftersales.parts.flow.services.requisitions import (
        requisition_approve,
        requisition_cancel,
        requisition_create,
        requisition_issue,
        requisition_receive,
        requisition_refuse,
    )

    if Requisition.objects.exists() or not Store.objects.filter(code="ZK").exists():
        return
    keeper = actor_for(users["parts_keeper"])
    engineer = actor_for(users["engineer"])

    def ask(reason: str, lines: list[tuple[str, int]], *, to: str = "VAN-ZW", by: Any = engineer) -> str:
        found = requisition_create(
            actor=by,
            from_store="ZK",
            to_store=to,
            reason=reason,
            lines=[{"part": code, "quantity": q} for code, q in lines],
        )
        return found.number

    ask("随车库补充常用件", [("BRG-6205", 2), ("FLT-AIR", 2)])  # waiting for the keeper
    ask("CK6140 主轴电机更换备件", [("MTR-SP55", 2)])  # 8400 yuan: waiting for the head of after-sales
    approved = ask("空压机保养配件", [("FLT-OIL", 3), ("SEP-OIL", 1)])
    requisition_approve(actor=keeper, number=approved, note="同意")
    issued = ask("伺服驱动板备件", [("PCB-SD8", 1)])
    requisition_approve(actor=keeper, number=issued)
    requisition_issue(actor=keeper, number=issued)
    cancelled = ask("维修点月度领用", [("NZL-CU", 10), ("LNS-FOC", 2)])
    requisition_cancel(actor=engineer, number=cancelled, note="维修点已自行调剂")
    short = ask("同步带与轴承", [("BLT-SYN", 4), ("BRG-6205", 2)])
    requisition_approve(actor=keeper, number=short)
    requisition_issue(actor=keeper, number=short)
    requisition_receive(
        actor=engineer,
        number=short,
        lines=[{"part": "BLT-SYN", "quantity": 3}, {"part": "BRG-6205", "quantity": 2}],
        note="同步带少一条",
    )
    refused = ask("砂轮", [("WHL-GR", 5)])
    requisition_refuse(actor=keeper, number=refused, note="维修点库存充足，请先从维修点领用")
    _old_parts(engineer)
    # P5: stock plans (one under its reorder point → an alert), and the central store's plan for approval
    demand.stock_plan_set(actor=keeper, store="ZK", part="PCB-CNC1", safety_stock=2, reorder_point=6)
    demand.stock_plan_set(actor=keeper, store="ZK", part="BRG-6205", safety_stock=10, reorder_point=8)
    demand.purchase_request_create(actor=keeper, store="ZK", note="月度备品配件需要计划")  # the safety stocks need some


def _old_parts(engineer: Any) -> None:
    """P4: the demo engineer fits two major parts from the van on open jobs: two old parts owed back."""
    from aftersales.service.models import ServiceRequest
    from aftersales.service.services import service_request_part_add

    jobs = list(
        ServiceRequest.objects.filter(engineer=engineer.user, open=True, state__in=["on_site", "in_depot"]).order_by(
            "pk"
        )[:2]
    )
    for job, (code, serial) in zip(jobs, [("PCB-SD8", "SD8-24A0931"), ("ENC-2500", "ENC-77120")], strict=False):
        service_request_part_add(
            actor=engineer, number=job.number, part=code, quantity=1, serial=serial, old_serial=serial + "-OLD"
        )
