"""Pages of supplies for government users: warehouses, a warehouse's stock and
ledger with its pending adjustments, the movement form, stock (with its Excel/CSV
export), shortfalls against the reserve standards, expiry, and the import. Every read
through the selectors' scope, every write through the services (as the API)."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..core import exports
from ..core.choices import WRITER_ROLES
from ..core.errors import DomainError, Forbidden
from ..core.scope import Scope
from ..core.tabular import CONTENT_TYPES, FileRejected
from ..core.ui import actor_label, add_form_errors, date_input, domain_message, in_reader_language, refuse_or_attach
from . import selectors_supplies as selectors
from . import supplies_import
from .models import AdjustmentState, WarehouseLevel
from .services import supplies as services

PAGE_SIZE = 50

WAREHOUSES = exports.Export("warehouses", "物资仓库", (
    exports.Column("编号", "id", 8), exports.Column("名称", "name", 24), exports.Column("区划", "region.full_name", 30),
    exports.Column("级别", "get_level_display", 8), exports.Column("负责人", "manager.name", 10),
    exports.Column("联系电话", "phone"), exports.Column("地址", "address", 24), exports.Column("纬度", "lat", 10),
    exports.Column("经度", "lon", 10), exports.Column("在用", "active", 6)))
STOCK = exports.Export("stock", "库存", (
    exports.Column("仓库编号", "warehouse_id", 8), exports.Column("仓库", "warehouse.name", 24),
    exports.Column("区划", "warehouse.region.full_name", 30), exports.Column("物资编码", "supply_kind.code", 10),
    exports.Column("物资", "supply_kind.name", 14), exports.Column("单位", "supply_kind.unit", 6),
    exports.Column("批次", "batch", 12), exports.Column("有效期至", "expires_on", 12),
    exports.Column("数量", "quantity", 10)))
MOVEMENTS = exports.Export("stock-movements", "出入库记录", (
    exports.Column("编号", "id", 8), exports.Column("时间", "at", 20), exports.Column("类型", "get_kind_display", 8),
    exports.Column("仓库", "warehouse.name", 24), exports.Column("物资编码", "supply_kind.code", 10),
    exports.Column("物资", "supply_kind.name", 14), exports.Column("批次", "batch", 12),
    exports.Column("变动数量", "delta", 10), exports.Column("变动后结存", "balance_after", 10),
    exports.Column("事由", "reason", 24), exports.Column("关联单号", "reference", 16),
    exports.Column("经办人", "by_name", 12)))


def _scope(request) -> Scope:
    scope = Scope.for_user(request.user)
    if scope.organization_id is not None or scope.is_nobody:
        raise Forbidden("企业用户不能查看应急物资", "Enterprise users cannot read the emergency supplies")
    return scope


def _int(value) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 18 else None


def warehouse_list(request):
    scope = _scope(request)
    region = selectors.region_in_scope(scope, request.GET.get("region", ""))
    level = request.GET.get("level", "")
    level = level if level in WarehouseLevel.values else ""
    q = request.GET.get("q", "").strip()[:50]
    qs = selectors.warehouse_list(scope=scope, region=region, level=level, q=q)
    if exports.requested(request):
        return exports.response(request, WAREHOUSES, qs)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "resources/supplies/warehouse_list.html", {
        "page": page, "region": region, "level": level, "levels": WarehouseLevel.choices, "q": q,
        "can_write": scope.can_write, "pending": selectors.pending_adjustments(scope=scope),
        "shortfalls": len(selectors.shortfalls(scope=scope)),
        "expiring": selectors.expiring(scope=scope).count(), "expiry_days": selectors.expiry_days()})


def warehouse_detail(request, id: int):
    scope = _scope(request)
    warehouse = selectors.warehouse_get(scope=scope, id=id)
    movements = selectors.movement_list(scope=scope, warehouse=warehouse.pk)
    if exports.requested(request):
        return exports.response(request, MOVEMENTS, movements)
    page = Paginator(movements.select_related("by__person"), PAGE_SIZE).get_page(request.GET.get("page"))
    for m in page.object_list:
        m.by_label = actor_label(m.by, m.by_name)
    adjustments = list(selectors.adjustment_list(scope=scope, warehouse=warehouse.pk, state=AdjustmentState.REQUESTED)
                       .select_related("requested_by__person"))
    for a in adjustments:
        a.requested_by_label = actor_label(a.requested_by, a.requested_by_name)
    return render(request, "resources/supplies/warehouse_detail.html", {
        "warehouse": warehouse, "stock": selectors.warehouse_stock(scope=scope, warehouse=warehouse),
        "balances": selectors.balance_list(scope=scope, warehouse=warehouse.pk, nonzero=True),
        "page": page, "can_write": scope.can_write, "adjustments": adjustments})


KIND_CHOICES = [("receipt", gettext_lazy("Receipt")), ("issue", gettext_lazy("Issue")),
                ("transfer", gettext_lazy("Transfer")), ("adjustment", gettext_lazy("Adjustment (needs approval)"))]


class MovementForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind of movement"), choices=KIND_CHOICES)
    warehouse = forms.TypedChoiceField(label=gettext_lazy("Warehouse"), coerce=int)
    supply_kind = forms.ChoiceField(label=gettext_lazy("Supply"))
    quantity = forms.IntegerField(label=gettext_lazy("Quantity"), min_value=-1_000_000_000,
                                  max_value=1_000_000_000,
                                  help_text=gettext_lazy("For an adjustment: negative when fewer were found."))
    to_warehouse = forms.TypedChoiceField(label=gettext_lazy("To warehouse (transfer)"), coerce=int, required=False,
                                          empty_value=None)
    batch = forms.CharField(label=gettext_lazy("Batch"), max_length=40, required=False)
    expires_on = forms.DateField(label=gettext_lazy("Expires on"), required=False, widget=date_input())
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300)
    reference = forms.CharField(label=gettext_lazy("Reference"), max_length=100, required=False)

    def __init__(self, *args, warehouses, kinds, **kw):
        super().__init__(*args, **kw)
        choices = [(w.pk, f"{w.name}（{w.region.name}）") for w in warehouses]
        self.fields["warehouse"].choices = choices
        self.fields["to_warehouse"].choices = [("", "—"), *choices]
        self.fields["supply_kind"].choices = [(k.code, f"{k.code} {k.name}（{k.unit}）") for k in kinds]


def movement_form(request):
    scope = _scope(request)
    scope.require_officer()
    warehouses = list(selectors.warehouse_list(scope=scope, active=True)[:500])
    initial = {"warehouse": _int(request.GET.get("warehouse"))}
    form = MovementForm(request.POST or None, initial=initial, warehouses=warehouses,
                        kinds=selectors.kind_list())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            warehouse = selectors.warehouse_get(scope=scope, id=data["warehouse"])
            kind = selectors.kind_by_code(data["supply_kind"])
            common = {"by": request.user, "warehouse": warehouse, "kind": kind, "reason": data["reason"]}
            if data["kind"] == "adjustment":
                services.adjustment_request(delta=data["quantity"], batch=data["batch"],
                                            expires_on=data["expires_on"], **common)
                messages.success(request, _("The adjustment awaits approval by a second person."))
            elif data["kind"] == "receipt":
                services.receive(quantity=data["quantity"], batch=data["batch"], expires_on=data["expires_on"],
                                 reference=data["reference"], **common)
                messages.success(request, _("Recorded."))
            elif data["kind"] == "issue":
                services.issue(quantity=data["quantity"], reference=data["reference"], batch=data["batch"] or None,
                               **common)
                messages.success(request, _("Recorded."))
            else:
                if data["to_warehouse"] is None:
                    raise DomainError("请指定调入仓库", "A transfer needs the warehouse to move to",
                                      fields={"to_warehouse": "必填 / required"})
                to = selectors.warehouse_get(scope=scope, id=data["to_warehouse"])
                services.transfer(to_warehouse=to, quantity=data["quantity"], reference=data["reference"],
                                  batch=data["batch"] or None, **common)
                messages.success(request, _("Recorded."))
        except DomainError as exc:
            refuse_or_attach(form, exc, aliases={"to_warehouse_id": "to_warehouse", "warehouse_id": "warehouse"})
        else:
            return redirect("warehouse_detail", id=warehouse.pk)
    return render(request, "resources/supplies/movement_form.html", {"form": form, "warehouses": warehouses})


def adjustment_decide(request, id: int):
    """POST decision=approve|reject (and a note): a second person's decision."""
    scope = _scope(request)
    adjustment = selectors.adjustment_get(scope=scope, id=id)
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        note = request.POST.get("note", "")[:300]
        try:
            if decision == "approve":
                services.adjustment_approve(by=request.user, adjustment=adjustment, note=note)
                messages.success(request, _("Approved."))
            elif decision == "reject":
                services.adjustment_reject(by=request.user, adjustment=adjustment, note=note)
                messages.success(request, _("Rejected."))
        except DomainError as exc:
            messages.error(request, domain_message(exc))
    return redirect("warehouse_detail", id=adjustment.warehouse_id)


