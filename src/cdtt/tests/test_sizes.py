"""No function of the application past 60 lines, no module past 800.

Sizes are read from the source with ``ast``: a function counts from its ``def`` line to its last
line (body, nested functions and docstring included; decorators not), methods and nested
functions included. Migrations and tests are not measured. A long function is split along its
seams into functions named for what they do; only the hot paths below, measured by the benchmarks,
may stay whole.
"""

import ast
from pathlib import Path

import cdtt

SOURCE = Path(cdtt.__file__).parent
FUNCTION_LINES = 60
MODULE_LINES = 800

# (module path under cdtt/, function name): the only functions allowed past the limit.
ALLOWED = {
    # The population import's checks of a batch: one chain of column expressions over the
    # whole batch, on the path the import budget measures.
    ("registry/population_checks.py", "check"),
    # A province's first population load: the pipeline of checked batches copied straight into
    # the tables while the next one is read, the path the import budget measures.
    ("registry/first_load.py", "load"),
    # The move of a province to the 2025 map: one transaction of set-based statements, being
    # reworked on its own.
    ("geo/remap.py", "remap_run"),
}


def _modules() -> list[Path]:
    return sorted(
        path
        for path in SOURCE.rglob("*.py")
        if "migrations" not in path.parts and "tests" not in path.relative_to(SOURCE).parts
    )


def _functions(path: Path) -> list[tuple[str, int, int]]:
    """(name, first line, number of lines) of every function and method of the module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        (node.name, node.lineno, node.end_lineno - node.lineno + 1)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]


def test_the_modules_are_found():
    modules = _modules()
    assert SOURCE / "registry" / "views.py" in modules
    assert not any("migrations" in p.parts for p in modules)
    assert not any(p.name.startswith("test_") for p in modules)


def test_no_function_past_the_limit():
    long = [
        f"{path.relative_to(SOURCE)}:{line} {name} ({size} lines)"
        for path in _modules()
        for name, line, size in _functions(path)
        if size > FUNCTION_LINES and (path.relative_to(SOURCE).as_posix(), name) not in ALLOWED
    ]
    assert not long, f"functions past {FUNCTION_LINES} lines: " + "; ".join(long)


def test_no_module_past_the_limit():
    long = [
        f"{path.relative_to(SOURCE)} ({lines} lines)"
        for path in _modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MODULE_LINES
    ]
    assert not long, f"modules past {MODULE_LINES} lines: " + "; ".join(long)


def test_every_allowed_function_exists():
    """An entry left behind by a rename or a move would let a new long function through."""
    for module, name in ALLOWED:
        path = SOURCE / module
        assert path.exists(), module
        assert name in {n for n, _line, _size in _functions(path)}, f"{module}: {name}"


def test_the_measure_counts_a_long_function(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(FUNCTION_LINES))
    path = tmp_path / "long.py"
    path.write_text(f"def long():\n{body}\n\n\ndef short():\n    return 1\n")
    sizes = {name: size for name, _line, size in _functions(path)}
    assert sizes == {"long": FUNCTION_LINES + 1, "short": 2}
