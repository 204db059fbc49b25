"""API of the hazards app."""

from ninja import Router

router = Router(tags=["hazards"])
