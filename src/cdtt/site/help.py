"""The user guide in the app: docs/huong-dan-su-dung.md rendered server-side (Python-Markdown),
one page per role. Each role's part of the guide is a second-level heading with an id,
``## Lãnh đạo tỉnh {#leader}``; what comes before the first one is shown on every page. The
screenshots the browser tests take (docs/images/) are served beside it."""

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import markdown
from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _lazy

from cdtt.core.access import public
from cdtt.core.roles import Role

GUIDE = Path(settings.PROJECT_DIR) / "docs" / "huong-dan-su-dung.md"
IMAGES = GUIDE.parent / "images"
_ROLE_HEADING = re.compile(r"^## (?P<title>.+?) \{#(?P<slug>[a-z-]+)\}\s*$", re.MULTILINE)
_PART_LINK = re.compile(r'href="#([a-z-]+)"')
_IMAGE_NAME = re.compile(r"^[a-z0-9-]+\.png$")
# The guide's part for each role of the platform.
ROLE_PART = {
    Role.PROVINCE_ADMIN: "officer",
    Role.DISTRICT_OFFICER: "officer",
    Role.COMMUNE_OFFICER: "officer",
    Role.PROVINCE_LEADER: "leader",
    Role.TEAM_LEADER: "team",
    Role.TEAM_MEMBER: "team",
    Role.TEACHER: "teacher",
    Role.AGENCY_OFFICER: "organization",
}
TITLE = _lazy("Hướng dẫn sử dụng")


@dataclass(frozen=True)
class Part:
    slug: str
    title: str
    html: str


def _html(text: str) -> str:
    body = markdown.markdown(text, extensions=["attr_list", "tables", "sane_lists"])
    # The guide's images live beside it (images/x.png); the app serves them under /help/, and a
    # link to a role's part (#leader) opens that part's page.
    body = body.replace('src="images/', 'src="/help/images/')
    return _PART_LINK.sub(r'href="/help/\1/"', body)


@lru_cache(maxsize=4)
def _parts(mtime: float) -> tuple[str, tuple[Part, ...]]:
    text = GUIDE.read_text(encoding="utf-8")
    heads = list(_ROLE_HEADING.finditer(text))
    intro = text[: heads[0].start()] if heads else text
    parts = []
    for i, head in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        body = text[head.end() : end]
        parts.append(Part(head["slug"], head["title"], _html(body)))
    return _html(intro), tuple(parts)


def guide() -> tuple[str, tuple[Part, ...]]:
    """The guide's introduction (HTML) and its parts, read again when the file changes."""
    if not GUIDE.exists():
        raise Http404("guide")
    return _parts(GUIDE.stat().st_mtime)


@public
def help_index(request):
    intro, parts = guide()
    user = request.user
    mine = ROLE_PART.get(getattr(user, "role", None)) if user.is_authenticated else None
    return render(
        request,
        "site/help.html",
        {"title": TITLE, "intro": mark_safe(intro), "parts": parts, "mine": mine},
    )


@public
def help_part(request, slug: str):
    _intro, parts = guide()
    part = next((p for p in parts if p.slug == slug), None)
    if part is None:
        raise Http404("part")
    return render(
        request,
        "site/help.html",
        {"title": part.title, "part": part, "body": mark_safe(part.html), "parts": parts},
    )


@public
def help_image(request, name: str):
    path = IMAGES / name
    if not _IMAGE_NAME.match(name) or not path.is_file():
        raise Http404("image")
    return FileResponse(path.open("rb"), content_type="image/png")
