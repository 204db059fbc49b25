"""API of the hydromet app."""

from ninja import Router

router = Router(tags=["hydromet"])
