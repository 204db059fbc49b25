"""Small helpers shared by management commands that act for a user on a file."""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def active_user(username: str):
    """The active user with this name, or a CommandError saying there is none."""
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"用户不存在或已停用 / No active user named {username!r}")
    return user


def read_bytes(path: Path) -> bytes:
    """The file's content, or a CommandError naming the file and the reason."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(f"无法读取文件 / Cannot read {path}: {exc.strerror}") from exc


def progress_bar(done: int, total: int, width: int = 40) -> None:
    """A text progress bar on stderr, redrawn every 50 steps and at the end."""
    if done % 50 and done != total:
        return
    filled = width * done // total
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done == total:
        sys.stderr.write("\n")


def positive_float(text: str) -> float:
    """An argparse type: a finite number above zero (a duration, a step), or a refusal
    naming the value and the reason. `float()` alone takes -5, 0, nan and inf."""
    import argparse
    import math

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"不是数字 / not a number: {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"必须是大于 0 的有限数 / must be a finite number above 0: {text!r}")
    return value


def positive_int(text: str) -> int:
    """An argparse type: a whole number above zero (a count of threads, of years)."""
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"不是整数 / not a whole number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"必须大于 0 / must be above 0: {text!r}")
    return value
