"""Model rows by key, with their SQL built once per process (docs/decisions/0004, 0010).

Django builds and compiles the SQL of every queryset anew: 0.4–0.6 ms a query on the bench VM,
where SQLite runs the query itself in ~0.03 ms. A service registration that reads ten rows by key
and writes five spent more than half its time there (make bench, service intake). For such paths:

- `row_get(Model, order_by=…, field=value, field__lte=value …)`: the first matching row as a model
  instance, with the converters the ORM applies (datetimes, JSON, decimals …), or None.
- `rows_insert(objs)`: INSERT … RETURNING of unsaved instances, with the values `save()` would
  write (auto_now, defaults), their primary keys set afterwards.

Both reach below the public ORM (`_meta`, `from_db`, a field's converters; `rows_insert` also
`_prepare_related_fields_for_save` and `_state`), so each is kept only where it pays on PostgreSQL
(docs/decisions/0010: measured with `python -m bench.orm`) and tests/core/test_rows.py compares it
with the plain ORM on every model it is used on.

The SQL of each shape (model, lookups, order, database) is built from the model's _meta once and
kept. Only the lookups below, on concrete fields; no signals are sent (the project connects none)
and a model with a save() of its own is refused. Anything else is a queryset.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
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
_INSERTS: dict[tuple[Any, ...], tuple[str, list[Any]]] = {}
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


def _build_insert(model: type[Model], count: int, alias: str) -> tuple[str, list[Any]]:
    connection = connections[alias]
    qn = connection.ops.quote_name
    meta = model._meta
    fields = [f for f in meta.local_concrete_fields if not f.primary_key or not f.db_returning]  # type: ignore[attr-defined]  # Field.db_returning (Django ≥ 3.0) is missing from django-stubs
    row = f"({', '.join(['%s'] * len(fields))})"
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "  # noqa: S608 — _meta names
        f"VALUES {', '.join([row] * count)} RETURNING {qn(meta.pk.column)}"
    )
    return sql, fields


def rows_insert(objs: Sequence[Model]) -> None:
    """Insert unsaved instances of one model (an auto primary key each) in one statement, with the
    values Model.save() would write; sets their primary keys. Raises ValueError for an instance
    pointing at an unsaved related row, as save() does, and for a model with a save() of its own."""
    if not objs:
        return
    model = type(objs[0])
    if model.save is not Model.save:
        raise ValueError(f"rows_insert: {model.__name__} has a save() of its own, which would be skipped")
    alias = router.db_for_write(model)
    connection = connections[alias]
    sql, fields = _built(_INSERTS, (model, len(objs), alias), _build_insert)
    params: list[Any] = []
    for obj in objs:
        if type(obj) is not model or obj.pk is not None:
            raise ValueError("rows_insert: unsaved instances of one model only")
        obj._prepare_related_fields_for_save(operation_name="rows_insert")  # type: ignore[attr-defined]  # private Model API, not in django-stubs
        params.extend(f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        keys = [row[0] for row in cursor.fetchall()]
    for obj, key in zip(objs, keys, strict=True):
        obj.pk = key
        obj._state.adding = False
        obj._state.db = alias
