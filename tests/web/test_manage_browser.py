"""A county officer on a phone registers a responsible person and gives them a duty,
through the forms, in real Chromium (a phone-sized window, Chinese, the site's CSP)."""

import pytest

from yingji.core.models import AuditRecord, Duty, Person

from ..browser import log_in, page, sync_api  # noqa: F401  (the shared Chromium fixture)
from ..conftest import WENLING_TOWN

PHONE = {"width": 390, "height": 844}


def _level(page, depth: int, label: str):  # noqa: F811
    """The picker's select of `depth` once it offers `label`."""
    select = page.locator(f"select.regionpicker-level[data-depth='{depth}']")
    select.locator("option", has_text=label).first.wait_for(state="attached")
    return select


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_officer_on_a_phone_registers_a_person_with_a_duty(live_server, page, regions, wenling_officer):
    expect = sync_api.expect
    page.set_viewport_size(PHONE)
    log_in(page, live_server, wenling_officer)

    page.click("nav.mainnav a[href='/people/']")
    expect(page).to_have_url(f"{live_server.url}/people/")
    page.click("a[href='/people/new/']")
    page.fill("#id_name", "陈网格")
    page.fill("#id_mobile", "abc")  # first a wrong number: the form says so and keeps the rest
    _level(page, 0, "太平街道").select_option(label="太平街道")  # the region picker, level by level
    page.click("button[type=submit].primary")
    expect(page.locator(".has-error .field-error")).to_have_count(1)
    expect(page.locator("#id_name")).to_have_value("陈网格")
    assert not Person.objects.filter(name="陈网格").exists()

    page.fill("#id_mobile", "13812345678")
    page.click("button[type=submit].primary")
    person = Person.objects.get(name="陈网格")
    expect(page).to_have_url(f"{live_server.url}/people/{person.id}/")

    page.select_option("#id_kind", "grid_worker")  # the duty's region starts as the person's
    page.click("#duties button[type=submit].primary")
    expect(page.locator("#duties tbody tr")).to_have_count(1)
    assert list(Duty.objects.filter(person=person).values_list("kind_id", "region_id")) == [
        ("grid_worker", WENLING_TOWN)]
    assert AuditRecord.objects.filter(object_type="core.duty", action="create", actor_name="t-wenling").exists()
    # Nothing of the page is wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
