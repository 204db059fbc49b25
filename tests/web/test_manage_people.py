"""People and duties pages (人员与职责): scoped lists, create and edit through the
same services as the API (field errors shown, nothing saved on bad input, every
change audited), duties added and removed, and 403 for roles that may not."""

import pytest
from django.test import Client

from yingji.core.models import AuditRecord, Duty, Person

from ..conftest import LINHAI, LINHAI_TOWN, WENLING_TOWN
from ..factories import PersonFactory

pytestmark = pytest.mark.django_db


def _client(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


@pytest.fixture
def wenling(wenling_officer):
    return _client(wenling_officer)


@pytest.fixture
def linhai_person(regions):
    return PersonFactory(name="临海的人", region_id=LINHAI_TOWN, user=None, mobile="13900000001")


@pytest.fixture
def wenling_person(regions):
    return PersonFactory(name="温岭的人", region_id=WENLING_TOWN, user=None, mobile="13900000002")


def test_list_shows_wenling_people_and_not_linhai_ones(wenling, linhai_person, wenling_person):
    html = wenling.get("/people/").content.decode()
    assert "温岭的人" in html and "临海的人" not in html
    # Not by asking for Linhai either.
    assert "临海的人" not in wenling.get("/people/", {"region": LINHAI, "q": "临海"}).content.decode()


def test_linhai_person_pages_are_404_for_a_wenling_officer(wenling, linhai_person):
    for path in (f"/people/{linhai_person.id}/", f"/people/{linhai_person.id}/edit/"):
        assert wenling.get(path).status_code == 404
    assert wenling.post(f"/people/{linhai_person.id}/edit/", {"name": "改名"}).status_code == 404
    linhai_person.refresh_from_db()
    assert linhai_person.name == "临海的人"


def _new_person(**overrides):
    data = {"name": "王五", "mobile": "13700000001", "region": WENLING_TOWN, "organization": "",
            "title": "村主任", "role": "viewer", "superior_mobile": "", "username": "", "password": ""}
    return {**data, **overrides}


def test_create_person_saves_and_audits(wenling, wenling_officer):
    response = wenling.post("/people/new/", _new_person())
    person = Person.objects.get(name="王五")
    assert response.status_code == 302 and response["Location"] == f"/people/{person.id}/"
    assert (person.mobile, person.region_id, person.title) == ("13700000001", WENLING_TOWN, "村主任")
    record = AuditRecord.objects.get(object_type="core.person", object_id=str(person.id))
    assert record.action == "create" and record.actor_name == "t-wenling"


@pytest.mark.parametrize("field, value", [("mobile", "abc"), ("name", ""), ("region", LINHAI_TOWN),
                                          ("superior_mobile", "13000000000")])
def test_create_person_with_bad_input_shows_the_field_error_and_saves_nothing(wenling, field, value):
    before = (Person.objects.count(), AuditRecord.objects.count())
    response = wenling.post("/people/new/", _new_person(**{field: value}))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert (Person.objects.count(), AuditRecord.objects.count()) == before


def test_officer_cannot_make_an_administrator_through_the_form(wenling):
    response = wenling.post("/people/new/", _new_person(role="admin"))
    assert response.status_code == 200 and "role" in response.context["form"].errors
    assert not Person.objects.filter(name="王五").exists()


def test_superior_is_found_by_mobile_in_scope(wenling, wenling_person, linhai_person):
    wenling.post("/people/new/", _new_person(superior_mobile=wenling_person.mobile))
    assert Person.objects.get(name="王五").superior == wenling_person
    # A Linhai superior's mobile is not found for a Wenling officer.
    response = wenling.post("/people/new/", _new_person(name="赵六", mobile="13700000009",
                                                        superior_mobile=linhai_person.mobile))
    assert "superior_mobile" in response.context["form"].errors


def test_edit_person_is_audited_with_before_and_after(wenling, wenling_person):
    data = _new_person(name="温岭的人", mobile="13900000002", title="网格长", active="on")
    response = wenling.post(f"/people/{wenling_person.id}/edit/", data)
    assert response.status_code == 302
    wenling_person.refresh_from_db()
    assert wenling_person.title == "网格长"
    record = AuditRecord.objects.filter(object_type="core.person", object_id=str(wenling_person.id)).last()
    assert record.action == "update" and record.before["title"] == "" and record.after["title"] == "网格长"


def test_edit_with_bad_mobile_changes_nothing(wenling, wenling_person):
    count = AuditRecord.objects.count()
    response = wenling.post(f"/people/{wenling_person.id}/edit/", _new_person(name="温岭的人", mobile="12ab"))
    assert response.status_code == 200 and "mobile" in response.context["form"].errors
    wenling_person.refresh_from_db()
    assert wenling_person.mobile == "13900000002" and AuditRecord.objects.count() == count


def test_duty_is_added_and_removed_audited(wenling, wenling_person):
    response = wenling.post(f"/people/{wenling_person.id}/", {"kind": "grid_worker", "region": WENLING_TOWN})
    assert response.status_code == 302
    duty = Duty.objects.get(person=wenling_person)
    assert (duty.kind_id, duty.region_id) == ("grid_worker", WENLING_TOWN)
    assert AuditRecord.objects.filter(object_type="core.duty", action="create").count() == 1
    assert wenling.post(f"/duties/{duty.id}/remove/").status_code == 302
    assert not Duty.objects.filter(pk=duty.pk).exists()
    assert AuditRecord.objects.filter(object_type="core.duty", action="delete").count() == 1


def test_duty_in_another_county_is_refused_next_to_the_field(wenling, wenling_person):
    response = wenling.post(f"/people/{wenling_person.id}/", {"kind": "grid_worker", "region": LINHAI_TOWN})
    assert response.status_code == 200 and "region" in response.context["form"].errors
    assert not Duty.objects.exists()


def test_viewer_reads_but_gets_a_plain_403_on_the_forms(wenling_viewer, wenling_person):
    viewer = _client(wenling_viewer)
    assert viewer.get("/people/").status_code == 200
    assert viewer.get(f"/people/{wenling_person.id}/").status_code == 200
    for path in ("/people/new/", f"/people/{wenling_person.id}/edit/", "/people/import/"):
        response = viewer.get(path)
        assert response.status_code == 403
        assert "只有监管部门工作人员可以执行此操作" in response.content.decode()
    assert viewer.post(f"/people/{wenling_person.id}/", {"kind": "grid_worker", "region": WENLING_TOWN}
                       ).status_code == 403
    assert not Duty.objects.exists()


def test_enterprise_user_gets_403_and_no_link(enterprise_user):
    client = _client(enterprise_user)
    assert client.get("/people/").status_code == 403
    assert client.get("/organizations/").status_code == 403
    assert client.get("/audit/").status_code == 403
    home = client.get("/").content.decode()
    assert 'href="/people/"' not in home and 'href="/audit/"' not in home


def test_officer_sees_the_management_links(wenling):
    home = wenling.get("/").content.decode()
    for href in ('href="/people/"', 'href="/organizations/"', 'href="/audit/"'):
        assert href in home


def test_the_region_is_picked_by_code_or_name_inside_the_officers_scope(wenling):
    """The region picker resolves a name as well as a code, and nothing outside Wenling."""
    wenling.post("/people/new/", _new_person(region="太平街道"))
    assert Person.objects.get(name="王五").region_id == WENLING_TOWN
    response = wenling.post("/people/new/", _new_person(name="赵六", mobile="13700000009", region="临海市"))
    assert "region" in response.context["form"].errors
    assert not Person.objects.filter(name="赵六").exists()


def test_a_city_officer_edits_a_village_person_keeping_the_village(taizhou_officer):
    """A city officer's select lists regions down to townships; the person's own village
    is offered too, so an edit that leaves it does not fail."""
    from yingji.core.services import region_create

    region_create(by=taizhou_officer.user, code="331081001001", name="某村", parent_code=WENLING_TOWN)
    person = PersonFactory(name="村干部", region_id="331081001001", user=None, mobile="13900000003")
    response = _client(taizhou_officer).post(f"/people/{person.id}/edit/", _new_person(
        name="村干部", mobile="13900000003", region="331081001001", title="村支书", active="on"))
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.region_id, person.title) == ("331081001001", "村支书")


def test_a_superior_above_the_officers_region_is_kept_on_edit(wenling, taizhou_officer, wenling_person):
    wenling_person.superior = taizhou_officer
    wenling_person.save()
    response = wenling.post(f"/people/{wenling_person.id}/edit/", _new_person(
        name="温岭的人", mobile="13900000002", superior_mobile=taizhou_officer.mobile, title="站长", active="on"))
    assert response.status_code == 302
    wenling_person.refresh_from_db()
    assert (wenling_person.superior, wenling_person.title) == (taizhou_officer, "站长")
