"""Pages that needed script in the templates still work under the Content-Security-Policy
(the shared fixture fails on any violation): the warning's cancel button asks first
(data-confirm, yingji.js), the API docs draw Swagger UI from this server's copy, and
the Django admin works."""

import pytest

from yingji.alerts import services as alerts
from yingji.alerts.models import Warning

from ..browser import csp_violations, log_in, page, sync_api  # noqa: F401  (the shared Chromium fixture)
from ..conftest import WENLING
from ..factories import UserFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_cancelling_a_warning_asks_first(live_server, page, wenling_officer):  # noqa: F811
    warning = alerts.warning_issue(by=wenling_officer.user, type="rainstorm", level="red", region_codes=[WENLING],
                                   headline="暴雨红色预警")
    log_in(page, live_server, wenling_officer)
    page.goto(f"{live_server.url}/warnings/{warning.pk}/")
    questions = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda d: answer(d, False))
    page.click("text=解除预警")
    page.wait_for_load_state("networkidle")
    assert Warning.objects.get(pk=warning.pk).status != "cancelled"
    page.once("dialog", lambda d: answer(d, True))
    page.click("text=解除预警")
    sync_api.expect(page.locator("dl.fields").first).to_contain_text("已解除")
    assert questions == ["确定解除该预警并停止叫应？"] * 2
    assert Warning.objects.get(pk=warning.pk).status == "cancelled"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_api_docs_work_offline_under_the_policy(live_server, page, wenling_officer):  # noqa: F811
    log_in(page, live_server, wenling_officer)
    page.goto(f"{live_server.url}/api/docs")
    sync_api.expect(page.locator(".swagger-ui .info .title")).to_be_visible()
    sync_api.expect(page.locator(".opblock-tag").first).to_be_visible()  # the operations, from openapi.json
    assert csp_violations(page) == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_admin_works_under_the_policy(live_server, page, regions):  # noqa: F811
    admin = UserFactory(username="t-admin", is_staff=True, is_superuser=True)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", admin.username)
    page.fill("#id_password", "pw")
    page.click("input[type=submit]")
    sync_api.expect(page.locator("#site-name")).to_be_visible()
    page.goto(f"{live_server.url}/admin/core/region/?q=温岭")
    sync_api.expect(page.locator("#result_list")).to_be_visible()
    page.goto(f"{live_server.url}/admin/core/region/331081/change/")
    sync_api.expect(page.locator("#region_form")).to_be_visible()
    assert csp_violations(page) == []
