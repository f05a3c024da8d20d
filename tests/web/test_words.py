"""Words shared by several apps' catalogues: the first app in INSTALLED_APPS wins at runtime, so a
word that means something else on another page carries a context. Each case below once showed the
other app's meaning on the page named in the comment."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import pgettext

CASES = [
    ("difference", "Change", "变化"),  # Q1 statistics: change from the previous period (policies: 修改)
    ("department", "Quality", "质量管理部"),  # Q1 distribution (complaints: 质量问题, a complaint type)
    ("risk", "Description", "描述"),  # X5 risk form (complaints: 投诉内容)
    ("person", "Name", "姓名"),  # Q5 appraisal workbook (accounts: 名称)
    ("survey forms", "Returned", "回收数"),  # V4 result workbook (service: 已交还)
    ("reporting period", "Period", "期间"),  # surveys, reports, consultations (customers: 期限)
    ("contact details", "Contact", "联系方式"),  # consultations (customers: 联系人)
    ("goods", "received at", "收货时间"),  # returns (service: 受理时间)
    ("background job", "owner", "发起人"),  # jobs, while CAPA, risk, complaint owners read 负责人
]


@pytest.mark.parametrize(("context", "word", "expected"), CASES)
def test_a_shared_word_reads_as_its_page_means_it(context: str, word: str, expected: str) -> None:
    with translation.override("zh-hans"):
        assert pgettext(context, word) == expected


def test_an_owner_without_context_reads_as_the_person_responsible() -> None:
    with translation.override("zh-hans"):
        assert translation.gettext("owner") == "负责人"
