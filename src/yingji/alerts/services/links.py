"""The signed acknowledgement link of each target and the texts of call-up messages."""


from django.conf import settings
from django.core import signing

from ...core.errors import DomainError
from ..choices import (
    TargetKind,
)
from ..models import (
    CallUpTarget,
    Warning,
)

ACK_SALT = "yingji.alerts.ack"


def public_url() -> str:
    return settings.YINGJI_PUBLIC_URL.rstrip("/")


def ack_token(target: CallUpTarget) -> str:
    """The signed value in the acknowledgement link: good only for this target, that
    is, this person in this call-up."""
    return _ack_signer().sign_object([target.pk, target.callup_id, target.person_id], compress=False)


_signers: dict[str, signing.TimestampSigner] = {}


def _ack_signer() -> signing.TimestampSigner:
    """The signer `signing.dumps` would build, built once per secret key: building
    it for each of 150,000 links cost a third of the signing. Same tokens."""
    key = settings.SECRET_KEY
    if key not in _signers:
        _signers.clear()
        _signers[key] = signing.TimestampSigner(key=key, salt=ACK_SALT)
    return _signers[key]


def target_for_token(token: str) -> CallUpTarget:
    try:
        target_id, callup_id, person_id = signing.loads(token, salt=ACK_SALT)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise DomainError("确认链接无效", "Invalid acknowledgement link", code="invalid_token") from exc
    target = CallUpTarget.objects.select_related("callup__warning", "person", "region").filter(
        pk=target_id, callup_id=callup_id, person_id=person_id).first()
    if target is None:
        raise DomainError("确认链接无效", "Invalid acknowledgement link", code="invalid_token")
    return target


def ack_url(target: CallUpTarget, *, base_url: str | None = None) -> str:
    return f"{base_url or public_url()}/ack/{ack_token(target)}"


def _prefix(warning: Warning) -> str:
    # get_FOO_display() builds a dict of every choice on each call (half a
    # millisecond): a batch of 500 messages shares one warning object, and its prefix.
    prefix = getattr(warning, "_message_prefix", None)
    if prefix is None:
        drill = "【演练】" if warning.drill else ""
        prefix = warning._message_prefix = f"{drill}【{warning.get_type_display()}{warning.get_level_display()}预警】"
    return prefix


def message_text(target: CallUpTarget, *, attempt: int = 0, base_url: str | None = None) -> str:
    warning = target.callup.warning
    parts = [_prefix(warning), warning.headline, "。"]
    if target.kind == TargetKind.ESCALATION and target.escalated_from_id:
        low = target.escalated_from
        parts.append(f"您的下级{low.person.name}（{low.region.full_name}）未应答叫应，请立即联系或上门督促。")
    if attempt:
        parts.append(f"（第{attempt + 1}次呼叫）")
    parts.append(f"请回复1或点击链接确认收到：{ack_url(target, base_url=base_url)}")
    return "".join(parts)
