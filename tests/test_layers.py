"""The layers, checked: every import in src/thidua points down the order below (issue 17).

    common < orgs < accounts < notices < indicators, covenants < reports < scoring < ballots
    < awards;  ops and jobs beside them (any domain app);  doors on top.

Doors are `web`, `api`, the project's own modules (`thidua.demo`, `thidua.cli`, settings, urls,
the server) and the management commands of every app. A management command of a domain app may
import any domain app but not `web`, `api` or `thidua.demo`; no domain app imports a door.
Imports inside functions count as much as those at the top of a module: moving an import into
a function hides a cycle from Python, not from this test.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parent.parent / "src" / "thidua"

# Rank of each domain app: an app imports only apps of a lower rank (and itself).
RANKS = {
    "common": 0,
    "orgs": 1,
    "accounts": 2,
    "notices": 3,
    "indicators": 4,
    "covenants": 4,
    "reports": 5,
    "scoring": 6,
    "ballots": 7,
    "awards": 8,
}
# Beside the domain apps: may import any of them, no door (operations, background work).
BESIDE = {"ops", "jobs"}
DOOR_APPS = {"web", "api"}
FORBIDDEN_TO_COMMANDS = {"web", "api", "demo"}  # thidua.demo loads every app's demo data


@dataclass(frozen=True)
class Edge:
    path: str  # "thidua/reports/minutes.py"
    target: str  # "thidua.scoring.engine"
    reason: str

    def __str__(self) -> str:
        return f"{self.path} imports {self.target}: {self.reason}"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(tree: ast.AST, module: str, is_package: bool, root: Path) -> list[str]:
    """Every module an `import` or `from … import` names, at any depth of the file."""
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".") if is_package else module.split(".")[:-1]
                package = package[: len(package) - node.level + 1]
                base = ".".join(package + ([base] if base else []))
            # `from thidua.awards import models` imports the module thidua.awards.models.
            names += [_module_of(base, alias.name, root) for alias in node.names if base]
    return names


def _module_of(base: str, name: str, root: Path) -> str:
    folder = root.parent.joinpath(*base.split("."), name)
    is_module = folder.is_dir() or folder.with_suffix(".py").is_file()
    return f"{base}.{name}" if is_module else base


def _layer(module: str) -> str:
    """'thidua.reports.minutes' → 'reports'; a command → 'command'; a project module → 'door'."""
    parts = module.split(".")
    if len(parts) < 2:
        return "door"
    app = parts[1]
    if "management" in parts[2:]:
        return "door" if app in DOOR_APPS else "command"
    if app in RANKS or app in BESIDE:
        return app
    return "door"  # web, api, demo, cli, settings, urls, server, wsgi, __main__


def _target_app(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "thidua" else None


def problem(source: str, target: str) -> str | None:
    """Why the module `source` may not import `target`; None when the edge points down."""
    app = _target_app(target)
    if app is None or app == source.split(".")[1]:
        return None
    layer = _layer(source)
    if layer == "door":
        return None
    here = source.split(".")[1]
    if app in DOOR_APPS or app not in RANKS and app not in BESIDE:
        if layer == "command" and app not in FORBIDDEN_TO_COMMANDS:
            return None  # a command may use the project's plain modules (none today)
        who = "management commands" if layer == "command" else here
        return f"{who} may not import the door {app}"
    if layer == "command" or layer in BESIDE:
        return None
    if app in BESIDE:
        return f"{here} may not import {app}"
    if RANKS[app] >= RANKS[here]:
        return f"{here} may not import {app}"
    return None


def forbidden_edges(root: Path = SOURCE) -> list[Edge]:
    edges = []
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = module_name(path, root)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        targets = imported(tree, module, path.name == "__init__.py", root)
        for target in dict.fromkeys(t for t in targets if t.startswith(root.name + ".")):
            reason = problem(module, target)
            if reason:
                rel = path.relative_to(root.parent).as_posix()
                edges.append(Edge(rel, target, reason))
    return edges


def test_every_import_points_down_the_layers():
    edges = forbidden_edges()
    assert not edges, "Forbidden imports:\n" + "\n".join(str(e) for e in edges)


# The checker itself, on small trees: it must fail on a planted edge.


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "thidua"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_an_upward_import_inside_a_function_is_named(tmp_path):
    root = _tree(
        tmp_path,
        {
            "reports/minutes.py": "def f():\n    from thidua.scoring.engine import score\n",
            "scoring/engine.py": "from thidua.reports.aggregation import review\n",
        },
    )
    assert [str(e) for e in forbidden_edges(root)] == [
        "thidua/reports/minutes.py imports thidua.scoring.engine: reports may not import scoring"
    ]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # `from thidua.awards import models` imports thidua.awards.models
        (
            {
                "accounts/permissions.py": "from thidua.awards import models\n",
                "awards/models.py": "",
            },
            "thidua/accounts/permissions.py imports thidua.awards.models: "
            "accounts may not import awards",
        ),
        # a relative import reaching another app
        (
            {"orgs/models.py": "from ..indicators import models\n", "indicators/models.py": ""},
            "thidua/orgs/models.py imports thidua.indicators.models: "
            "orgs may not import indicators",
        ),
        # apps of one rank do not import each other
        (
            {"covenants/models.py": "import thidua.indicators.models\n"},
            "thidua/covenants/models.py imports thidua.indicators.models: "
            "covenants may not import indicators",
        ),
        (
            {"orgs/management/commands/load_reference.py": "from thidua.demo import load\n"},
            "thidua/orgs/management/commands/load_reference.py imports thidua.demo: "
            "management commands may not import the door demo",
        ),
        (
            {"awards/services.py": "from thidua.web.views import x\n"},
            "thidua/awards/services.py imports thidua.web.views: "
            "awards may not import the door web",
        ),
        (
            {"notices/inbox.py": "from thidua.indicators.models import Report\n"},
            "thidua/notices/inbox.py imports thidua.indicators.models: "
            "notices may not import indicators",
        ),
        (
            {"scoring/services.py": "from thidua.ops import backup\n", "ops/backup.py": ""},
            "thidua/scoring/services.py imports thidua.ops.backup: scoring may not import ops",
        ),
    ],
)
def test_a_planted_edge_is_found(tmp_path, files, expected):
    assert [str(e) for e in forbidden_edges(_tree(tmp_path, files))] == [expected]


def test_edges_down_and_from_doors_are_allowed(tmp_path):
    root = _tree(
        tmp_path,
        {
            "awards/services.py": "from thidua.ballots import services\nfrom . import models\n",
            "awards/models.py": "from thidua.orgs import models\n",
            "indicators/services.py": "from thidua.notices import inbox\n",
            "reports/aggregation.py": "from thidua.covenants.models import Target\n",
            "ops/backup.py": "from thidua.awards import models\n",
            "web/views.py": "from thidua.demo import load\nfrom thidua.api import app\n",
            "demo.py": "from thidua.web import views\n",
            "scoring/management/commands/score.py": "from thidua.awards.models import X\n",
            "web/management/commands/demo.py": "from thidua.demo import load\n",
        },
    )
    assert forbidden_edges(root) == []
