"""Model rows by key, with their SQL built once per process (docs/decisions/0004, 0010).

Django builds and compiles the SQL of every queryset anew: 0.4–0.6 ms a query on the bench VM,
where SQLite runs the query itself in ~0.03 ms. A service registration that reads ten rows by key
and writes five spent more than half its time there (make bench, service intake). For such paths:

- `row_get(Model, order_by=…, field=value, field__lte=value …)`: the first matching row as a model
  instance, with the converters the ORM applies (datetimes, JSON, decimals …), or None.

It reaches below the public ORM (`_meta`, `from_db`, a field's converters), so it is kept only
because it pays on PostgreSQL (docs/decisions/0010: measured with `python -m bench.orm`; the
`rows_insert` that stood beside it did not and was removed), and tests/core/test_rows.py compares
it with the plain ORM on every model it is used on.

The SQL of each shape (model, lookups, order, database) is built from the model's _meta once and
kept. Only the lookups below, on concrete fields; no signals are sent (the project connects none)
and a model with a save() of its own is refused. Anything else is a queryset.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connections, router
from django.db.models import Model

M = TypeVar("M", bound=Model)
T = TypeVar("T")

_OPERATORS = {"exact": "=", "lt": "<", "lte": "<=", "gt": ">", "gte": ">="}


@dataclass(frozen=True)
class _Select:
    sql: str
    attnames: list[str]
    params: list[Any]  # the field of each parameter, to prepare its value
    converters: list[tuple[int, Any, list[Callable[..., Any]]]]  # (column, expression, converters)


_SELECTS: dict[tuple[Any, ...], _Select] = {}
_LOCK = threading.Lock()


def _lookup(model: type[Model], key: str) -> tuple[Any, str]:
    name, _, operator = key.partition("__")
    if operator and operator not in _OPERATORS:
        raise ValueError(f"row_get: unsupported lookup {key!r}")
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    if not getattr(field, "concrete", False) or field.many_to_many:
        raise ValueError(f"row_get: {key!r} is not a column of {model.__name__}")
    return field, _OPERATORS[operator or "exact"]


def _built(cache: dict[tuple[Any, ...], T], shape: tuple[Any, ...], build: Callable[..., T]) -> T:
    """cache[shape], built by build(*shape) the first time."""
    found = cache.get(shape)
    if found is None:
        found = build(*shape)
        with _LOCK:
            cache[shape] = found
    return found


def _build_select(model: type[Model], keys: tuple[str, ...], order_by: str, alias: str, limit: str) -> _Select:
    connection = connections[alias]
    qn = connection.ops.quote_name
    meta = model._meta
    table = meta.db_table
    fields = list(meta.concrete_fields)
    lookups = [_lookup(model, key) for key in keys]
    where = " AND ".join(f"{qn(field.column)} {operator} %s" for field, operator in lookups) or "1 = 1"
    order_field: Any = meta.pk if order_by.lstrip("-") in ("", "pk") else meta.get_field(order_by.lstrip("-"))
    direction = "DESC" if order_by.startswith("-") else "ASC"
    converters = []
    for i, field in enumerate(fields):
        col = field.get_col(table)
        found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if found:
            converters.append((i, col, found))
    return _Select(
        sql=(
            f"SELECT {', '.join(qn(f.column) for f in fields)} FROM {qn(table)} "  # noqa: S608 — names from _meta
            f"WHERE {where} ORDER BY {qn(order_field.column)} {direction}{limit}"
        ),
        attnames=[f.attname for f in fields],
        params=[field for field, _op in lookups],
        converters=converters,
    )


def row_get(model: type[M], *, order_by: str = "pk", **lookups: Any) -> M | None:
    """The first row of `model` matching every lookup (field=value, field__lt/lte/gt/gte=value) in
    `order_by` order ("field" or "-field", default the primary key), or None; None also for an
    integer too large for the database, as the ORM answers."""
    rows = _rows(model, order_by, lookups, " LIMIT 1")
    return rows[0] if rows else None


def _rows(model: type[M], order_by: str, lookups: dict[str, Any], limit: str) -> list[M]:
    alias = router.db_for_read(model)
    keys = tuple(sorted(lookups))
    select = _built(_SELECTS, (model, keys, order_by, alias, limit), _build_select)
    connection = connections[alias]
    params = [
        field.get_db_prep_value(lookups[key], connection, prepared=False)
        for key, field in zip(keys, select.params, strict=True)
    ]
    with connection.cursor() as cursor:
        try:
            cursor.execute(select.sql, params)
        except OverflowError:  # SQLite cannot bind an integer beyond 64 bits: no row has it
            return []
        rows = cursor.fetchall()
    found = []
    for row in rows:
        values = list(row)
        for i, expression, converters in select.converters:
            value = values[i]
            for converter in converters:
                value = converter(value, expression, connection)
            values[i] = value
        found.append(model.from_db(alias, select.attnames, values))
    return found