def stock_list(request):
    scope = _scope(request)
    region = selectors.region_in_scope(scope, request.GET.get("region", ""))
    code = request.GET.get("supply_kind", "").strip()[:20]
    qs = selectors.balance_list(scope=scope, region=region, supply_kind=code, nonzero=True)
    if exports.requested(request):
        return exports.response(request, STOCK, qs)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "resources/supplies/stock_list.html", {
        "page": page, "region": region, "supply_kind": code, "kinds": selectors.kind_list()})


class StandardForm(forms.Form):
    region = forms.CharField(label=gettext_lazy("Region code"), max_length=15)
    supply_kind = forms.ChoiceField(label=gettext_lazy("Supply"))
    quantity = forms.IntegerField(label=gettext_lazy("Standard"), min_value=0, max_value=1_000_000_000)
    note = forms.CharField(label=gettext_lazy("Basis"), max_length=200, required=False)

    def __init__(self, *args, kinds, **kw):
        super().__init__(*args, **kw)
        self.fields["supply_kind"].choices = [(k.code, f"{k.code} {k.name}（{k.unit}）") for k in kinds]


def shortfall_list(request):
    """The standards not met (or all of them); officers set a standard below the list."""
    scope = _scope(request)
    region = selectors.region_in_scope(scope, request.GET.get("region", ""))
    form = StandardForm(request.POST or None, kinds=selectors.kind_list(),
                        initial={"region": region or scope.region_code})
    if request.method == "POST":
        scope.require_officer()
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.standard_set(by=request.user, region=data["region"].strip(),
                                      kind=selectors.kind_by_code(data["supply_kind"]), quantity=data["quantity"],
                                      note=data["note"])
            except DomainError as exc:
                refuse_or_attach(form, exc)
            else:
                messages.success(request, _("Recorded."))
                return redirect(request.get_full_path())
    rows = selectors.standing(scope=scope, region=region)
    show_all = request.GET.get("all") == "1"
    if not show_all:
        rows = [r for r in rows if r["short"]]
    return render(request, "resources/supplies/shortfalls.html", {
        "rows": rows, "region": region, "show_all": show_all, "form": form,
        "can_set": scope.role in WRITER_ROLES})


