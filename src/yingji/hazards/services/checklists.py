"""Checklists (检查表) and their items: reference data shared by every region (the
small-park ten musts and ten must-nots, MEM Order No. 10's criteria...), so only
administrators change them. Each write is validated and audited (save_audited)."""

from django.db import transaction
from django.db.models import ProtectedError

from ...core import audit
from ...core.errors import DomainError
from ...core.scope import Scope
from ...core.services import apply_fields, save_audited
from ..models import ChecklistItem, ChecklistTemplate

CHECKLIST_FIELDS = {"code", "name", "source", "description"}
ITEM_FIELDS = {"code", "group", "text", "clause", "category", "major_if_no", "order"}


def checklist_save(*, by, checklist: ChecklistTemplate | None = None, **data) -> ChecklistTemplate:
    """Create a checklist (checklist None) or change one."""
    Scope.for_user(by).require_admin()
    before = audit.snapshot(checklist) if checklist is not None else None
    checklist = checklist or ChecklistTemplate()
    apply_fields(checklist, data, CHECKLIST_FIELDS)
    clash = ChecklistTemplate.objects.filter(code=checklist.code).exclude(pk=checklist.pk).exists()
    if clash:
        raise DomainError("检查表代码已存在", "A checklist with this code exists", fields={"code": "重复 / duplicate"})
    with transaction.atomic():
        return save_audited(checklist, by=by, action="create" if before is None else "update", before=before)


def checklist_item_save(*, by, checklist: ChecklistTemplate, item: ChecklistItem | None = None,
                        **data) -> ChecklistItem:
    """Add an item to a checklist (item None) or change one of its items."""
    Scope.for_user(by).require_admin()
    if item is not None and item.template_id != checklist.pk:
        raise DomainError("检查项不属于该检查表", "The item is not in this checklist")
    before = audit.snapshot(item) if item is not None else None
    item = item or ChecklistItem(template=checklist)
    apply_fields(item, data, ITEM_FIELDS)
    if ChecklistItem.objects.filter(template=checklist, code=item.code).exclude(pk=item.pk).exists():
        raise DomainError("该检查表中已有此编号", "This checklist already has an item with this code",
                          fields={"code": "重复 / duplicate"})
    with transaction.atomic():
        return save_audited(item, by=by, action="create" if before is None else "update", before=before)


def checklist_item_remove(*, by, item: ChecklistItem) -> None:
    """Remove an item no inspection has answered (answers keep their item: PROTECT)."""
    Scope.for_user(by).require_admin()
    try:
        with transaction.atomic():
            audit.record(actor=by, action="delete", obj=item, region_code="", before=audit.snapshot(item))
            item.delete()
    except ProtectedError:
        raise DomainError("已有检查结果或隐患引用此检查项，不能删除",
                          "Inspections or hazards refer to this item; it cannot be removed") from None
