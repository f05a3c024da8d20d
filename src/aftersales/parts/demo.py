"""Demo data of the spare-parts service (P1): a catalogue for the demo products with approved list
prices, the central store, the repair points' stores, the engineer's van, a key account's dedicated
store and the defective store, stocked through receipts and transfers (the ledger shows them).
Called by `seed_demo`; idempotent (skips when the catalogue has parts)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from aftersales.accounts.selectors import actor_for
from aftersales.parts.models import Part
from aftersales.parts.services.catalogue import part_create, price_list_decide
from aftersales.parts.services.stock import stock_receive, stock_transfer
from aftersales.parts.services.stores import store_create

# number, name, spec, unit, standard cost, list price, major, product models it fits
CATALOGUE: list[tuple[str, str, str, str, str, str, bool, list[str]]] = [
    ("BRG-6205", "主轴轴承", "6205-2RS", "个", "45.00", "85.50", False, ["XK-714", "CK6140", "VMC850"]),
    ("BRG-7014", "主轴角接触轴承", "7014C P4", "套", "620.00", "980.00", False, ["VMC850", "HMC630"]),
    ("PCB-SD8", "伺服驱动板", "8 A, 220 V", "块", "1800.00", "2800.00", True, ["XK-714", "VMC850", "HMC630"]),
    (
        "PCB-CNC1",
        "数控系统主板",
        "CNC-1 主控",
        "块",
        "3200.00",
        "4800.00",
        True,
        ["XK-714", "CK6140", "VMC850", "HMC630"],
    ),
    ("MTR-SP55", "主轴电机", "5.5 kW", "台", "4200.00", "6500.00", True, ["CK6140", "VMC850"]),
    ("ENC-2500", "编码器", "2500 线", "个", "380.00", "620.00", True, ["XK-714", "CK6140", "VMC850", "HMC630"]),
    ("FLT-AIR", "空气滤芯", "LG-7.5 用", "个", "35.00", "68.00", False, ["LG-7.5"]),
    ("FLT-OIL", "油滤", "LG-7.5 用", "个", "28.00", "55.00", False, ["LG-7.5"]),
    ("SEP-OIL", "油气分离器", "LG-7.5 用", "个", "260.00", "420.00", False, ["LG-7.5"]),
    ("WHL-GR", "砂轮", "φ350×40×127", "片", "150.00", "240.00", False, ["M7130", "MK1320"]),
    ("WIR-MO", "钼丝", "φ0.18 mm, 2000 m", "卷", "120.00", "190.00", False, ["DK7740"]),
    ("SEAL-HY", "液压密封件组", "YH32 主缸", "套", "210.00", "360.00", False, ["YH32-315"]),
    ("VLV-HY", "电磁换向阀", "DN10, 24 V", "个", "520.00", "860.00", False, ["YH32-315"]),
    ("LNS-FOC", "聚焦镜片", "D28 F127", "片", "240.00", "420.00", False, ["LC-2000"]),
    ("NZL-CU", "切割喷嘴", "单层 1.5 mm", "个", "12.00", "25.00", False, ["LC-2000"]),
    ("BLT-SYN", "同步带", "5M-800", "条", "40.00", "75.00", False, ["XK-714", "CK6140"]),
]


def seed_parts_demo(users: dict[str, Any]) -> None:
    """The demo catalogue, stores and stock. `users` maps role codes to demo users."""
    if Part.objects.exists():
        return
    keeper, head = actor_for(users["parts_keeper"]), actor_for(users["cs_manager"])
    engineer = users["engineer"]
    from aftersales.customers.models import Customer
    from aftersales.installed_base.models import Product

    models = set(Product.objects.values_list("model", flat=True))
    parts = {}
    for code, name, spec, uom, cost, _price, major, fits in CATALOGUE:
        parts[code] = part_create(
            actor=keeper,
            code=code,
            name=name,
            spec=spec,
            uom=uom,
            cost=Decimal(cost),
            major=major,
            products=[m for m in fits if m in models],
            source="demo",
        )
    # One price list for the whole catalogue: drafted by the keeper, approved by the head of after-sales.
    from aftersales.parts.services.catalogue import price_list_create

    prices = price_list_create(
        actor=keeper, lines=[(parts[c[0]], Decimal(c[5])) for c in CATALOGUE], note="2026 年配件价格表"
    )
    price_list_decide(actor=head, version=prices.version, approve=True)
    key_account = Customer.objects.filter(key_account=True).order_by("code").first()
    central = store_create(actor=keeper, code="ZK", name="总部配件总库", kind="central")
    stores = [
        store_create(actor=keeper, code="NJ-WXD", name="南京维修点配件库", kind="service_point", service_point="SP-NJ"),
        store_create(actor=keeper, code="SZ-BSC", name="苏州办事处配件库", kind="service_point", service_point="SP-SZ"),
        store_create(actor=keeper, code="VAN-ZW", name="张伟随车库", kind="engineer", engineer=engineer.username),
    ]
    if key_account is not None:
        stores.append(
            store_create(
                actor=keeper,
                code="KH-ZY1",
                name=f"{key_account.name}专用库",
                kind="customer",
                customer=key_account.code,
            )
        )
    store_create(actor=keeper, code="JK", name="旧件库", kind="defective")
    for code, *_rest in CATALOGUE:
        quantity = 4 if parts[code].major else 30
        stock_receive(
            actor=keeper,
            store=central,
            part=parts[code],
            quantity=quantity,
            reference="RK-DEMO-01",
            unit_cost=parts[code].standard_cost,
        )
    van_lines = {"BRG-6205": 4, "FLT-AIR": 3, "FLT-OIL": 3, "PCB-SD8": 1, "ENC-2500": 1, "BLT-SYN": 2}
    for store in stores:
        lines = van_lines if store.kind == "engineer" else {"BRG-6205": 6, "FLT-AIR": 5, "WHL-GR": 4, "NZL-CU": 10}
        for code, quantity in lines.items():
            stock_transfer(
                actor=keeper,
                from_store=central,
                to_store=store,
                part=parts[code],
                quantity=quantity,
                reference="DB-DEMO-01",
            )


__all__ = ["seed_parts_demo"]
