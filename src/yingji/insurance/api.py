"""API of the insurance app."""

from ninja import Router

router = Router(tags=["insurance"])
