"""JSON API of the teams app (mounted under /api/v1/)."""

from ninja import Router

router = Router(tags=["teams"])
