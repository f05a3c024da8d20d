"""aftersales seed_demo: realistic Chinese demo data and one user per role (username = role code).

Everything is created through the services, so the demo has a real audit trail.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

DEMO_PASSWORD = "Demo-2026-aftersales"  # passes the password validators (length ≥ 10, not common)

REGIONS = [
    # code, name, province, tier as seen from the service point that serves the region (C9): a city
    # with its own office or repair point is same_city, one served from its province's point is
    # same_province, one served from the Shanghai centre in another province is remote. A request
    # computes its tier from its service point (accounts.selectors.region_tier_for); the recorded
    # tier is what the region shows and the fallback when no point exists.
    ("SH", "上海市", "上海", "same_city"),
    ("JS-SZ", "苏州", "江苏", "same_city"),  # 苏州办事处
    ("JS-NJ", "南京", "江苏", "same_city"),  # 南京维修点
    ("ZJ-HZ", "杭州", "浙江", "same_city"),  # 杭州办事处
    ("ZJ-NB", "宁波", "浙江", "same_province"),  # served from 杭州
    ("GD-SZ", "深圳", "广东", "remote"),  # served from 上海
    ("XJ-WLMQ", "乌鲁木齐", "新疆", "same_city"),  # 乌鲁木齐办事处
    ("GS-LZ", "兰州", "甘肃", "remote"),  # served from 上海
]
SERVICE_POINTS = [
    ("SP-SH", "上海服务中心", "headquarters", "SH", "上海市闵行区莘庄工业区申富路 88 号", "021-6489 1200"),
    ("SP-SZ", "苏州办事处", "office", "JS-SZ", "苏州工业园区星湖街 328 号", "0512-6288 3100"),
    ("SP-HZ", "杭州办事处", "office", "ZJ-HZ", "杭州市滨江区江南大道 1001 号", "0571-8776 5400"),
    ("SP-NJ", "南京维修点", "repair_point", "JS-NJ", "南京市江宁区胜太路 77 号", "025-5210 8800"),
    ("SP-WLMQ", "乌鲁木齐办事处", "office", "XJ-WLMQ", "乌鲁木齐市新市区北京南路 358 号", "0991-388 6600"),
]
DEPARTMENTS = [
    ("CS", "客户服务部"),
    ("AS", "售后服务部"),
    ("QA", "质量管理部"),
    ("SALES", "营销部"),
    ("RND", "技术部"),
    ("MFG", "制造本部"),
    ("FIN", "财务部"),
    ("WH", "仓储部"),
    ("MGMT", "总经理办公室"),
]
ROLE_PEOPLE = {
    "agent": ("王晓丽", "CS"),
    "team_lead": ("陈静", "CS"),
    "cs_manager": ("李建国", "AS"),
    "engineer": ("张伟", "AS"),
    "parts_keeper": ("赵磊", "WH"),
    "analyst": ("刘洋", "CS"),
    "quality": ("孙敏", "QA"),
    "sales": ("周杰", "SALES"),
    "sales_manager": ("吴刚", "SALES"),
    "rnd": ("郑浩", "RND"),
    "manufacturing": ("马俊", "MFG"),
    "finance": ("钱芳", "FIN"),
    "warehouse": ("冯强", "WH"),
    "vp": ("黄志强", "MGMT"),
    "gm": ("何振华", "MGMT"),
    "mgmt_rep": ("林涛", "QA"),
    "trainer": ("许婷", "AS"),
    "admin": ("系统管理员", "MGMT"),
}
PRODUCTS = [
    ("XK-714", "数控铣床", "工作台 1000×400 mm，主轴 8000 rpm", "数控机床", 24),
    ("CK6140", "数控车床", "最大回转直径 400 mm", "数控机床", 24),
    ("VMC850", "立式加工中心", "行程 800×500×550 mm", "加工中心", 36),
    ("HMC630", "卧式加工中心", "交换工作台 630×630 mm", "加工中心", 36),
    ("M7130", "平面磨床", "工作台 300×1000 mm", "磨床", 12),
    ("MK1320", "数控外圆磨床", "最大磨削直径 200 mm", "磨床", None),
    ("LG-7.5", "螺杆空压机", "7.5 kW，0.8 MPa", "动力设备", 12),
    ("DK7740", "线切割机床", "工作台 400×500 mm", "特种加工", None),
    ("YH32-315", "四柱液压机", "公称力 3150 kN", "成形设备", 24),
    ("LC-2000", "激光切割机", "2000 W 光纤激光", "激光设备", 24),
]
# Fault codes (managed list, per product category; "" = every category): kind, category, code, name, synonyms.
MACHINING = ("数控机床", "加工中心", "磨床")
FAULT_CODES = [
    ("symptom", "", "ALM", "系统报警", "数控报警\n报警\n系统故障\n无法回零"),
    ("symptom", "", "HYD", "液压压力低", "液压压力不足\n夹不紧\n压力低"),
    ("symptom", "", "COOL", "冷却泵故障", "冷却液不出水\n冷却泵不出水\n冷却泵不转"),
    ("symptom", "", "NOPWR", "无法开机", "不开机\n开不了机\n上电无反应"),
    *[("symptom", c, "SPN", "主轴异响", "主轴噪声\n主轴响\n主轴有异音\n振纹") for c in MACHINING],
    *[("symptom", c, "POS", "定位超差", "定位不准\n精度超差\n定位误差") for c in MACHINING],
    ("symptom", "激光设备", "LPWR", "功率下降", "激光功率下降\n切不透\n出光弱"),
    ("symptom", "动力设备", "AIRP", "排气压力低", "压力上不去\n供气不足"),
    ("cause", "", "BRG", "轴承磨损", "轴承坏\n轴承损坏"),
    ("cause", "", "SEAL", "密封件老化", "漏油\n密封圈坏"),
    ("cause", "", "ELEC", "电气元件故障", "接触器坏\n继电器坏\n保险丝断"),
    ("cause", "", "PARAM", "参数丢失", "参数错误\n电池没电"),
    ("cause", "", "OPER", "操作不当", "误操作"),
    ("cause", "激光设备", "LENS", "镜片污染", "保护镜脏\n镜片脏"),
]
CITY_PREFIX = ["上海", "苏州", "无锡", "南京", "杭州", "宁波", "嘉兴", "常州", "深圳", "兰州", "乌鲁木齐", "昆山"]
NAME_CORE = [
    "精密",
    "华东",
    "恒通",
    "宏达",
    "鑫源",
    "德力",
    "金桥",
    "永盛",
    "瑞丰",
    "天成",
    "博远",
    "中联",
    "正泰",
    "海德",
    "东方",
    "明远",
]
NAME_TRADE = ["机械", "模具", "汽车零部件", "电子", "五金", "液压", "航空部件", "医疗器械", "不锈钢制品", "轴承"]
NAME_FORM = ["有限公司", "股份有限公司", "制造有限公司", "科技有限公司"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞"]
TITLES = ["设备科科长", "生产部经理", "采购主管", "设备管理员", "厂长", "技术员"]
KINDS = ["end_user"] * 7 + ["dealer", "retailer", "agent"]
KNOWLEDGE_ARTICLES = [
    # kind, product model ("" = every product), title, symptoms (one per line), text
    (
        "diagnosis",
        "",
        "主轴异响、加工表面振纹的排查",
        "主轴异响\n主轴噪音\n加工表面振纹\n主轴发热",
        "1. 空运转主轴，从低速到最高转速逐级升速，判断异响是否随转速变化。\n"
        "2. 检查主轴皮带张紧度与皮带轮跳动；皮带打滑多为尖叫声。\n"
        "3. 用百分表测主轴径向跳动，超过 0.01 mm 时检查主轴轴承预紧和润滑。\n"
        "4. 轴承损坏需返厂更换主轴单元，提前向客户报价并申请备件。",
    ),
    (
        "diagnosis",
        "XK-714",
        "XK-714 开机报警 ALM 401、无法回零",
        "ALM 401\n系统报警\n无法回零\n伺服未就绪",
        "ALM 401 表示伺服放大器未就绪（VRDY OFF）。\n"
        "1. 检查急停按钮是否复位、电柜内伺服电源接触器是否吸合。\n"
        "2. 查看伺服放大器数码管报警号，按手册第 7 章处理。\n"
        "3. 回零前确认各轴离开零点减速挡块至少 20 mm，再执行回零。",
    ),
    (
        "faq",
        "",
        "液压站压力不足，夹具夹不紧怎么办",
        "液压压力低\n夹具夹不紧\n液压站压力不足\n液压油温高",
        "先请客户查看液压站压力表：正常工作压力 4–5 MPa。\n"
        "压力偏低时：检查油箱液位和滤油器是否堵塞，再调整溢流阀；"
        "油温超过 55 ℃ 时检查冷却器。仍不正常请安排工程师上门。",
    ),
    (
        "faq",
        "",
        "冷却液泵不出水的电话排查",
        "冷却泵故障\n冷却液泵不出水\n冷却液不出",
        "1. 请客户确认冷却液箱液位高于吸液口。\n"
        "2. 在操作面板上按冷却开关，听冷却泵电机是否运转；不转则检查热继电器是否跳闸。\n"
        "3. 电机运转但不出水：检查泵的转向（三相电源换相后常见）和吸液滤网。",
    ),
    (
        "manual",
        "VMC850",
        "VMC850 定位精度检测与反向间隙补偿",
        "定位超差\n定位误差\n反向间隙\n精度下降",
        "用激光干涉仪按 GB/T 17421.2 测定各轴定位精度。\n"
        "反向间隙超过 0.02 mm 时，先检查丝杠支撑轴承和联轴器，再在系统参数 1851 中补偿。\n"
        "补偿后重新检测并把结果记入维修单。",
    ),
    (
        "diagnosis",
        "LC-2000",
        "LC-2000 激光功率下降、切不透",
        "功率下降\n激光器功率下降\n切不透\n切割断面挂渣",
        "1. 检查保护镜片是否污染或烧蚀，必要时更换。\n"
        "2. 检查焦点位置和喷嘴是否对中。\n"
        "3. 用功率计测量激光器出光功率，低于额定值 90% 时联系激光器厂家。",
    ),
]


class Command(BaseCommand):
    help = f"Create realistic Chinese demo data and one user per role (password: {DEMO_PASSWORD})."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="do nothing when customers exist already")
        parser.add_argument("--customers", type=int, default=200)
        parser.add_argument("--units", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        from aftersales.customers.models import Customer

        if options["if_empty"] and Customer.objects.exists():
            self.stdout.write("demo data already present; nothing to do")
            return
        rng = random.Random(options["seed"])
        with transaction.atomic():
            users = self._organisation()
        self._customers_and_units(rng, users, options["customers"], options["units"])
        self._fee_standard(users["finance"], users["cs_manager"])  # B2: 200.00 yuan/h, call-out 100.00, approved
        self._fault_codes(users["cs_manager"])
        self._parts(users)  # P1: catalogue, stores of each kind, stock
        self._service_requests(rng, users)
        self._parts_flows(users)  # P2, P4, P5: requisitions in each state, old parts owed back, a purchase request
        self._map_symptoms()
        self._knowledge_articles(users["trainer"])  # T1: suggested at intake for the demo faults
        self.stdout.write(self.style.SUCCESS(f"demo data ready. Users (password {DEMO_PASSWORD}):"))
        for role in [*ROLE_PEOPLE, "customer"]:
            self.stdout.write(f"  {role}")

    @staticmethod
    def _fault_codes(manager: Any) -> None:
        """The managed symptom and cause codes of the demo product categories (with synonyms)."""
        from aftersales.accounts.selectors import actor_for
        from aftersales.service.models import FaultCode
        from aftersales.service.services.codes import fault_code_create

        actor = actor_for(manager)
        for kind, category, code, name, synonyms in FAULT_CODES:
            if not FaultCode.objects.filter(kind=kind, category=category, code=code).exists():
                fault_code_create(actor=actor, kind=kind, category=category, code=code, name=name, synonyms=synonyms)

    @staticmethod
    def _parts(users: dict[str, Any]) -> None:
        from aftersales.parts.demo import seed_parts_demo

        seed_parts_demo(users)

    @staticmethod
    def _parts_flows(users: dict[str, Any]) -> None:
        from aftersales.parts.demo_flow import seed_parts_flow_demo

        seed_parts_flow_demo(users)

    @staticmethod
    def _map_symptoms() -> None:
        """The demo requests are registered with free-text symptoms: map them as an upgrade would."""
        from aftersales.service.services.codes import service_requests_map_symptoms

        service_requests_map_symptoms()

    @staticmethod
    def _knowledge_articles(author: Any) -> None:
        """T1: six published articles matching the demo faults, for one model or for every product."""
        from aftersales.accounts.selectors import actor_for
        from aftersales.installed_base.models import Product
        from aftersales.knowledge.services import article_create

        actor = actor_for(author)
        products = dict(Product.objects.values_list("model", "pk"))
        for kind, model, title, symptoms, body in KNOWLEDGE_ARTICLES:
            article_create(
                actor=actor,
                kind=kind,
                title=title,
                symptoms=symptoms,
                body=body,
                product_id=products.get(model) if model else None,
                published=True,
            )

    @staticmethod
    def _fee_standard(drafter: Any, manager: Any) -> None:
        from decimal import Decimal

        from aftersales.accounts.selectors import actor_for
        from aftersales.service.services.quotes import fee_standard_approve, fee_standard_create

        # B2: finance drafts, the service-centre manager approves (nobody approves their own draft)
        fee = fee_standard_create(
            actor=actor_for(drafter), labour_rate=Decimal("200.00"), callout_fee=Decimal("100.00")
        )
        fee_standard_approve(actor=actor_for(manager), version=fee.version)

    @staticmethod
    def _service_requests(rng: random.Random, users: dict[str, Any]) -> None:
        """A dispatch board with work in every state: two carried over from yesterday, new ones,
        dispatched, booked, on site, and one closed case with the customer's signature (S1–S11)."""
        import base64
        import io

        from PIL import Image, ImageDraw

        from aftersales.accounts.selectors import actor_for
        from aftersales.installed_base.models import Unit
        from aftersales.service import services

        agent, lead = actor_for(users["agent"]), actor_for(users["team_lead"])
        engineer, manager = actor_for(users["engineer"]), actor_for(users["cs_manager"])
        faults = [
            ("主轴异响，加工表面有振纹", "主轴异响"),
            ("开机后数控系统报警 ALM 401，无法回零", "系统报警"),
            ("液压站压力不足，夹具夹不紧", "液压压力低"),
            ("冷却液泵不出水", "冷却泵故障"),
            ("X 轴定位误差超差 0.05 mm", "定位超差"),
            ("激光器功率下降，切不透 3 mm 钢板", "功率下降"),
        ]
        from aftersales.accounts.models import User

        portal_customer = User.objects.filter(username="customer").values_list("customer_id", flat=True).first()
        ids = sorted(Unit.objects.values_list("pk", flat=True))
        picked = rng.sample(ids, min(11, len(ids)))
        portal_unit = (
            Unit.objects.filter(customer_id=portal_customer).order_by("pk").first()
            if portal_customer is not None
            else None
        )
        if portal_unit is not None:
            picked = [portal_unit.pk, *[pk for pk in picked if pk != portal_unit.pk][:10]]
        by_pk = Unit.objects.in_bulk(picked)
        units = [by_pk[pk] for pk in picked]
        now = timezone.now()
        made = []
        for i, unit in enumerate(units):
            fault, symptom = faults[i % len(faults)]
            made.append(
                services.service_request_create(
                    actor=agent,
                    customer_id=unit.customer_id,
                    serial=unit.serial,
                    channel=rng.choice(["phone", "phone", "email", "walk_in"]),
                    priority=rng.choice(["urgent", "serious", "general", "general"]),
                    fault=fault,
                    symptom=symptom,
                    received_at=now - dt.timedelta(days=1, hours=2) if i in (1, 2) else None,
                )
            )
        services.service_requests_carry_over(now=now)  # the two from yesterday go to the top (S7)
        for sr in made[3:8]:
            services.service_request_dispatch(actor=lead, number=sr.number, engineer=users["engineer"].username)
        services.service_request_book(
            actor=engineer, number=made[6].number, visit_at=now + dt.timedelta(hours=3), confirmed_fault="主轴轴承磨损"
        )

        def arrive(sr: Any) -> None:
            """S8: a site outside the engineer's city needs an approved off-site trip before the check-in."""
            from aftersales.service.models import ServiceRequest
            from aftersales.service.selectors import offsite_regions

            fresh = ServiceRequest.objects.select_related("customer__region", "engineer", "service_point").get(pk=sr.pk)
            if offsite_regions(fresh) is not None:
                trip = services.approval_request(
                    actor=engineer, number=sr.number, kind="offsite", reason="现场在外地，申请出差"
                )
                services.approval_decide(actor=manager, approval_id=trip.pk, approve=True, note="同意")
            services.service_request_arrive(actor=engineer, number=sr.number)

        arrive(made[7])
        closed = made[0]
        if closed.charging_type == "A":
            return  # a paid case would need a quotation first (B1): leave it on the board
        services.service_request_dispatch(actor=lead, number=closed.number, engineer=users["engineer"].username)
        arrive(closed)
        services.service_request_step_add(actor=engineer, number=closed.number, text="清洁、检查主轴，更换轴承，试机")
        services.service_request_complete(
            actor=engineer,
            number=closed.number,
            resolution="on_site",
            work_summary="更换主轴轴承两只，空运转 30 分钟无异响，试切合格",
            self_check_passed=True,
            labour_minutes=150,
        )
        image = Image.new("RGB", (300, 100), "white")
        ImageDraw.Draw(image).line([(20, 70), (80, 30), (140, 75), (200, 25), (270, 60)], fill="black", width=4)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        signature = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
        services.service_request_sign_off(
            actor=engineer, number=closed.number, signature=signature, signed_by_name="设备科 王工"
        )
        services.service_request_close(actor=manager, number=closed.number, note="回访确认")

    def _organisation(self) -> dict[str, Any]:
        from aftersales.accounts.models import Department, Region, ServicePoint, User
        from aftersales.accounts.services import roles_sync, user_create

        roles_sync()
        regions = {}
        for code, name, province, tier in REGIONS:
            regions[code], _ = Region.objects.get_or_create(
                code=code, defaults={"name": name, "province": province, "tier": tier}
            )
        for code, name, kind, region, address, phone in SERVICE_POINTS:
            ServicePoint.objects.get_or_create(
                code=code,
                defaults={"name": name, "kind": kind, "region": regions[region], "address": address, "phone": phone},
            )
        departments = {
            code: Department.objects.get_or_create(code=code, defaults={"name": name})[0] for code, name in DEPARTMENTS
        }
        headquarters = ServicePoint.objects.get(code="SP-SH")
        users = {}
        for role, (name, dept) in ROLE_PEOPLE.items():
            user = User.objects.filter(username=role).first() or user_create(
                actor=None,
                username=role,
                password=DEMO_PASSWORD,
                role=role,
                display_name=name,
                department_id=departments[dept].pk,
                service_point_id=headquarters.pk if role in {"agent", "engineer", "team_lead", "cs_manager"} else None,
            )
            users[role] = user
        Department.objects.filter(code="AS").update(head=users["cs_manager"])
        Department.objects.filter(code="CS").update(head=users["team_lead"])
        return users

    def _customers_and_units(self, rng: random.Random, users: dict[str, Any], n_customers: int, n_units: int) -> None:
        from aftersales.accounts.models import Region, User
        from aftersales.accounts.selectors import actor_for
        from aftersales.accounts.services import user_create
        from aftersales.customers.services import ContactData, customer_create
        from aftersales.installed_base.models import Product
        from aftersales.installed_base.services import contract_create, product_create, unit_create

        admin = actor_for(users["admin"])
        for model, name, spec, category, months in PRODUCTS:
            if not Product.objects.filter(model=model).exists():
                product_create(
                    actor=admin, model=model, name=name, spec=spec, category=category, warranty_months=months
                )
        products = list(Product.objects.order_by("model"))
        regions = list(Region.objects.order_by("code"))
        owners = [users["sales"], users["sales_manager"], users["agent"], users["team_lead"]]
        today = timezone.localdate()
        customers = []
        used_names: set[str] = set()
        for i in range(n_customers):
            name = self._company(rng, used_names)
            region = regions[0] if i < n_customers * 0.4 else rng.choice(regions)
            phone = self._landline(rng) if rng.random() < 0.7 else self._mobile(rng)
            contacts = [
                ContactData(
                    name=rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.5 else ""),
                    phone=self._mobile(rng),
                    title=rng.choice(TITLES),
                    is_primary=j == 0,
                )
                for j in range(rng.choice([1, 1, 2]))
            ]
            owner = rng.choice(owners)
            customers.append(
                customer_create(
                    actor=actor_for(owner),
                    name=name,
                    kind=rng.choice(KINDS),
                    phone=phone,
                    address=f"{region.province}{region.name}{rng.choice(['经济开发区', '高新区', '工业园区'])}{rng.randint(1, 999)} 号",
                    region_id=region.pk,
                    credit_rating=rng.choice("AABBBC"),
                    key_account=rng.random() < 0.15,
                    confidential=rng.random() < 0.1,
                    owner_id=owner.pk,
                    contacts=contacts,
                    source="seed_demo",
                )
            )
        # The first customer is the portal demo customer: a well-known file, not confidential.
        portal_customer = customers[0]
        if not User.objects.filter(username="customer").exists():
            user_create(
                actor=None,
                username="customer",
                password=DEMO_PASSWORD,
                role="customer",
                display_name=f"{portal_customer.name} 设备科",
                customer_id=portal_customer.pk,
            )
        units_by_customer: dict[int, list[str]] = {}
        for i in range(n_units):
            customer = customers[0] if i < 5 else rng.choice(customers)
            product = rng.choice(products)
            produced = today - dt.timedelta(days=rng.randint(30, 5 * 365))
            accepted = produced + dt.timedelta(days=rng.randint(20, 120)) if rng.random() < 0.75 else None
            if accepted and accepted > today:
                accepted = None
            serial = f"{product.model.replace('-', '')}-{produced:%y%m}-{i + 1:05d}"
            unit_create(
                actor=admin,
                serial=serial,
                product_id=product.pk,
                customer_id=customer.pk,
                production_date=produced,
                ship_date=produced + dt.timedelta(days=rng.randint(3, 20)),
                purchase_date=produced + dt.timedelta(days=rng.randint(3, 20)),
                purchase_place=rng.choice(["直销", "上海经销商", "苏州代理商", "电商平台"]),
                acceptance_date=accepted,
                warranty_months=36 if rng.random() < 0.05 else None,
                site=customer.address,
                notes="",
            )
            units_by_customer.setdefault(customer.pk, []).append(serial)
        for customer in customers[:: max(1, len(customers) // 60)]:
            serials = units_by_customer.get(customer.pk)
            if not serials:
                continue
            start = today - dt.timedelta(days=rng.randint(0, 300))
            contract_create(
                actor=admin,
                customer_id=customer.pk,
                unit_serials=serials[: rng.randint(1, len(serials))],
                start_date=start,
                end_date=start + dt.timedelta(days=365),
                cover=rng.choice(["office_hours", "office_hours", "24x7"]),
                terms="年度保养协议：每季度巡检一次，故障 4 小时响应。",
            )

    @staticmethod
    def _company(rng: random.Random, used: set[str]) -> str:
        while True:
            name = rng.choice(CITY_PREFIX) + rng.choice(NAME_CORE) + rng.choice(NAME_TRADE) + rng.choice(NAME_FORM)
            if name not in used:
                used.add(name)
                return name

    @staticmethod
    def _landline(rng: random.Random) -> str:
        area = rng.choice(["021", "0512", "025", "0571", "0574", "0755", "0991", "0931"])
        return f"{area}-{rng.randint(5000, 8999)} {rng.randint(1000, 9999)}"

    @staticmethod
    def _mobile(rng: random.Random) -> str:
        return f"1{rng.choice('3589')}{rng.randint(0, 9)}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
