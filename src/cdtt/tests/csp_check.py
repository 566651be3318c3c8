"""What the content security policy needs of a page: the header, and no script it would block
(an inline <script> with code, an on* attribute, a javascript: address)."""

from html.parser import HTMLParser

DATA_TYPES = {"application/json", "application/ld+json"}  # data, never run


class _Scripts(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._inline: str | None = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"<{tag} {name}=javascript:…>")
        if tag == "script" and not values.get("src"):
            kind = (values.get("type") or "").lower()
            self._inline = None if kind in DATA_TYPES else ""

    def handle_data(self, data):
        if self._inline is not None:
            self._inline += data

    def handle_endtag(self, tag):
        if tag == "script" and self._inline is not None:
            if self._inline.strip():
                self.problems.append(f"inline <script>: {self._inline.strip()[:60]}")
            self._inline = None


def inline_scripts(html: str) -> list[str]:
    parser = _Scripts()
    parser.feed(html)
    parser.close()
    return parser.problems


def csp_problems(response) -> list[str]:
    """The page's departures from the policy: a missing header or a script it would block."""
    policy = response.get("Content-Security-Policy", "")
    problems = []
    if (
        "script-src 'self'" not in policy
        or "unsafe-inline" in policy.split("script-src")[1].split(";")[0]
    ):
        problems.append(f"policy: {policy or 'none'}")
    return problems + inline_scripts(response.content.decode())
