"""The step form of the hazard page shows only when there is a step to take, with only
the boxes its steps read (issue 15, item 9: after a major hazard was reported the
enterprise saw two empty text areas and no button)."""

import pytest
from django.test import Client

from yingji.hazards import services

pytestmark = pytest.mark.django_db


def _page(person, hazard) -> str:
    client = Client()
    client.force_login(person.user)
    return client.get(f"/hazards/{hazard.pk}/").content.decode()


def test_a_reported_major_hazard_shows_the_enterprise_only_the_plan_form(major, enterprise_user):
    reported = services.hazard_report(by=enterprise_user.user, hazard=major)
    page = _page(enterprise_user, reported)
    assert 'id="hazard-actions"' not in page and 'name="reason"' not in page and 'name="evidence_text"' not in page
    assert 'id="plan-form"' in page and 'value="plan"' in page


def test_the_officer_of_a_reported_major_hazard_gets_the_buttons_and_the_reason_box(major, wenling_officer):
    reported = services.hazard_report(by=wenling_officer.user, hazard=major)
    page = _page(wenling_officer, reported)
    form = page[page.index('id="hazard-actions"'):page.index("</form>", page.index('id="hazard-actions"'))]
    assert 'value="downgrade"' in form and 'name="reason"' in form and 'name="evidence_text"' not in form


def test_a_rectifying_hazard_asks_the_enterprise_for_evidence_not_a_reason(general, enterprise_user):
    started = services.hazard_start(by=enterprise_user.user, hazard=general)
    page = _page(enterprise_user, started)
    form = page[page.index('id="hazard-actions"'):page.index("</form>", page.index('id="hazard-actions"'))]
    assert 'value="submit"' in form and 'name="evidence_text"' in form and 'name="reason"' not in form


def test_a_viewer_sees_no_step_form(general, wenling_viewer):
    page = _page(wenling_viewer, general)
    assert 'id="hazard-actions"' not in page and "<textarea" not in page
