"""What every page a browser test opens must satisfy: axe-core finds no WCAG 2.1 A/AA violation,
no text is drawn in its own background colour, no table cell on a phone lacks the label of its
column, and nothing is wider than the screen.

axe-core is installed by npm with the other front-end assets (package.json); it is injected by
the tests only, never served to users.
"""

from __future__ import annotations

import json
from pathlib import Path

AXE_PATH = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_AXE_SOURCE: str | None = None


def axe_source() -> str:
    global _AXE_SOURCE
    if _AXE_SOURCE is None:
        if not AXE_PATH.exists():
            raise RuntimeError("axe-core is missing: run ./scripts/setup (npm ci)")
        _AXE_SOURCE = AXE_PATH.read_text(encoding="utf-8")
    return _AXE_SOURCE


# Runs axe once the page has loaded and hands the violations to the test through a binding
# (window.__cdttAxeReport), so that every page a test opens is audited without the test asking.
AXE_ON_LOAD = """
(() => {
  if (window.top !== window) return;
  const tags = window.__cdttAxeTags || [];
  window.addEventListener("load", () => {
    setTimeout(() => {
      if (!window.axe || !window.__cdttAxeReport) return;
      window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] })
        .then((r) => window.__cdttAxeReport(location.pathname, JSON.stringify(r.violations.map(
          (v) => ({ id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) })
        ))))
        .catch(() => {});
    }, 50);
  });
})();
"""


def audit_every_page(context, found: list[str]) -> None:
    """Audit with axe every page this browser context loads; violations go into ``found``."""
    context.add_init_script(script=axe_source())
    context.add_init_script(script=f"window.__cdttAxeTags = {json.dumps(AXE_TAGS)};")
    context.add_init_script(script=AXE_ON_LOAD)

    def report(source, path, violations):
        for v in json.loads(violations):
            found.append(f"{path}: axe {v['id']} ({v['help']}) at {', '.join(v['nodes'])}")

    context.expose_binding("__cdttAxeReport", report)


def axe_violations(page) -> list[str]:
    """Run axe now on the page as it stands (the page already holds axe, or gets it)."""
    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(content=axe_source())
    violations = page.evaluate(
        """async (tags) => {
          const r = await window.axe.run(document, {
            runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
          return r.violations.map((v) => ({ id: v.id, help: v.help,
            nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
        }""",
        AXE_TAGS,
    )
    return [f"axe {v['id']} ({v['help']}) at {', '.join(v['nodes'])}" for v in violations]


# Text whose colour is (nearly) that of the background behind it: a ratio below 1.5 cannot be
# read by anyone (axe checks the 4.5:1 of AA; this names what is plainly invisible).
INVISIBLE_TEXT = """
() => {
  const rgba = (s) => { const m = s.match(/[\\d.]+/g) || [0, 0, 0, 0]; return m.map(Number).concat([1]).slice(0, 4); };
  const lum = ([r, g, b]) => { const c = [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }); return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]; };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.backgroundImage && s.backgroundImage !== "none") return null;
      const c = rgba(s.backgroundColor);
      if (c[3] > 0.5) return c;
    }
    return [255, 255, 255, 1];
  };
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const node = walker.currentNode; const el = node.parentElement;
    if (!el || seen.has(el) || !node.textContent.trim()) continue;
    seen.add(el);
    if (el.closest("script,style,noscript,template,[hidden],[aria-hidden=true],.leaflet-container")) continue;
    if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
    const rect = el.getBoundingClientRect();
    if (rect.width < 2 || rect.height < 2) continue;
    const s = getComputedStyle(el);
    const bg = background(el);
    if (!bg) continue;
    const a = lum(rgba(s.color)), b = lum(bg);
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 1.5) out.push(`"${node.textContent.trim().slice(0, 40)}" (${s.color} on rgb(${bg.slice(0, 3).join(", ")}))`);
  }
  return out;
}
"""

