from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """SPEC "Roles": the code is what demo users, the API and policies use."""

    AGENT = "agent", _("Hotline agent")  # 客服专员
    TEAM_LEAD = "team_lead", _("Customer-service team lead")  # 客服组组长
    CS_MANAGER = "cs_manager", _("Head of after-sales service")  # 售后服务部部长 (department head)
    ENGINEER = "engineer", _("Service engineer")  # 服务工程师/维修员
    PARTS_KEEPER = "parts_keeper", _("Spare-parts keeper")  # 配件管理员
    ANALYST = "analyst", _("Information clerk")  # 信息员
    QUALITY = "quality", _("Quality department")  # 质量管理部
    SALES = "sales", _("Sales")  # 营销部
    SALES_MANAGER = "sales_manager", _("Sales manager")  # 销售部门经理
    RND = "rnd", _("Technical / R&D")  # 技术部/研发部
    MANUFACTURING = "manufacturing", _("Manufacturing")  # 制造本部/生产部门 (receives the Q1 table)
    FINANCE = "finance", _("Finance")  # 财务部
    WAREHOUSE = "warehouse", _("Warehouse")  # 仓储部
    VP = "vp", _("Vice-president")  # 副总经理
    GM = "gm", _("General manager")  # 总经理
    MGMT_REP = "mgmt_rep", _("Management representative")  # 管理者代表
    TRAINER = "trainer", _("Training centre")  # 教培中心
    ADMIN = "admin", _("Administrator")  # 系统管理员
    CUSTOMER = "customer", _("Customer (portal)")  # 客户门户用户


# Roles that may approve another user's access to a confidential customer file (C3).
MANAGER_ROLES = frozenset({Role.TEAM_LEAD, Role.CS_MANAGER, Role.SALES_MANAGER, Role.VP, Role.GM, Role.ADMIN})


class RegionTier(models.TextChoices):
    """Response tier of a region for on-site service (C9); the days per tier are policy C9.tiers."""

    SAME_CITY = "same_city", _("Same city")  # 同城
    SAME_PROVINCE = "same_province", _("Same province")  # 省内
    REMOTE = "remote", _("Remote province")  # 偏远省份


class ServicePointKind(models.TextChoices):
    OFFICE = "office", _("Service office")  # 办事处
    REPAIR_POINT = "repair_point", _("Repair point")  # 维修点
    HEADQUARTERS = "headquarters", _("Service centre")  # 服务中心
