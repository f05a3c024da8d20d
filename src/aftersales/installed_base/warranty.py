"""Warranty (A3) and charging type (S4) as pure functions: no database, no clock.

A unit is in warranty on day D when start <= D < start + length (months added with the
month-end clamp). The warranty starts at the acceptance date; with no acceptance record at the
production date + an offset (policy A3.production_offset_months). The length is the unit's own
term, else the product's, else the policy default (A3.warranty_months).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from aftersales.installed_base.choices import (
    ChargingType,
    ContractCover,
    LengthSource,
    WarrantyBasis,
)


def add_months(day: dt.date, months: int) -> dt.date:
    """day + months, clamped to the last day of the target month (31 Jan + 1 month = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class WarrantyTerms:
    """The policy values A3 needs, with the policy version they come from."""

    default_months: int = 24
    production_offset_months: int = 3
    policy_version: int = 0


@dataclass(frozen=True)
class Warranty:
    start: dt.date
    end: dt.date  # the last day in warranty (start + months - 1 day); before start when months == 0
    basis: str  # WarrantyBasis value
    months: int
    length_source: str  # LengthSource value
    policy_version: int
    offset_months: int  # A3.production_offset_months in force (used when basis is production)

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def explanation(self) -> str:
        if self.basis == WarrantyBasis.ACCEPTANCE:
            start = _("the warranty starts on the acceptance date %(start)s") % {"start": self.start.isoformat()}
        else:
            start = _(
                "there is no acceptance record, so the warranty starts %(offset)s months after the production date, on %(start)s"
            ) % {"offset": self.offset_months, "start": self.start.isoformat()}
        source = dict(LengthSource.choices)[self.length_source]
        length = _("it lasts %(months)s months (%(source)s), so the last day in warranty is %(end)s") % {
            "months": self.months,
            "source": source,
            "end": self.end.isoformat(),
        }
        # Plain words; the rule (A3) and the policy version are the pages' small reference (0022).
        return _("Warranty: %(start)s; %(length)s.") % {
            "start": start,
            "length": length,
        }


def warranty_for(
    *,
    production_date: dt.date | None,
    acceptance_date: dt.date | None,
    unit_months: int | None,
    product_months: int | None,
    terms: WarrantyTerms,
) -> Warranty:
    """A3: the warranty of one unit. Raises ValueError when neither date is known."""
    if acceptance_date is not None:
        start, basis = acceptance_date, WarrantyBasis.ACCEPTANCE
    elif production_date is not None:
        start = add_months(production_date, terms.production_offset_months)
        basis = WarrantyBasis.PRODUCTION_PLUS_3_MONTHS
    else:
        raise ValueError("a unit needs a production or an acceptance date (A3)")
    if unit_months is not None:
        months, source = unit_months, LengthSource.UNIT
    elif product_months is not None:
        months, source = product_months, LengthSource.PRODUCT
    else:
        months, source = terms.default_months, LengthSource.POLICY
    end = add_months(start, months) - dt.timedelta(days=1)
    return Warranty(
        start=start,
        end=end,
        basis=str(basis),
        months=months,
        length_source=str(source),
        policy_version=terms.policy_version,
        offset_months=terms.production_offset_months,
    )


@dataclass(frozen=True)
class ContractTerm:
    number: str
    start_date: dt.date
    end_date: dt.date
    cover: str

    def covers(self, day: dt.date) -> bool:
        return self.start_date <= day <= self.end_date


@dataclass(frozen=True)
class Coverage:
    on: dt.date
    warranty: Warranty
    in_warranty: bool
    contract: ContractTerm | None
    charging_type: str  # ChargingType value
    explanation: str
    # A3: on a day before the warranty starts (delivered, not yet accepted) service is the supplier's
    # installation duty, free of charge (charging C, reason "before acceptance").
    before_acceptance: bool = False
    rules: str = "A3 · S4"  # the small reference after the explanation on the pages ({% rule_ref %})

    @property
    def policy_version(self) -> int:
        return self.warranty.policy_version


def coverage_on(*, warranty: Warranty, contracts: Iterable[ContractTerm], on: dt.date) -> Coverage:
    """S4: in warranty → C free; before the warranty starts (not yet accepted: the supplier's
    installation duty, A3) → C free; else an active service contract → B; else A paid.

    Among several active contracts the one with 7×24 cover wins, then the one ending last.
    """
    in_warranty = warranty.covers(on)
    before_acceptance = on < warranty.start
    active = sorted(
        (c for c in contracts if c.covers(on)),
        key=lambda c: (c.cover == ContractCover.ALWAYS, c.end_date, c.number),
        reverse=True,
    )
    contract = active[0] if active else None
    parts = [warranty.explanation()]
    if in_warranty:
        parts.append(_("On %(on)s the unit is in warranty.") % {"on": on.isoformat()})
    elif before_acceptance:
        parts.append(
            _(
                "On %(on)s the warranty has not started yet: before acceptance, service is the supplier's "
                "installation duty, free of charge."
            )
            % {"on": on.isoformat()}
        )
    else:
        parts.append(_("On %(on)s the warranty has ended.") % {"on": on.isoformat()})
    if contract is not None:
        parts.append(
            _("Service contract %(number)s covers it from %(start)s to %(end)s (%(cover)s).")
            % {
                "number": contract.number,
                "start": contract.start_date.isoformat(),
                "end": contract.end_date.isoformat(),
                "cover": dict(ContractCover.choices)[contract.cover],
            }
        )
    else:
        parts.append(_("No service contract covers it on that day."))
    if in_warranty or before_acceptance:
        charging = ChargingType.FREE
    elif contract is not None:
        charging = ChargingType.CONTRACT
    else:
        charging = ChargingType.PAID
    parts.append(_("Charging type: %(type)s.") % {"type": dict(ChargingType.choices)[charging]})
    return Coverage(
        on=on,
        warranty=warranty,
        in_warranty=in_warranty,
        contract=contract,
        charging_type=str(charging),
        explanation=" ".join(parts),
        before_acceptance=before_acceptance,
    )
