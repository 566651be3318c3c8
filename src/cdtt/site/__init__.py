"""The top floor: what spans every app. Home page and navigation, the audit log page, the demo
builder and the ``demo`` and ``bench`` commands. Nothing below imports it."""
