"""The region input of the management forms, in one place: a plain select of the
regions inside the caller's scope. Every form that asks for a region calls
`region_field`, so the shared region picker can replace it here alone."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import RegionLevel
from .models import Region
from .scope import Scope
from .selectors import region_list


def region_choices(*, scope: Scope, deepest: int | None = None) -> list[Region]:
    """Regions a form may write into: the caller's subtree down to townships, and to
    villages and grids when the caller sits at county level or below (a province's
    thousands of villages would make the list useless)."""
    if deepest is None:
        top = list(region_list(scope=scope))
        deepest = RegionLevel.GRID if top and top[0].level >= RegionLevel.COUNTY else RegionLevel.TOWNSHIP
    return list(scope.filter(Region.objects.filter(level__lte=deepest)).order_by("code"))


def region_field(scope: Scope, *, label=None, required: bool = True, deepest: int | None = None,
                 current: str | None = None) -> forms.ChoiceField:
    """`current`: the region the edited row has now, offered even when it lies below
    the levels listed (a village person edited by a city officer), if in scope."""
    regions = region_choices(scope=scope, deepest=deepest)
    if current and current not in {r.code for r in regions} and scope.covers_region(current):
        regions += list(Region.objects.filter(pk=current))
    choices = [(r.code, f"{r.full_name} ({r.code})") for r in regions]
    if not required:
        choices.insert(0, ("", "—"))
    return forms.ChoiceField(label=label or _("Region"), choices=choices, required=required)
