"""API of the alerts app."""

from ninja import Router

router = Router(tags=["alerts"])
