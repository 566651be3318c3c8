"""The reports' number filters: the project's one set (cdtt.core.templatetags.vn_numbers)."""

from cdtt.core.templatetags.vn_numbers import register  # noqa: F401
