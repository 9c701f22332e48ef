"""Run mypy over src/thidua and fail on any error that is not in the baseline.

The baseline (.ci/mypy-baseline.txt) holds the errors the code had when mypy came in, as
"path: [code] message" without line numbers, so moving code does not churn it. A new error fails;
a fixed one is reported so the baseline can shrink (`--update` rewrites it).

The strict modules (pyproject's overrides with `disallow_untyped_defs`: services, selectors,
permissions, the common package) may have no error at all: a baseline line naming one fails,
and `--update` refuses to write one in.
"""

from __future__ import annotations

import collections
import collections.abc
import pathlib
import re
import subprocess
import sys
import tomllib

BASELINE = pathlib.Path(__file__).with_name("mypy-baseline.txt")
PYPROJECT = pathlib.Path(__file__).parent.parent / "pyproject.toml"
LINE = re.compile(r"^(?P<path>[^:]+):\d+(?::\d+)?: error: (?P<message>.*?)\s+\[(?P<code>[a-z-]+)\]$")


def current_errors() -> collections.Counter[str]:
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary", "--hide-error-context", "--no-pretty"],
        capture_output=True,
        text=True,
    )
    if run.returncode not in (0, 1):
        sys.exit(f"mypy did not run:\n{run.stdout}{run.stderr}")
    errors: collections.Counter[str] = collections.Counter()
    for line in run.stdout.splitlines():
        match = LINE.match(line)
        if match:
            errors[f"{match['path']}: [{match['code']}] {match['message']}"] += 1
        elif ": error:" in line:
            errors[line] += 1
    return errors


def baseline() -> collections.Counter[str]:
    if not BASELINE.exists():
        return collections.Counter()
    lines = [line for line in BASELINE.read_text(encoding="utf-8").splitlines() if line.strip()]
    return collections.Counter(lines)


def strict_patterns() -> list[re.Pattern[str]]:
    """pyproject's strict module patterns as regexes on module names (as mypy's globs: `a.*` is
    `a` and its submodules, `a.*.b` any `b` under `a`)."""
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    patterns = []
    for override in config["tool"]["mypy"].get("overrides", []):
        if not override.get("disallow_untyped_defs"):
            continue
        modules = override["module"]
        for module in [modules] if isinstance(modules, str) else modules:
            regex = re.escape(module).replace(r"\.\*", r"(\..+)?")
            patterns.append(re.compile(f"^{regex}$"))
    return patterns


def module_of(error: str) -> str:
    """`src/thidua/awards/services.py: [code] …` → `thidua.awards.services`."""
    path = error.split(":", 1)[0].removeprefix("src/").removesuffix(".py").removesuffix("/__init__")
    return path.replace("/", ".")


def in_strict_modules(errors: collections.abc.Iterable[str]) -> list[str]:
    patterns = strict_patterns()
    return [e for e in errors if any(p.match(module_of(e)) for p in patterns)]


def main() -> int:
    strict_known = in_strict_modules(baseline())
    if strict_known:
        print("mypy: the baseline lists errors in strict modules (they must have none):")
        for error in sorted(strict_known):
            print(f"  {error}")
        return 1
    now = current_errors()
    if "--update" in sys.argv:
        strict_now = in_strict_modules(now)
        if strict_now:
            print("mypy: not written; fix these first (strict modules may have no errors):")
            for error in sorted(strict_now):
                print(f"  {error}")
            return 1
        BASELINE.write_text("".join(f"{e}\n" for e in sorted(now.elements())), encoding="utf-8")
        print(f"baseline rewritten: {sum(now.values())} known errors")
        return 0
    known = baseline()
    new = now - known
    fixed = known - now
    if fixed:
        print(f"{sum(fixed.values())} baseline errors are gone; shrink it with: python .ci/mypy_ratchet.py --update")
    if new:
        print("mypy: new type errors (not in .ci/mypy-baseline.txt):")
        for error in sorted(new.elements()):
            print(f"  {error}")
        return 1
    print(f"mypy: no new errors ({sum(now.values())} known, in the baseline)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
