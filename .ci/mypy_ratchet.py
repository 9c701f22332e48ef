"""Run mypy over src/thidua and fail on any error that is not in the baseline.

The baseline (.ci/mypy-baseline.txt) holds the errors the code had when mypy came in, as
"path: [code] message" without line numbers, so moving code does not churn it. A new error fails;
a fixed one is reported so the baseline can shrink (`--update` rewrites it).
"""

from __future__ import annotations

import collections
import pathlib
import re
import subprocess
import sys

BASELINE = pathlib.Path(__file__).with_name("mypy-baseline.txt")
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


def main() -> int:
    now = current_errors()
    if "--update" in sys.argv:
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
