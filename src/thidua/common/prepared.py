"""ORM queries compiled once per database connection and run again with new values.

Building a query through the ORM (clone, resolve the lookups, compile) costs ~0.4 ms of Python,
running it on an indexed column ~0.05 ms. The look-ups that every signed-in request makes (its
session, its user, the cluster in the URL, the user's roles) paid that on every page: most of a
cached page's time. A `Prepared` query takes its SQL and its column converters from the ORM
itself, the first time it runs on a connection, and checks that the values it will pass are the
ones the ORM would have passed; the rows are model instances exactly as the queryset gives them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model, Q
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]


@dataclass(frozen=True)
class _Compiled:
    sql: str
    fields: tuple  # the field each value is adapted by, in the order of the SQL's placeholders
    own: slice  # the model's own columns in a row
    attnames: tuple
    converters: tuple  # (position, converters, expression) per column that needs converting
    related: tuple  # Django's populators of the select_related objects
    annotations: tuple  # (name, position)
    connection: Any


class Prepared:
    """`Prepared(Model, "code")` then `.first("TNB")`, `.all(...)`: `filter(code=...)` in effect.

    Lookups are `field` or `field__gt`/`__gte`/`__lt`/`__lte` (values adapted by the field,
    never None); the model's default ordering applies, as it would in the ORM. `related` is
    `select_related(...)`, `annotate` a function giving `annotate(**...)`'s expressions (called
    when compiling, so they may name models of any app).
    """

    def __init__(
        self,
        model: type[Model],
        *lookups: str,
        related: tuple[str, ...] = (),
        annotate: Callable[[], dict] | None = None,
    ):
        self.model, self.lookups = model, lookups
        self.related, self.annotate = related, annotate
        self._key = ("thidua-prepared", model._meta.label, lookups, related, annotate)

    def all(self, *values: Any) -> list[Model]:
        if None in values:  # the ORM would write IS NULL, not "= NULL"
            raise ValueError(f"{self._key[1:]}: None is not a value to look up")
        connection = connections[router.db_for_read(self.model)]
        compiled = self._compiled(connection, values)
        rows = fetch(connection, compiled.sql, _adapted(compiled.fields, values, connection))
        return [self._instance(compiled, row) for row in rows]

    def first(self, *values: Any) -> Model | None:
        found = self.all(*values)
        return found[0] if found else None

    def _instance(self, compiled: _Compiled, row: Sequence[Any]) -> Model:
        if compiled.converters:
            row = list(row)
            for pos, converters, expression in compiled.converters:
                for convert in converters:
                    row[pos] = convert(row[pos], expression, compiled.connection)
        obj = self.model.from_db(compiled.connection.alias, compiled.attnames, row[compiled.own])
        for populator in compiled.related:  # as Django's ModelIterable does
            populator.populate(row, obj)
        for name, pos in compiled.annotations:
            setattr(obj, name, row[pos])
        return obj

    def _compiled(self, connection: BaseDatabaseWrapper, values: tuple[Any, ...]) -> _Compiled:
        # Kept on the connection object: one per thread, so converters never cross threads.
        cache = connection.__dict__.setdefault("_thidua_prepared", {})
        compiled = cache.get(self._key)
        if compiled is None:
            compiled = cache[self._key] = self._compile(connection, values)
        return compiled

    def _compile(self, connection: BaseDatabaseWrapper, values: tuple[Any, ...]) -> _Compiled:
        conditions = Q(*zip(self.lookups, values, strict=True))  # in this order, unlike kwargs
        queryset = self.model._default_manager.filter(conditions)
        if self.related:
            queryset = queryset.select_related(*self.related)
        if self.annotate:
            queryset = queryset.annotate(**self.annotate())
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        fields = tuple(self._field(lookup) for lookup in self.lookups)
        expected = _adapted(fields, values, connection)
        if list(params) != expected:  # a lookup that transforms its value: not for this helper
            raise ValueError(f"{self._key[1:]}: the ORM passes {params!r}, not {expected!r}")
        columns = [col for col, _sql, _alias in compiler.select]
        converters = tuple(
            (pos, tuple(convs), expression)
            for pos, (convs, expression) in compiler.get_converters(columns).items()
        )
        own_fields = compiler.klass_info["select_fields"]
        own = slice(own_fields[0], own_fields[-1] + 1)
        attnames = tuple(col.target.attname for col in columns[own])
        related = tuple(
            get_related_populators(compiler.klass_info, compiler.select, connection.alias)
        )
        annotations = tuple(compiler.annotation_col_map.items())
        return _Compiled(sql, fields, own, attnames, converters, related, annotations, connection)

    def _field(self, lookup: str) -> Any:
        name = lookup.split("__", 1)[0]
        meta = self.model._meta
        return meta.pk if name == "pk" else meta.get_field(name)


def fetch(connection: BaseDatabaseWrapper, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
    """All rows of a statement run on every request. On PostgreSQL it is prepared on the
    server the first time and kept per connection (unless the connection was opened with
    preparing off: env.database_config): no parsing and planning again, 40–130 µs of a
    200–380 µs read here. Django's own queries keep client-side binding, which every statement
    of theirs is written for."""
    with _cursor(connection) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _cursor(connection: BaseDatabaseWrapper) -> Any:
    # While queries are logged (DEBUG, CaptureQueriesContext) the plain cursor runs: Django
    # takes the logged SQL from psycopg's client-side query, which a prepared run lacks.
    if connection.vendor == "postgresql" and not connection.queries_logged:
        connection.ensure_connection()
        if connection.connection.prepare_threshold is not None:
            preparing = _preparing_cursor_class()(connection.connection)
            # Django's own wrapper, as for its own cursors
            return connection._prepare_cursor(preparing)  # type: ignore[attr-defined]
    return connection.cursor()


@cache
def _preparing_cursor_class() -> type:
    from django.db.backends.postgresql.base import (  # type: ignore[attr-defined]
        ServerBindingCursor,
    )

    class PreparingCursor(ServerBindingCursor):
        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            return super().execute(query, params, prepare=True, **kwargs)

    return PreparingCursor


def _adapted(
    fields: Sequence[Field], values: Sequence[Any], connection: BaseDatabaseWrapper
) -> list:
    return [
        f.get_db_prep_value(v, connection, prepared=False)
        for f, v in zip(fields, values, strict=True)
    ]
