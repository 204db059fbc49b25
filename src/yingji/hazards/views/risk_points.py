"""Registering a hazard at a risk point (风险点): the flood-season inspections of the
risk lists find hazards there, which then run the same closed loop as an
enterprise's (services.hazard_register with `risk_point_id`)."""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from ...core.errors import DomainError
from ...core.scope import Scope
from ...core.ui import refuse_or_attach
from ...floods.selectors import risk_point_get
from .. import selectors, services
from ..forms import RiskPointHazardForm


def hazard_new_at_risk_point(request, risk_point_id: int):
    scope = Scope.for_user(request.user)
    point = risk_point_get(scope=scope, id=risk_point_id)  # 404 outside the jurisdiction
    scope.require_officer()
    form = RiskPointHazardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            hazard = services.hazard_register(
                by=request.user, risk_point_id=point.pk, description=data["description"],
                location=data["location"], category=data["category"], level=data["level"],
                found_on=data["found_on"], deadline=data["deadline"])
        except (DomainError, ValidationError) as exc:
            refuse_or_attach(form, exc)
        else:
            return redirect("hazard_detail", id=hazard.pk)
    hazards = selectors.hazard_list(scope=scope, risk_point=point.pk)[:50]
    return render(request, "hazards/risk_point_hazard_form.html", {"point": point, "form": form,
                                                                    "hazards": hazards})
