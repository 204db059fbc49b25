"""Named constants of response levels (应急响应) and their tasks."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Grade(models.TextChoices):
    """The response levels, IV the lowest and I the highest (Ⅳ级 … Ⅰ级)."""

    IV = "IV", _("Level IV")
    III = "III", _("Level III")
    II = "II", _("Level II")
    I = "I", _("Level I")  # noqa: E741


# Rank of each grade: a raise goes to a higher rank, a lower to a lower one.
RANK = {Grade.IV: 1, Grade.III: 2, Grade.II: 3, Grade.I: 4}
# The colours of the response levels (blue, yellow, orange, red), on pages and the map.
COLOUR = {Grade.IV: "#1f6fd1", Grade.III: "#e6b800", Grade.II: "#f07800", Grade.I: "#d2332d"}
COLOUR_NAME = {Grade.IV: "blue", Grade.III: "yellow", Grade.II: "orange", Grade.I: "red"}
ZH = {Grade.IV: "Ⅳ级", Grade.III: "Ⅲ级", Grade.II: "Ⅱ级", Grade.I: "Ⅰ级"}


def grades_up_to(grade: str) -> list[str]:
    """The grades whose orders a response at `grade` carries: its own and every lower one."""
    return [g for g in RANK if RANK[g] <= RANK[grade]]


class LevelStatus(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    ENDED = "ended", _("Ended")


class ChangeAction(models.TextChoices):
    DECLARE = "declare", _("Declared")
    RAISE = "raise", _("Raised")
    LOWER = "lower", _("Lowered")
    END = "end", _("Ended")


class TaskState(models.TextChoices):
    OPEN = "open", _("Open")
    CONFIRMED = "confirmed", _("Confirmed")
    ESCALATED = "escalated", _("Escalated")
    CANCELLED = "cancelled", _("Called off")


# Tasks that still wait for their confirmation (an escalated one stays confirmable).
WAITING = (TaskState.OPEN, TaskState.ESCALATED)


class ConfirmChannel(models.TextChoices):
    LOGIN = "login", _("Logged in")
    LINK = "link", _("Signed link")
