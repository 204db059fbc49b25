import pytest
from django.core.management import call_command

from yingji.alerts.models import CallUpTarget, Warning

pytestmark = pytest.mark.django_db


def test_demo_warning_calls_the_wenling_chain(chain, capsys):
    call_command("demo_warning")
    warning = Warning.objects.get()
    assert (warning.type, warning.level, warning.region_codes) == ("rainstorm", "red", ["331081"])
    assert CallUpTarget.objects.filter(callup__warning=warning).count() == 4
    assert "4 persons to call" in capsys.readouterr().out
