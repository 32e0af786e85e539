"""Measure the import graph of src/ungpho: circles, upward imports, imports hidden in functions.

    python scripts/import_graph.py            # the figures
    python scripts/import_graph.py --list     # and every circle and upward import

Layers are read from the layers contract in .importlinter when it exists, else from LAYERS below.
"""

from __future__ import annotations

import ast
import configparser
import sys
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
ROOT = "ungpho"

# Bottom-up; modules not listed take the layer of their nearest listed ancestor.
LAYERS: list[list[str]] = []


def _layers_from_contract() -> list[list[str]]:
    path = SRC.parent / ".importlinter"
    if not path.exists():
        return LAYERS
    parser = configparser.ConfigParser()
    parser.read(path)
    for section in parser.sections():
        if parser[section].get("type") == "layers":
            text = parser[section]["layers"]
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            return [[name.strip() for name in line.replace("|", ":").split(":")]
                    for line in reversed(lines)]
    return LAYERS


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, name: str, modules: set[str]):
    """(imported module, is inside a function) for each import of an ungpho module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    nested = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            nested.update(id(n) for n in ast.walk(node)
                          if isinstance(n, (ast.Import, ast.ImportFrom)))
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                       for alias in node.names]
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target.startswith(ROOT) and target != name and target != ROOT:
                yield target, id(node) in nested


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    sys.setrecursionlimit(10000)

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def layer_of(module: str, layers: list[list[str]]) -> int | None:
    best, best_len = None, -1
    for position, group in enumerate(layers):
        for prefix in group:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best_len:
                best, best_len = position, len(prefix)
    return best


def main() -> None:
    paths = {module_name(p): p for p in (SRC / ROOT).rglob("*.py") if "migrations" not in p.parts}
    modules = set(paths)
    graph: dict[str, set[str]] = defaultdict(set)
    hidden = 0
    for name, path in paths.items():
        for target, in_function in imports_of(path, name, modules):
            graph[name].add(target)
            hidden += in_function
    circles = strongly_connected(graph)
    layers = _layers_from_contract()
    upward = sorted((a, b) for a, targets in graph.items() for b in targets
                    if layers and (la := layer_of(a, layers)) is not None
                    and (lb := layer_of(b, layers)) is not None and lb > la)
    largest = max(paths.values(), key=lambda p: len(p.read_text(encoding="utf-8").splitlines()))
    print(f"modules: {len(paths)}")
    print(f"import circles: {len(circles)} (modules in them: {sum(map(len, circles))})")
    print(f"upward imports: {len(upward)}" + ("" if layers else " (no layers declared)"))
    print(f"imports inside functions: {hidden}")
    print(f"largest file: {largest.relative_to(SRC.parent)} "
          f"({len(largest.read_text(encoding='utf-8').splitlines())} lines)")
    if "--list" in sys.argv:
        for circle in circles:
            print("circle:", " ↔ ".join(circle))
        for a, b in upward:
            print("upward:", a, "→", b)


if __name__ == "__main__":
    main()
