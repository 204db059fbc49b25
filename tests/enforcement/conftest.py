"""Cases made through the services; evidence stored under a scratch MEDIA_ROOT."""

import pytest
from django.utils import timezone

from yingji.enforcement import services


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def open_case(officer, enterprise, summary="未取得经营许可证销售片碱", **kw):
    return services.case_open(by=officer.user, source_kind=kw.pop("source_kind", "chemical_work_order"),
                              party_uscc=enterprise.uscc, summary=summary, **kw)


def add_evidence(officer, case, content=b"photo bytes", kind="photo"):
    return services.evidence_add(by=officer.user, case=case, kind=kind, content=content,
                                 captured_at=timezone.now(), place="仓库门口")


def walk_to(officer, case, state):
    """Move a case through its steps up to (not past) `state`."""
    order = [("investigation", "review"), ("legal_review", "notify"), ("prior_notice", "decide"),
             ("decision", "serve"), ("service", "execute"), ("execution", "close")]
    for at, action in order:
        if case.state == state:
            return case
        assert case.state == at
        kw = {"decisions": [LONGYOU]} if action == "decide" else {}
        case = services.case_act(by=officer.user, case=case, action=action, **kw)
    return case


LONGYOU = {"provision": "hazchem-unlicensed-trading", "party": "enterprise", "sales_revenue": "244048.66",
           "mitigations": ["removed_harm"], "mitigation": "reduced"}
