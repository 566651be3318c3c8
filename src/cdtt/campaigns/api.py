"""JSON API of the campaigns app (mounted under /api/v1/)."""

from ninja import Router

router = Router(tags=["campaigns"])
