"""Regenerate the results table of bench/README.md from bench/results/*.json.

The table shows, for each scale, the newest run that is full (not ``--quick``) and imported
afresh (not ``--reuse-db``), else the best there is; a run of some steps only (``--only``) has a
section of its own: the newest such run of the same steps, with ``--reuse-db`` or not. Everything
between the markers is rewritten.
"""

import json
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
README = BENCH_DIR / "README.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"


def _rank(run: dict) -> tuple:
    """A full run beats a quick one, a fresh import beats a --reuse-db run, then the newest. A
    run of some steps (--only) measures what comes after the import: the newest of them."""
    fresh = bool(run.get("only")) or not run.get("reused")
    return (not run.get("quick"), fresh, run.get("started_at", ""))


def _latest() -> list[dict]:
    runs: dict[str, dict] = {}
    for path in sorted((BENCH_DIR / "results").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if "scale" not in data or "measures" not in data:
            continue  # a standalone measure's file (python -m bench.schools), not a bench run
        data["_file"] = f"results/{path.name}"
        # A run of some steps only (--only) has a section of its own beside the full runs.
        key = (data["scale"], tuple(data.get("only") or ()))
        have = runs.get(key)
        if have is None or _rank(data) >= _rank(have):
            runs[key] = data
    order = {"province": 0, "small": 1}
    return sorted(
        runs.values(), key=lambda d: (order.get(d["scale"], 9), tuple(d.get("only") or ()))
    )


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(run: dict) -> str:
    pop = run.get("population", {})
    server = run.get("server")
    gunicorn = ""
    if server:  # a run of steps that need no app server (--only remap) starts none
        threads = f" × {server['threads']} threads" if server.get("threads", 1) > 1 else ""
        gunicorn = (
            f"; gunicorn {server.get('gunicorn_workers', 2)} {server.get('worker_class', '')} "
            f"workers{threads}"
        )
    machine = run.get("machine", {})
    lines = [
        f"### Scale `{run['scale']}`{' (quick)' if run.get('quick') else ''}"
        f"{' — only ' + ', '.join(run['only']) if run.get('only') else ''} — "
        f"{run['date']} ([{run['_file']}]({run['_file']}))",
        "",
        f"{pop.get('residents', 0):,} residents, {pop.get('households', 0):,} households, "
        f"{pop.get('villages', 0):,} villages, {pop.get('communes', 0)} communes; "
        f"PostgreSQL {run.get('postgres', '?')}, {machine.get('cpus', '?')} CPUs, "
        f"Python {machine.get('python', '?')}{gunicorn}"
        f"{', PostgreSQL over ' + run['app_database_connection'] if gunicorn and run.get('app_database_connection') else ''}; "
        f"whole run {run.get('total_s', '?')} s.",
        "",
        "| what | measured | reference (same run) | budget | result |",
        "|---|---|---|---|---|",
    ]
    for m in run["measures"]:
        if m["measured"] is None:
            measured, verdict = "not measured", _cell(m.get("note") or "")
        else:
            measured = f"{m['measured']} {m['unit']}".strip()
            verdict = {True: "pass", False: "**FAIL**", None: "—"}[m["passed"]]
            if m.get("note"):
                verdict += f" ({_cell(m['note'])})"
        lines.append(
            f"| {_cell(m['what'])} | {_cell(measured)} | {_cell(m.get('reference', ''))} "
            f"| {_cell(m.get('budget', ''))} | {verdict} |"
        )
    return "\n".join(lines)


def readme_update() -> None:
    runs = _latest()
    body = "\n\n".join(table(r) for r in runs) if runs else "No results yet."
    text = README.read_text(encoding="utf-8") if README.exists() else f"{START}\n{END}\n"
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    README.write_text(f"{head}{START}\n{body}\n{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    readme_update()
