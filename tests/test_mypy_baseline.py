"""The strict modules stay fully typed: the mypy baseline may not excuse an error in one."""

import importlib.util
import pathlib

RATCHET = pathlib.Path(__file__).resolve().parent.parent / ".ci" / "mypy_ratchet.py"


def _ratchet():
    spec = importlib.util.spec_from_file_location("mypy_ratchet", RATCHET)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_strict_modules_are_recognised():
    ratchet = _ratchet()
    strict = [
        "src/thidua/awards/services.py: [no-untyped-def] Function is missing a type annotation",
        "src/thidua/indicators/selectors.py: [union-attr] x",
        "src/thidua/accounts/permissions.py: [arg-type] x",
        "src/thidua/common/spreadsheet.py: [operator] x",
        "src/thidua/common/__init__.py: [misc] x",
    ]
    gradual = [
        "src/thidua/awards/backlog.py: [arg-type] x",
        "src/thidua/web/views/people.py: [arg-type] x",
        "src/thidua/commonplace.py: [misc] x",
    ]
    assert ratchet.in_strict_modules(strict + gradual) == strict


def test_the_baseline_names_no_strict_module():
    ratchet = _ratchet()
    assert ratchet.in_strict_modules(ratchet.baseline()) == []
