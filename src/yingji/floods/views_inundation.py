"""Pages of inundation runs: the list, and one run's map (layers over Leaflet, the
affected places as markers) with its table by arrival time. Thin, through the scope."""

from django.shortcuts import render

from ..core.scope import Scope
from . import selectors
from .layers import LAYERS
from .models import InundationStatus

SHOWN = 100


def inundation_list(request):
    runs = selectors.inundation_list(Scope.for_user(request.user))[:SHOWN]
    return render(request, "floods/inundation_list.html", {"runs": runs})


def inundation_detail(request, id: int):
    run = selectors.inundation_get(Scope.for_user(request.user), id)
    done = run.status == InundationStatus.DONE
    return render(request, "floods/inundation_detail.html", {
        "run": run, "done": done,
        "affected": list(selectors.affected_places(run)) if done else [],
        "totals": selectors.affected_totals(run) if done else None,
        "layers": [{"name": name, "scale": scale, "legend": scale.legend()} for name, scale in LAYERS.items()],
    })
