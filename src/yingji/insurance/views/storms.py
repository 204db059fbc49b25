"""Typhoons: the list and one storm's track."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render

from ...core import exports
from ...core.ui import label_in_language
from ...kernels.typhoon import TyphoonGrade, typhoon_grade, wind_force
from .. import selectors
from ..exports import STORMS
from ..mapping import force_legend
from .live import colours, track_json

STORMS_PER_PAGE = 50



def storm_list(request):
    year = request.GET.get("year", "").strip()
    q = request.GET.get("q", "").strip()[:60]
    year_value = int(year) if year.isdigit() and 1800 <= int(year) <= 2200 else None
    qs = selectors.storm_list(scope=selectors.PolicyScope.for_user(request.user), year=year_value, q=q)
    if exports.requested(request):
        return exports.response(request, STORMS, qs)
    page = Paginator(qs, STORMS_PER_PAGE).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in (("year", year_value or ""), ("q", q)) if v)
    return render(request, "insurance/storm_list.html", {"page": page, "year": year_value or "", "q": q,
                                                         "query": query})


def storm_detail(request, id: int):
    storm = selectors.storm_get(scope=selectors.PolicyScope.for_user(request.user), id=id)
    positions = list(selectors.storm_positions(storm=storm))
    rows = [(p, wind_force(p.wind) if p.wind is not None else None,
             label_in_language(TyphoonGrade(typhoon_grade(p.wind)).label) if p.wind is not None else "")
            for p in positions]
    return render(request, "insurance/storm_detail.html", {
        "storm": storm, "rows": rows,
        "map_data": {"circles": [], "tracks": [track_json(storm, positions, live=False)],
                     "projections": [], "colours": colours()},
        "force_legend": force_legend(),
        "tile_url": settings.YINGJI_TILE_URL,
    })
