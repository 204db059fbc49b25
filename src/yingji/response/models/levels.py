"""Response levels (应急响应), the orders each level carries as data, and the tasks the
orders become per region, with their confirmations."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ...core.choices import RegionLevel
from ..choices_levels import COLOUR_NAME, ZH, ChangeAction, ConfirmChannel, Grade, LevelStatus, TaskState


class HazardType(models.Model):
    """A hazard type a response is declared for (台风, 洪水, 暴雨, 地质灾害 …): data that
    administrators extend."""

    code = models.SlugField(_("Code"), max_length=30, primary_key=True)
    name = models.CharField(_("Name"), max_length=50)
    sort = models.PositiveSmallIntegerField(_("Order"), default=0)

    class Meta:
        ordering = ["sort", "code"]
        verbose_name = _("Hazard type")
        verbose_name_plural = _("Hazard types")

    def __str__(self):
        return self.name


class ResponseOrder(models.Model):
    """One standing order (指令) of a response level: who (the holder of a duty at a
    region level) must do what within how many minutes, and the words of the
    confirmation; a checklist order (五停) is confirmed item by item."""

    hazard = models.ForeignKey("response.HazardType", verbose_name=_("Hazard type"), on_delete=models.PROTECT,
                               related_name="orders")
    grade = models.CharField(_("Response level"), max_length=3, choices=Grade.choices)
    code = models.SlugField(_("Code"), max_length=40)
    sort = models.PositiveSmallIntegerField(_("Order"), default=0)
    region_level = models.PositiveSmallIntegerField(_("Region level"), choices=RegionLevel.choices)
    duty_kind = models.ForeignKey("core.DutyKind", verbose_name=_("Duty"), on_delete=models.PROTECT,
                                  related_name="+")
    text = models.CharField(_("What"), max_length=300)
    due_minutes = models.PositiveIntegerField(_("Within (minutes)"),
                                              validators=[MinValueValidator(1), MaxValueValidator(10080)])
    confirm_wording = models.CharField(_("Confirmation wording"), max_length=60)
    checklist = models.JSONField(_("Checklist"), default=list, blank=True)
    active = models.BooleanField(_("Active"), default=True)

    class Meta:
        ordering = ["hazard", "grade", "sort", "pk"]
        constraints = [models.UniqueConstraint(fields=["hazard", "grade", "code"], name="response_order_unique")]
        verbose_name = _("Response order")
        verbose_name_plural = _("Response orders")

    def __str__(self):
        return f"{self.hazard_id} {self.grade}: {self.text}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if not isinstance(self.checklist, list) or not all(isinstance(i, str) and 0 < len(i) <= 40
                                                            for i in self.checklist):
            raise ValidationError({"checklist": _("A list of short texts")})


class ResponseLevel(models.Model):
    """A declared emergency response (启动应急响应): a hazard, a level IV–I over an
    area, in force until ended; every change is a `LevelChange` row."""

    scope_region = "areas__region__code"  # use with distinct(); visibility is `selectors_levels.visible`

    hazard = models.ForeignKey("response.HazardType", verbose_name=_("Hazard type"), on_delete=models.PROTECT)
    grade = models.CharField(_("Response level"), max_length=3, choices=Grade.choices)
    status = models.CharField(_("Status"), max_length=10, choices=LevelStatus.choices,
                              default=LevelStatus.IN_FORCE, db_index=True)
    drill = models.BooleanField(_("Drill"), default=False)
    region_code = models.CharField(_("Common region"), max_length=15, db_index=True)
    warning = models.ForeignKey("alerts.Warning", verbose_name=_("Warning"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    declared_at = models.DateTimeField(_("Declared at"), default=timezone.now)
    ended_at = models.DateTimeField(_("Ended at"), null=True, blank=True)

    class Meta:
        ordering = ["-declared_at", "-pk"]
        verbose_name = _("Response level")
        verbose_name_plural = _("Response levels")

    def __str__(self):
        return f"{self.hazard_id} {self.grade} ({self.region_code})"

    @property
    def grade_zh(self) -> str:
        return ZH.get(self.grade, self.grade)

    @property
    def colour_name(self) -> str:
        """The badge class of the level: blue, yellow, orange, red for IV to I."""
        return COLOUR_NAME.get(self.grade, "blue")


class LevelArea(models.Model):
    """One region of a response's area."""

    level = models.ForeignKey("response.ResponseLevel", on_delete=models.CASCADE, related_name="areas")
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["level", "region"], name="response_levelarea_unique")]
        verbose_name = _("Response area")
        verbose_name_plural = _("Response areas")


class LevelChange(models.Model):
    """One change of a response (declared, raised, lowered, ended): the history, never
    overwritten."""

    level = models.ForeignKey("response.ResponseLevel", on_delete=models.PROTECT, related_name="changes")
    action = models.CharField(_("Action"), max_length=10, choices=ChangeAction.choices)
    from_grade = models.CharField(_("From"), max_length=3, choices=Grade.choices, blank=True)
    to_grade = models.CharField(_("To"), max_length=3, choices=Grade.choices, blank=True)
    note = models.CharField(_("Note"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")
    at = models.DateTimeField(_("Time"), default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("Response change")
        verbose_name_plural = _("Response changes")


class ResponseTask(models.Model):
    """One order for one region (任务): its owner (who holds the order's duty there), its
    deadline and its state; unconfirmed at the deadline it goes to the owner's superior."""

    scope_region = "region__code"

    level = models.ForeignKey("response.ResponseLevel", on_delete=models.PROTECT, related_name="tasks")
    order = models.ForeignKey("response.ResponseOrder", on_delete=models.PROTECT, related_name="tasks")
    change = models.ForeignKey("response.LevelChange", on_delete=models.PROTECT, related_name="tasks")
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey("core.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    due_at = models.DateTimeField(_("Due at"), db_index=True)
    state = models.CharField(_("State"), max_length=10, choices=TaskState.choices, default=TaskState.OPEN)
    checked = models.JSONField(_("Items confirmed"), default=list, blank=True)
    note = models.CharField(_("Note"), max_length=300, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.ForeignKey("core.Person", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["region_id", "order__sort", "pk"]
        indexes = [models.Index(fields=["state", "due_at"], name="response_task_due")]
        constraints = [models.UniqueConstraint(fields=["change", "order", "region"], name="response_task_unique")]
        verbose_name = _("Response task")
        verbose_name_plural = _("Response tasks")


class TaskConfirmation(models.Model):
    """One confirmation of a task (or of some items of its checklist): who, when, how."""

    task = models.ForeignKey("response.ResponseTask", on_delete=models.CASCADE, related_name="confirmations")
    items = models.JSONField(default=list, blank=True)
    note = models.CharField(max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")
    person = models.ForeignKey("core.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    channel = models.CharField(max_length=10, choices=ConfirmChannel.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("Task confirmation")
        verbose_name_plural = _("Task confirmations")
