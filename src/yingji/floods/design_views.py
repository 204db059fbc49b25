"""The typical-frequency floods page (典型频率洪水): the design storm tables in the
caller's scope and, per watershed and storm duration, the latest inundation run of
each return period with its maximum-depth map. Thin, through the selectors' scope."""

from django.shortcuts import render

from ..core.scope import Scope
from . import storm_selectors
from .models import InundationStatus

TABLES_SHOWN = 50


def design_storms(request):
    scope = Scope.for_user(request.user)
    tables = [{"table": t, "rows": list(zip(t.return_periods, t.depths_mm))}
              for t in storm_selectors.design_table_list(scope=scope)[:TABLES_SHOWN]]
    return render(request, "floods/design_storms.html", {
        "tables": tables, "groups": storm_selectors.typical_floods(scope=scope), "done": InundationStatus.DONE,
    })
