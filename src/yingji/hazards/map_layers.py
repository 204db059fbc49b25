"""The hazards app's layer of the one map (command.layers): hazards under listed
supervision (挂牌督办), at their enterprise's position (a hazard at a flood risk point,
which has no enterprise, at the risk point's). Read through `hazard_list`, the scope of
the hazard pages."""

from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..core.scope import Scope
from .choices import OPEN_STATES, HazardLevel, HazardState
from .selectors import hazard_list

COLOURS = {HazardLevel.MAJOR: "#d2332d", HazardLevel.GENERAL: "#f07800"}


def supervised_rows(*, user, bbox):
    scope = Scope.for_user(user)
    qs = (hazard_list(scope=scope).filter(supervised=True)
          .annotate(map_lon=Coalesce(F("enterprise__longitude"), F("risk_point__longitude")),
                    map_lat=Coalesce(F("enterprise__latitude"), F("risk_point__latitude"))))
    if bbox is None:
        return qs.filter(map_lon__isnull=False, map_lat__isnull=False)
    minlon, minlat, maxlon, maxlat = bbox
    return qs.filter(map_lon__gte=minlon, map_lon__lte=maxlon, map_lat__gte=minlat, map_lat__lte=maxlat)


def supervised_features(*, user, bbox):
    today = timezone.localdate()
    levels, states = dict(HazardLevel.choices), dict(HazardState.choices)
    rows = supervised_rows(user=user, bbox=bbox).values(
        "pk", "number", "map_lon", "map_lat", "region_id", "level", "state", "deadline", "enterprise__name",
        "risk_point__name")
    return [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [r["map_lon"], r["map_lat"]]},
             "properties": {"id": r["pk"], "label": f"{r['enterprise__name'] or r['risk_point__name']} {r['number']}",
                            "number": r["number"], "region": r["region_id"], "level": r["level"],
                            "level_name": str(levels.get(r["level"], r["level"])), "state": r["state"],
                            "state_name": str(states.get(r["state"], r["state"])),
                            "deadline": r["deadline"].isoformat(),
                            "overdue": r["state"] in OPEN_STATES and r["deadline"] < today,
                            "colour": COLOURS.get(r["level"], "#f07800")}} for r in rows]


LAYERS = [
    {"name": "supervised_hazards", "title": _("挂牌督办隐患"), "group": "hazards", "geometry": "point",
     "features": supervised_features, "points": supervised_rows, "lon": "map_lon", "lat": "map_lat",
     "legend": [{"colour": COLOURS[level], "label": label} for level, label in HazardLevel.choices]},
]
