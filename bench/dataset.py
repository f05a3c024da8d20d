"""The generated load: 100k customers with Chinese company names, their contacts and phones,
300k installed units, some service contracts. Seeded (dates relative to the build day), inserted
with executemany (COPY on PostgreSQL).

This is load data, so it does not go through the services; what the services maintain as a
side effect (the hotline PhoneIndex, the customer number counter) is filled the same way.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterator
from typing import Any

from bench.database import (
    analyze,
    empty_tables,
    insert_rows,
    log,
    meta_read,
    meta_write,
    rebuild_requested,
    reset_sequences,
)

DATA_VERSION = 2  # bump when the generator changes: cached bench databases are rebuilt
CUSTOMERS = 100_000
UNITS = 300_000
PRODUCTS = 240
CONTRACTS = 12_000
SEED = 20261123

# city, province, area code
CITIES = [
    ("上海", "上海", "021"), ("北京", "北京", "010"), ("天津", "天津", "022"), ("重庆", "重庆", "023"),
    ("苏州", "江苏", "0512"), ("无锡", "江苏", "0510"), ("常州", "江苏", "0519"), ("南京", "江苏", "025"),
    ("南通", "江苏", "0513"), ("杭州", "浙江", "0571"), ("宁波", "浙江", "0574"), ("温州", "浙江", "0577"),
    ("嘉兴", "浙江", "0573"), ("绍兴", "浙江", "0575"), ("台州", "浙江", "0576"), ("合肥", "安徽", "0551"),
    ("芜湖", "安徽", "0553"), ("济南", "山东", "0531"), ("青岛", "山东", "0532"), ("烟台", "山东", "0535"),
    ("潍坊", "山东", "0536"), ("郑州", "河南", "0371"), ("洛阳", "河南", "0379"), ("武汉", "湖北", "027"),
    ("长沙", "湖南", "0731"), ("株洲", "湖南", "0731"), ("广州", "广东", "020"), ("深圳", "广东", "0755"),
    ("东莞", "广东", "0769"), ("佛山", "广东", "0757"), ("厦门", "福建", "0592"), ("福州", "福建", "0591"),
    ("泉州", "福建", "0595"), ("成都", "四川", "028"), ("西安", "陕西", "029"), ("沈阳", "辽宁", "024"),
    ("大连", "辽宁", "0411"), ("长春", "吉林", "0431"), ("哈尔滨", "黑龙江", "0451"), ("石家庄", "河北", "0311"),
    ("唐山", "河北", "0315"), ("太原", "山西", "0351"), ("南昌", "江西", "0791"), ("昆明", "云南", "0871"),
    ("贵阳", "贵州", "0851"), ("南宁", "广西", "0771"), ("兰州", "甘肃", "0931"), ("乌鲁木齐", "新疆", "0991"),
]  # fmt: skip
BRAND_CHARS = "华恒宏盛鑫瑞达通泰丰隆昌源信诚德新兴和康宝金力龙凯博远亚中东海天永正益利嘉联安合汇建广明晨星光创科顺升"
INDUSTRIES = [
    "机械", "精密机械", "重工", "电气", "自动化设备", "数控机床", "液压", "制冷设备", "包装机械", "食品机械",
    "纺织机械", "环保设备", "医疗器械", "仪器仪表", "印刷机械", "塑料机械", "工程机械", "电子", "机电",
    "动力设备", "流体设备", "焊接设备", "激光设备", "智能装备", "化工", "制药", "汽车零部件", "钢铁", "建材",
    "物流", "水泥", "造纸", "陶瓷", "新材料",
]  # fmt: skip
SUFFIXES = ["有限公司"] * 12 + ["股份有限公司"] * 4 + ["有限责任公司"] * 2 + ["集团有限公司", "厂"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华建国志红玉兰斌鹏辉波宁飞"
TITLES = ["设备科长", "采购经理", "厂长", "技术员", "维修主管", "总工程师", "生产经理", "办公室主任", ""]
MOBILE_PREFIXES = [*range(130, 140), 150, 151, 152, 153, 155, 156, 157, 158, 159, 176, 177, 178, *range(180, 190), 199]
PRODUCT_FAMILIES = [
    ("XK", "数控铣床", "机床"), ("CK", "数控车床", "机床"), ("VMC", "立式加工中心", "机床"),
    ("YZ", "液压站", "液压"), ("BZ", "自动包装机", "包装"), ("LS", "冷水机组", "制冷"),
    ("KY", "螺杆空压机", "动力"), ("HJ", "焊接机器人", "焊接"), ("JG", "激光切割机", "激光"),
    ("ZS", "注塑机", "塑料"), ("HB", "废气处理设备", "环保"), ("YB", "在线分析仪", "仪表"),
]  # fmt: skip


def ensure_loaded() -> dict[str, Any]:
    """Load the dataset unless the bench database already holds this version of it."""
    meta = meta_read()
    if not rebuild_requested() and meta.get("data_version") == DATA_VERSION:
        log(f"reusing the loaded data ({meta.get('counts')}, built {meta.get('built_at')})")
        return meta
    from django.db import transaction

    start = time.perf_counter()
    with transaction.atomic():
        empty_tables(_models_children_first())
        counts = load()
    meta = {
        "data_version": DATA_VERSION,
        "counts": counts,
        "built_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "build_seconds": round(time.perf_counter() - start, 1),
    }
    analyze()
    meta_write(meta)
    log(f"loaded {counts} in {meta['build_seconds']} s")
    return meta


def _models_children_first() -> list[Any]:
    from aftersales.customers.models import Contact, Customer, NameIndex, PhoneIndex
    from aftersales.installed_base.models import Product, ServiceContract, Unit

    return [ServiceContract.units.through, ServiceContract, Unit, Product, NameIndex, PhoneIndex, Contact, Customer]


# --- generators ------------------------------------------------------------------------------


def company_name(rng: random.Random, city: str) -> str:
    brand = rng.choice(BRAND_CHARS) + rng.choice(BRAND_CHARS)
    return f"{city}{brand}{rng.choice(INDUSTRIES)}{rng.choice(SUFFIXES)}"


def mobile_digits(rng: random.Random) -> str:
    return f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"


def landline_digits(rng: random.Random, area: str) -> str:
    # 3-digit area codes (010, 02x) have 8-digit numbers; most 4-digit ones too, some 7.
    length = 8 if len(area) == 3 or rng.random() < 0.8 else 7
    return f"{area}{rng.randrange(2, 10)}{rng.randrange(10 ** (length - 1)):0{length - 1}d}"


def format_phone(rng: random.Random, digits: str) -> str:
    """One of the ways people write the number down (all normalise to `digits`)."""
    if digits.startswith("1"):  # mobile: 3-4-4
        a, b, c = digits[:3], digits[3:7], digits[7:]
        return rng.choice(
            [digits, f"{a}-{b}-{c}", f"{a} {b} {c}", f"+86 {a} {b} {c}", f"+86-{digits}", f"0086 {digits}"]
        )
    area_len = 3 if digits[1] in "12" else 4
    area, local = digits[:area_len], digits[area_len:]
    split = f"{local[:-4]} {local[-4:]}"
    return rng.choice(
        [f"{area}-{local}", f"{area}-{split}", f"({area}){local}", f"{area} {split}", f"+86 {area[1:]} {split}", digits]
    )


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
    return rng.choice(SURNAMES) + given


def random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days))


# --- the load --------------------------------------------------------------------------------


def load() -> dict[str, int]:
    from aftersales.accounts.models import Region
    from aftersales.core.models import Counter
    from aftersales.core.phones import phone_digits
    from aftersales.customers.models import Contact, Customer, NameIndex, PhoneIndex, name_bigrams
    from aftersales.installed_base.models import Product, ServiceContract, Unit

    rng = random.Random(SEED)
    counts: dict[str, int] = {}

    def step(name: str, model: Any, rows: Iterator[dict[str, Any]] | list[dict[str, Any]]) -> None:
        start = time.perf_counter()
        counts[name] = insert_rows(model, rows)
        seconds = time.perf_counter() - start
        log(f"  {name}: {counts[name]:,} rows in {seconds:.1f} s ({counts[name] / max(seconds, 1e-9):,.0f} rows/s)")

    # Regions: one per city (reuse those already there, e.g. from seed data in the same database).
    regions = {r.name: r.pk for r in Region.objects.all()}
    new_regions = []
    next_id = max(regions.values(), default=0) + 1
    for index, (city, province, _area) in enumerate(CITIES):
        if city not in regions:
            regions[city] = next_id
            new_regions.append({"id": next_id, "code": f"B{index:02d}", "name": city, "province": province})
            next_id += 1
    if new_regions:
        step("regions", Region, new_regions)

    # Customers, contacts and the phone index, the way customers.services keeps it (C6).
    customers: list[dict[str, Any]] = []
    contacts: list[dict[str, Any]] = []
    phones: list[dict[str, Any]] = []
    grams: dict[int, set[str]] = {}
    contact_id = 0
    for cid in range(1, CUSTOMERS + 1):
        city, _province, area = rng.choice(CITIES)
        phone = ""
        if rng.random() > 0.03:
            digits = landline_digits(rng, area) if rng.random() < 0.8 else mobile_digits(rng)
            phone = format_phone(rng, digits)
        customers.append(
            {
                "id": cid,
                "code": f"KH{cid:06d}",
                "name": company_name(rng, city),
                "kind": rng.choices(["end_user", "dealer", "retailer", "agent"], weights=[85, 8, 4, 3])[0],
                "phone": phone,
                "address": f"{city}市{rng.choice('东西南北')}区{rng.choice(BRAND_CHARS)}{rng.choice('工业路大道街')}{rng.randrange(1, 999)}号",
                "region_id": regions[city],
                "credit_rating": rng.choices("ABCD", weights=[20, 55, 20, 5])[0],
                "key_account": rng.random() < 0.05,
                "confidential": rng.random() < 0.02,
            }
        )
        grams[cid] = name_bigrams(customers[-1]["name"])
        if digits := phone_digits(phone):
            phones.append({"customer_id": cid, "contact_id": None, "reversed_digits": digits[::-1]})
        for index in range(1 if rng.random() < 0.5 else 2):
            contact_id += 1
            digits = mobile_digits(rng) if rng.random() < 0.9 else landline_digits(rng, area)
            contact_phone = format_phone(rng, digits)
            contacts.append(
                {
                    "id": contact_id,
                    "customer_id": cid,
                    "name": person_name(rng),
                    "title": rng.choice(TITLES),
                    "phone": contact_phone,
                    "is_primary": index == 0,
                }
            )
            grams[cid] |= name_bigrams(contacts[-1]["name"])
            if digits := phone_digits(contact_phone):
                phones.append({"customer_id": cid, "contact_id": contact_id, "reversed_digits": digits[::-1]})
    for index, row in enumerate(phones, start=1):
        row["id"] = index
    step("customers", Customer, customers)
    step("contacts", Contact, contacts)
    step("phone index", PhoneIndex, phones)
    names = [{"customer_id": cid, "gram": gram} for cid, found in grams.items() for gram in sorted(found)]
    for index, row in enumerate(names, start=1):
        row["id"] = index
    step("name index", NameIndex, names)
    del customers, contacts, phones, names, grams
    # The next customer a service creates gets KH100001.
    Counter.objects.update_or_create(key="customer", period="all", defaults={"value": CUSTOMERS})

    # Products and units.
    products = []
    for pid in range(1, PRODUCTS + 1):
        prefix, name, category = PRODUCT_FAMILIES[pid % len(PRODUCT_FAMILIES)]
        products.append(
            {
                "id": pid,
                "model": f"{prefix}-{1000 + pid * 7}",
                "name": name,
                "spec": f"{rng.choice([5, 7.5, 11, 15, 22, 37, 55])} kW",
                "category": category,
                "warranty_months": rng.choice([None, 12, 18, 24, 36]),
            }
        )
    step("products", Product, products)
    today = dt.date.today()
    units: list[dict[str, Any]] = []
    units_of: dict[int, list[int]] = {}
    for uid in range(1, UNITS + 1):
        customer_id = rng.randrange(1, CUSTOMERS + 1)
        product = products[rng.randrange(PRODUCTS)]
        produced = random_date(rng, dt.date(2016, 1, 1), today - dt.timedelta(days=30))
        accepted = produced + dt.timedelta(days=rng.randrange(20, 200)) if rng.random() < 0.7 else None
        if accepted and accepted > today:
            accepted = None
        units.append(
            {
                "id": uid,
                "serial": f"{product['model'].replace('-', '')}{produced:%y%m}{uid:07d}",
                "product_id": product["id"],
                "customer_id": customer_id,
                "site": "",
                "production_date": produced,
                "ship_date": produced + dt.timedelta(days=rng.randrange(3, 20)),
                "acceptance_date": accepted,
                "warranty_months": 36 if rng.random() < 0.05 else None,
            }
        )
        units_of.setdefault(customer_id, []).append(uid)
    step("units", Unit, units)
    del units

    # Service contracts on some customers' units (A4): one to five of their units each.
    contracts, links = [], []
    with_units = sorted(units_of)
    for number in range(1, CONTRACTS + 1):
        customer_id = rng.choice(with_units)
        start = random_date(rng, dt.date(2020, 1, 1), today + dt.timedelta(days=60))
        contracts.append(
            {
                "id": number,
                "number": f"HT{start:%Y}{number:06d}",
                "customer_id": customer_id,
                "start_date": start,
                "end_date": start + dt.timedelta(days=rng.choice([364, 729, 1094])),
                "cover": "24x7" if rng.random() < 0.2 else "office_hours",
            }
        )
        mine = units_of[customer_id]
        for unit_id in rng.sample(mine, k=min(len(mine), rng.randint(1, 5))):
            links.append({"id": len(links) + 1, "servicecontract_id": number, "unit_id": unit_id})
    step("contracts", ServiceContract, contracts)
    step("contract units", ServiceContract.units.through, links)
    reset_sequences(
        [
            Region,
            Customer,
            Contact,
            PhoneIndex,
            NameIndex,
            Product,
            Unit,
            ServiceContract,
            ServiceContract.units.through,
        ]
    )
    return counts
