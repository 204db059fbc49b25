"""Hazard numbers `YH-<county code>-<year>-<6-digit serial>`, unique and without gaps
per county and year.

The serial is taken from a counter row locked with SELECT ... FOR UPDATE inside the
caller's transaction: a second registration in the same county waits for the first
to commit, and if the first rolls back its number is given again. So two concurrent
registrations never share a number, and a failed one leaves no hole.
"""

from django.db import transaction

from .models import HazardCounter


def next_number(*, county: str, year: int) -> str:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside the transaction that saves the hazard")
    # get_or_create retries the read when a concurrent insert of the same row wins.
    counter, _ = HazardCounter.objects.select_for_update().get_or_create(county=county, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"YH-{county}-{year}-{counter.last:06d}"
