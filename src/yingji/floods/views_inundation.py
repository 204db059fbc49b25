"""Pages of inundation runs: the list, and one run's map (layers over Leaflet, the
affected places as markers) with its table by arrival time. Thin, through the scope."""

from django.shortcuts import render

from ..core.scope import Scope
from . import inundation

SHOWN = 100


def inundation_list(request):
    runs = inundation.inundation_list(Scope.for_user(request.user))[:SHOWN]
    return render(request, "floods/inundation_list.html", {"runs": runs})


def inundation_detail(request, id: int):
    run = inundation.inundation_get(Scope.for_user(request.user), id)
    done = run.status == inundation.InundationStatus.DONE
    return render(request, "floods/inundation_detail.html", {
        "run": run, "done": done,
        "affected": list(inundation.affected_places(run)) if done else [],
        "totals": inundation.affected_totals(run) if done else None,
        "layers": [{"name": name, "scale": scale, "legend": scale.legend()} for name, scale in inundation.LAYERS.items()],
    })
