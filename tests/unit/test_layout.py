"""The house rules, read from the source: the core knows no framework, rooms import
nothing upward, one seam writes the derived stores, and modules stay small."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "pika_mem"
MODULES = sorted(p for p in CORE.rglob("*.py"))


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
    return out


def _calls(path: Path) -> set[str]:
    """'module.function' for every call of an attribute of a name (vectors.add_facts)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and isinstance(node.func.value, ast.Name):
            out.add(f"{node.func.value.id}.{node.func.attr}")
    return out


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_core_imports_neither_flask_nor_celery_nor_the_entry_points(path):
    bad = {i for i in _imports(path) if i.split(".")[0] in {"flask", "celery", "api", "tasks", "kombu"}}
    assert not bad, f"{path.name} imports {sorted(bad)}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_is_over_300_lines(path):
    assert len(path.read_text().splitlines()) <= 300


# Which room may import which: facts is the bottom; admin and the pipeline sit on top.
_ALLOWED = {
    "facts": {"facts"},
    "ledger": {"facts", "ledger"},
    "index": {"facts", "ledger", "index"},
    "read": {"facts", "ledger", "index", "read", "access"},
    "access": {"access", "ledger", "read"},
    "admin": {"facts", "ledger", "index", "read", "access", "admin"},
}


@pytest.mark.parametrize("path", [p for p in MODULES if p.parent != CORE],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_rooms_import_nothing_upward(path):
    room = path.relative_to(CORE).parts[0]
    used = {i.split(".")[1] for i in _imports(path) if i.startswith("pika_mem.") and len(i.split(".")) > 2}
    rooms = used & set(_ALLOWED)
    assert rooms <= _ALLOWED[room], f"{room} imports {sorted(rooms - _ALLOWED[room])}"
    assert "pika_mem.pipeline" not in _imports(path) or room == "admin"


_WRITERS = {"vectors.add_facts", "vectors.delete_facts", "vectors.delete_user",
            "graph.upsert_facts", "graph.delete_fact", "graph.delete_user"}


def test_only_the_sync_seam_writes_the_derived_stores():
    writers = {}
    for path in [*MODULES, *(ROOT / "tasks").glob("*.py"), *(ROOT / "api").glob("*.py")]:
        found = _calls(path) & _WRITERS
        if found:
            writers[str(path.relative_to(ROOT))] = found
    assert set(writers) == {"pika_mem/index/sync.py"}, writers
