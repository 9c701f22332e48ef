"""Derived indicators: a small arithmetic language over indicator codes.

`budget_revenue / budget_plan * 100` is parsed once into a tree that can become a SQL expression
(aggregation) or be evaluated on Decimals (one unit's figure). Nothing else is allowed.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from decimal import Decimal, DivisionByZero, InvalidOperation

from django.db.models import DecimalField, ExpressionWrapper, Func, Value
from django.db.models.functions import NullIf
from django.utils.translation import gettext as _

_OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div)
OUTPUT = DecimalField(max_digits=30, decimal_places=6)


class FormulaError(ValueError):
    pass


def parse(formula: str) -> ast.expr:
    try:
        tree = ast.parse(formula.strip(), mode="eval").body
    except SyntaxError as exc:
        raise FormulaError(_("Công thức “%(f)s” sai cú pháp.") % {"f": formula}) from exc
    _check(tree, formula)
    return tree


def _check(node: ast.AST, formula: str) -> None:
    if isinstance(node, ast.BinOp) and isinstance(node.op, _OPS):
        _check(node.left, formula)
        _check(node.right, formula)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        _check(node.operand, formula)
    elif isinstance(node, ast.Name):
        return
    elif isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return
    else:
        raise FormulaError(
            _("Công thức “%(f)s” chỉ được dùng mã chỉ tiêu, số và các phép + - * /.")
            % {"f": formula}
        )


def referenced_codes(formula: str) -> list[str]:
    return sorted({n.id for n in ast.walk(parse(formula)) if isinstance(n, ast.Name)})


def evaluate(formula: str, values: dict[str, Decimal | None]) -> Decimal | None:
    def walk(node: ast.AST) -> Decimal | None:
        if isinstance(node, ast.Name):
            return values.get(node.id)
        if isinstance(node, ast.Constant):
            return Decimal(str(node.value))
        if isinstance(node, ast.UnaryOp):
            inner = walk(node.operand)
            return None if inner is None else -inner
        left, right = walk(node.left), walk(node.right)
        if left is None or right is None:
            return None
        try:
            return _apply(node.op, left, right)
        except (DivisionByZero, InvalidOperation):
            return None

    return walk(parse(formula))


def _apply(op: ast.operator, left, right):
    if isinstance(op, ast.Add):
        return left + right
    if isinstance(op, ast.Sub):
        return left - right
    if isinstance(op, ast.Mult):
        return left * right
    if right == 0 and not hasattr(right, "resolve_expression"):
        raise DivisionByZero
    if hasattr(right, "resolve_expression"):
        return Divide(left, NullIf(right, Value(Decimal(0), output_field=OUTPUT)))
    return left / right


class Divide(Func):
    """`a / b` in SQL. SQLite stores whole-number decimals as integers and would divide them as
    integers (9360 / 13450 = 0), so there the dividend becomes REAL; PostgreSQL stays numeric."""

    arg_joiner = " / "
    template = "(%(expressions)s)"
    output_field = OUTPUT

    def as_sqlite(self, compiler, connection, **extra):
        left, right = self.get_source_expressions()
        left_sql, left_params = compiler.compile(left)
        right_sql, right_params = compiler.compile(right)
        return f"(CAST({left_sql} AS REAL) / {right_sql})", (*left_params, *right_params)


def to_expression(formula: str, resolve: Callable[[str], object]):
    """Build a Django expression; `resolve(code)` gives the expression for an indicator."""

    def walk(node: ast.AST):
        if isinstance(node, ast.Name):
            return resolve(node.id)
        if isinstance(node, ast.Constant):
            return Value(Decimal(str(node.value)), output_field=OUTPUT)
        if isinstance(node, ast.UnaryOp):
            return ExpressionWrapper(
                Value(Decimal(0), output_field=OUTPUT) - walk(node.operand), output_field=OUTPUT
            )
        return ExpressionWrapper(
            _apply(node.op, walk(node.left), walk(node.right)), output_field=OUTPUT
        )

    return walk(parse(formula))