# On a phone, a table whose header row is not shown must label each cell from its column.
UNLABELLED_CELLS = """
() => {
  const out = [];
  for (const table of document.querySelectorAll("table")) {
    if (!table.checkVisibility()) continue;
    const head = table.tHead;
    if (head && head.checkVisibility() && head.getBoundingClientRect().height > 0) continue;
    for (const td of table.querySelectorAll("tbody td")) {
      if (!td.checkVisibility()) continue;
      const text = td.innerText.trim();
      const control = td.querySelector("input:not([type=hidden]),select,textarea");
      if (!text && !control) continue;
      const label = td.getAttribute("data-label");
      if (label) continue;
      const onlyActions = label === "" && !control && td.querySelector("a,button");
      if (onlyActions) continue;
      out.push(`${table.id ? "#" + table.id : "table"}: "${text.slice(0, 30)}"`);
    }
  }
  return out.slice(0, 5);
}
"""

OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"

# Every colour a map paints is explained by its legend.
MAP_COLOURS = """
() => {
  const map = document.getElementById("map");
  if (!map) return [];
  const legend = new Set(Array.from(document.querySelectorAll("#map-legend [data-colour]"))
    .map((li) => li.dataset.colour.toLowerCase()));
  const fills = new Set(Array.from(map.querySelectorAll("path.leaflet-interactive"))
    .map((p) => (p.getAttribute("fill") || "").toLowerCase()));
  return [...fills].filter((f) => !legend.has(f));
}
"""

CHARTS_DRAWN = (
    "Array.from(document.querySelectorAll('canvas[data-src]')).every((c) => c.dataset.drawn)"
)

# A chart must keep a plot one can read: not a strip a few pixels tall.
SHORT_CHARTS = """
() => Array.from(document.querySelectorAll("canvas"))
  .filter((c) => c.checkVisibility() && c.getBoundingClientRect().height < 200)
  .map((c) => `#${c.id} ${Math.round(c.getBoundingClientRect().height)} px`)
"""


# On the public pages, the links of a list are tapped by a thumb: 44 px at least.
SMALL_TARGETS = """
() => Array.from(document.querySelectorAll("main li > a"))
  .filter((a) => a.checkVisibility() && a.getBoundingClientRect().height < 44)
  .map((a) => `"${a.innerText.trim().slice(0, 30)}" ${Math.round(a.getBoundingClientRect().height)} px`)
  .slice(0, 5)
"""


def page_problems(page, *, phone: bool, public: bool = False) -> list[str]:
    """What is wrong with the page as it stands, besides axe's findings."""
    problems = [f"invisible text {t}" for t in page.evaluate(INVISIBLE_TEXT)]
    if page.locator("#map").count():
        page.wait_for_selector("#map[data-loaded]", timeout=10000)
        problems += [f"map colour {c} not in its legend" for c in page.evaluate(MAP_COLOURS)]
    if phone:
        over = page.evaluate(OVERFLOW)
        if over > 1:
            problems.append(f"{over} px wider than the screen")
        problems += [f"cell without a label {c}" for c in page.evaluate(UNLABELLED_CELLS)]
        if page.locator("canvas[data-src]").count():  # a chart drawn from data fetched after
            wait_until(page, CHARTS_DRAWN, timeout=15)  # the page: measured once it is drawn
        problems += [f"chart too short: {c}" for c in page.evaluate(SHORT_CHARTS)]
    if phone and public:
        problems += [f"touch target too small: {t}" for t in page.evaluate(SMALL_TARGETS)]
    return problems


def wait_until(page, expression: str, timeout: float = 30.0) -> None:
    """Wait until ``expression`` is true in the page. Playwright's ``wait_for_function`` compiles
    its predicate inside the page, which the content security policy (no eval) forbids; this
    asks the page from outside, as the tests' other evaluations do."""
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(f"() => Boolean({expression})"):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout:.0f} s: {expression}")
        page.wait_for_timeout(100)
