"""The project's own source read as syntax: which module calls which function, so that tests
over "every document" and "every export" find a new one without being told."""

from __future__ import annotations

import ast
from pathlib import Path


def calls_of(root: Path, package: str = "cdtt") -> dict[str, set[str]]:
    """For each module under ``root`` (tests and migrations left out), the names of the
    functions it calls (``f(…)`` and ``m.f(…)`` both count as ``f``)."""
    found: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if "tests" in parts or "migrations" in parts:
            continue
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                if isinstance(func, ast.Name):
                    names.add(func.id)
                elif isinstance(func, ast.Attribute):
                    names.add(func.attr)
        module = ".".join((package, *parts)).removesuffix(".__init__")
        found[module] = names
    return found
