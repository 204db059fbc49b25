"""Pages of the last mile: the registry of terminals and devices with their last
state per county and township, and one warning's last-mile delivery summary with an
officer's "send to villages" form. Thin, through the selectors' scope; the data is
rendered as text by the templates (no script builds markup from data)."""

from django import forms
from django.shortcuts import redirect, render
from django.utils.translation import pgettext_lazy

from ..alerts.choices import WarningStatus
from ..alerts.selectors import warning_list
from ..core.errors import DomainError
from ..core.scope import Scope
from ..core.ui import refuse_or_attach
from . import selectors_lastmile as selectors
from .models.lastmile import DispatchKind, SendState
from .services import lastmile as services

SHOWN = 200
LM = "last mile"  # the msgctxt of the last mile's strings
CHANNEL_LABELS = {"broadcast": pgettext_lazy(LM, "Emergency broadcast"),
                  "device": pgettext_lazy(LM, "On-site devices"),
                  "cell_broadcast": pgettext_lazy(LM, "Cell broadcast to the area")}
DELIVERY_LABELS = {"pending": pgettext_lazy(LM, "Waiting"), "sent": pgettext_lazy(LM, "Sent"),
                   "delivered": pgettext_lazy(LM, "Delivered"), "failed": pgettext_lazy(LM, "Failed")}


class SendForm(forms.Form):
    regions = forms.MultipleChoiceField(label=pgettext_lazy(LM, "Villages and townships"),
                                        widget=forms.CheckboxSelectMultiple)
    channels = forms.MultipleChoiceField(label=pgettext_lazy(LM, "Channels"), widget=forms.CheckboxSelectMultiple,
                                         initial=["broadcast", "device"], choices=list(CHANNEL_LABELS.items()))
    extra_text = forms.CharField(label=pgettext_lazy(LM, "Added words to speak"), required=False, max_length=500,
                                 widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, places: list[tuple[str, str]], **kw):
        super().__init__(*args, **kw)
        self.fields["regions"].choices = places


def lastmile_home(request):
    scope = Scope.for_user(request.user)
    region = (request.GET.get("region") or "").strip()[:15]
    terminals = selectors.terminal_list(scope=scope, region=region)
    devices = selectors.device_list(scope=scope, region=region)
    dispatches = list(selectors.dispatch_list(scope=scope).select_related("warning")[:20])
    for d in dispatches:
        d.channel_labels = [str(CHANNEL_LABELS.get(c, c)) for c in d.channels]
    return render(request, "response/lastmile_home.html", {
        "region": region, "townships": selectors.registry_by_township(scope=scope, region=region),
        "terminals": terminals[:SHOWN], "terminal_count": terminals.count(),
        "devices": devices[:SHOWN], "device_count": devices.count(),
        "dispatches": dispatches,
        "warnings": warning_list(scope=scope, status=None).filter(
            status__in=[WarningStatus.ACTIVE, WarningStatus.UPDATED]).order_by("-effective", "-id")[:20],
    })


def lastmile_warning(request, id: int):
    scope = Scope.for_user(request.user)
    summary = selectors.warning_summary(scope=scope, warning_id=id)
    form = None
    if scope.can_write and scope.role != "enterprise" and summary["warning"]["status"] != WarningStatus.CANCELLED:
        form = SendForm(request.POST or None, places=_places(scope))
        if request.method == "POST" and form.is_valid():
            try:
                services.send_to_villages(by=request.user, warning_id=id, **form.cleaned_data)
            except DomainError as exc:
                refuse_or_attach(form, exc)
            else:
                return redirect("lastmile_warning", id=id)
    kinds, states = dict(DispatchKind.choices), dict(SendState.choices)
    for t in summary["targets"]:
        t.update(kind_label=kinds.get(t["kind"], t["kind"]),
                 channel_label=CHANNEL_LABELS.get(t["channel"], t["channel"]),
                 delivery_label=DELIVERY_LABELS[t["delivery"]],
                 state_label=states.get(t["state"], t["state"]))
    channels = [(c, {**figures, "label": CHANNEL_LABELS.get(c, c)}) for c, figures in summary["channels"].items()]
    return render(request, "response/lastmile_warning.html", {"summary": summary, "form": form, "channels": channels})


def _places(scope: Scope) -> list[tuple[str, str]]:
    """The villages of the caller's area that have a terminal or a device."""
    seen: dict[str, str] = {}
    for rows in (selectors.terminal_list(scope=scope), selectors.device_list(scope=scope)):
        for code, name in rows.values_list("region_id", "region__name")[:2000]:
            seen.setdefault(code, f"{name}（{code}）")
    return sorted(seen.items())
