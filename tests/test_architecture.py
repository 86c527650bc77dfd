"""The import graph keeps its one-way shape (see docs/architecture.md): views and APIs call
services and selectors; services call the policy and other apps' services; the policy and the
models read models only. Read with the standard library's `ast`, so nothing is imported to check."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "joinedup"
# Modules that face the user or the framework: they may import views, APIs and anything else.
EDGE_PARTS = {"views", "api", "urls", "admin", "management", "templatetags", "migrations"}
EDGE_APPS = {"config", "api", "web", "demo"}  # wiring, the API root, the shell, demo loaders


def _modules() -> dict[str, Path]:
    found = {}
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("joinedup"):
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.startswith("joinedup"))
    return names


MODULES = _modules()
GRAPH = {name: {i for i in _imports(path) if i in MODULES} for name, path in MODULES.items()}


def _app(module: str) -> str:
    return module.split(".")[1] if module.count(".") >= 1 else ""


def _is_edge(module: str) -> bool:
    parts = module.split(".")
    return _app(module) in EDGE_APPS or bool(EDGE_PARTS & set(parts[2:]))


def _is_face(module: str) -> bool:
    """A views or API module (or package) of an app."""
    parts = module.split(".")
    return len(parts) >= 3 and parts[2] in {"views", "api"}


def _is_services(module: str) -> bool:
    parts = module.split(".")
    return len(parts) >= 3 and parts[2] == "services"


def test_the_graph_was_read():
    assert "joinedup.sharing.policy" in MODULES and "joinedup.episodes.services" in GRAPH
    assert GRAPH["joinedup.frontdoor.views"], "the views import something"


def test_no_domain_module_imports_a_view_or_an_api():
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if not _is_edge(module) and not _is_face(module)
        for target in targets
        if _is_face(target) and _app(target) not in EDGE_APPS
    )
    assert wrong == []


def test_no_two_apps_import_each_others_services():
    uses: dict[str, set[str]] = defaultdict(set)
    for module, targets in GRAPH.items():
        for target in targets:
            if _is_services(target) and _app(target) != _app(module):
                uses[_app(module)].add(_app(target))
    both_ways = sorted(
        f"{a} <-> {b}" for a in uses for b in uses[a] if a < b and a in uses.get(b, set())
    )
    assert both_ways == []


# The policy writes one thing itself: the audit event of a refusal, in the refusing transaction.
AUDIT_TRAIL = "joinedup.audit.services"


def test_models_and_the_policy_read_models_only():
    readers = [
        m for m in GRAPH if m.split(".")[-1] == "models" or m.startswith("joinedup.sharing.policy")
    ]
    wrong = sorted(
        f"{module} imports {target}"
        for module in readers
        for target in GRAPH[module]
        if target != AUDIT_TRAIL
        and (_is_services(target) or _is_face(target) or target.split(".")[-1] == "selectors")
    )
    assert wrong == []
