"""API of the floods app."""

from ninja import Router

router = Router(tags=["floods"])
