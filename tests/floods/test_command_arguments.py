"""`yingji flood run` refuses a simulated time or thread count that cannot be meant
(issue 15, item 3): the refusal names the option and the reason, before any file is read."""

import argparse

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from yingji.core.commandline import positive_float, positive_int


@pytest.mark.parametrize("text", ["-5", "0", "nan", "inf", "-inf", "abc", ""])
def test_non_positive_or_non_finite_durations_are_refused(text):
    with pytest.raises(argparse.ArgumentTypeError):
        positive_float(text)


def test_positive_durations_pass_through():
    assert positive_float("3600") == 3600.0 and positive_float("0.5") == 0.5
    assert positive_int("4") == 4


@pytest.mark.parametrize("text", ["0", "-2", "1.5", "x"])
def test_non_positive_thread_counts_are_refused(text):
    with pytest.raises(argparse.ArgumentTypeError):
        positive_int(text)


@pytest.mark.parametrize("value", ["-5", "nan"])
def test_the_flood_command_refuses_a_negative_or_nan_sim_time(tmp_path, value):
    par = tmp_path / "case.par"  # never read: the option is refused first
    with pytest.raises(CommandError, match="--sim-time"):
        call_command("flood", "run", str(par), "--sim-time", value)
