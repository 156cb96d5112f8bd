"""The house keeps its layout: each folder imports only the folders before it, no module imports itself round a
circle, and the named never-imports stay absent. Read from the source (every import statement of every module,
function-local ones too), so a violation fails here before it works anywhere."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bronvast.settings import PROJECT_ROOT

# Each folder may import itself and the folders before it, never one after it.
FLOORS = ["bronvast", "ingest", "eval", "assistant", "benchmarks"]
FACES = {"assistant.cli", "assistant.cli_common", "assistant.cli_eval", "assistant.ui", "assistant.api",
         "assistant.server", "assistant.remote", "assistant.wire", "assistant.app"}
STAGES = {"assistant.answer", "assistant.retrieve", "assistant.grounding", "assistant.conversation"}
FORMAT_READERS = {"ingest.mail", "ingest.odt", "ingest.archive_xml", "ingest.xmlsafe", "ingest.ocr", "ingest.pages"}


def module_name(root: Path, path: Path) -> str:
    return ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the modules of ours it imports (a `from package import name` counts as package.name when that
    is a module, else as the package)."""
    modules = {module_name(root, path): path for floor in FLOORS for path in (root / floor).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        imported: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported |= {f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in modules
                             else node.module for alias in node.names}
        graph[name] = {target for target in imported if target.split(".")[0] in FLOORS and target != name}
    return graph


def violations(graph: dict[str, set[str]]) -> list[str]:
    found = []
    for source, targets in graph.items():
        floor = FLOORS.index(source.split(".")[0])
        for target in sorted(targets):
            if FLOORS.index(target.split(".")[0]) > floor:
                found.append(f"{source} -> {target}: a lower floor imports a higher one")
            if source in STAGES and target in FACES:
                found.append(f"{source} -> {target}: an answering stage imports a face")
            if source == "assistant.remote" and target == "assistant.api":
                found.append(f"{source} -> {target}: the REST client imports the server")
            if source in FORMAT_READERS and target == "ingest.readers":
                found.append(f"{source} -> {target}: a format reader imports the router")
    return found + [f"import circle: {' -> '.join(circle)}" for circle in circles(graph)]


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle per strongly connected group of modules that import each other (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph.get(node, ()):
            if target not in graph:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_project_keeps_its_layout():
    assert violations(import_graph(PROJECT_ROOT)) == []


@pytest.mark.parametrize("source, code, expected", [
    ("bronvast/app.py", "from assistant.answer import Assistant\n", "a lower floor imports a higher one"),
    ("ingest/pipeline.py", "def f():\n    from eval.run import evaluate\n", "a lower floor imports a higher one"),
    ("eval/run.py", "import assistant.grounding\n", "a lower floor imports a higher one"),
    ("assistant/answer.py", "from assistant.ui import build_ui\n", "an answering stage imports a face"),
    ("assistant/remote.py", "from assistant.api import build_api\n", "the REST client imports the server"),
    ("ingest/mail.py", "from ingest.readers import document_from_bytes\n", "a format reader imports the router"),
    ("ingest/readers.py", "from ingest import mail\n", "import circle: ingest.mail -> ingest.readers"),
])
def test_each_never_import_is_caught(tmp_path, source, code, expected):
    """A small tree with one offending import: the check names it."""
    for floor in FLOORS:
        (tmp_path / floor).mkdir()
        (tmp_path / floor / "__init__.py").write_text("")
    for module in ("assistant/ui.py", "assistant/api.py", "assistant/answer.py", "assistant/grounding.py",
                   "eval/run.py", "ingest/readers.py"):
        (tmp_path / module).write_text("")
    (tmp_path / "ingest/mail.py").write_text("from ingest.readers import document_from_bytes\n"
                                             if "circle" in expected else "")
    (tmp_path / source).write_text(code)
    found = violations(import_graph(tmp_path))
    assert any(expected in message for message in found), found