def expiry_list(request):
    scope = _scope(request)
    region = selectors.region_in_scope(scope, request.GET.get("region", ""))
    days = selectors.check_days(request.GET.get("days", ""))
    return render(request, "resources/supplies/expiry.html", {
        "days": days, "region": region,
        "expiring": selectors.expiring(scope=scope, region=region, days=days)[:500],
        "expired": selectors.expired(scope=scope, region=region)[:500]})


class StockImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Spreadsheet (.xlsx or .csv)"))


def stock_import(request):
    """Receipts / opening stock from Excel or CSV with the row report."""
    scope = _scope(request)
    scope.require_officer()
    fmt = request.GET.get("template", "")
    if fmt:
        if fmt not in CONTENT_TYPES:
            raise DomainError("不支持的格式（可选 xlsx、csv）", "Unsupported format (xlsx or csv)")
        reply = HttpResponse(supplies_import.template(fmt), content_type=CONTENT_TYPES[fmt])
        reply["Content-Disposition"] = f'attachment; filename="stock-import-template.{fmt}"'
        return reply
    form = StockImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = supplies_import.import_stock(by=request.user, content=upload.read(), filename=upload.name or "")
        except FileRejected as exc:
            add_form_errors(form, exc)
        else:
            for error in report.errors:
                error["message"] = in_reader_language(error["message"])
            report.warnings = [in_reader_language(w) for w in report.warnings]
    return render(request, "resources/supplies/import.html", {
        "form": form, "report": report, "warehouses": selectors.warehouse_list(scope=scope, active=True)[:200]})


