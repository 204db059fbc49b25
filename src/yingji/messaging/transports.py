"""Transports: one per channel, all with the same small interface.

`transport.send(message)` hands one message to its gateway and returns a
`SendResult`, or raises `TransportError(reason, permanent=...)`: a temporary error
(a 5xx, a timeout, a refused connection, a rate limit) is retried with backoff, a
permanent one (a 4xx, a bad address, a channel nobody configured) stops the message
and stays visible to the operator.

Every transport reads its configuration from environment variables when it sends,
so an operator configures channels without a code change:

  YINGJI_SMS_URL, YINGJI_VOICE_URL        generic gateways, POST {"message_id", "to", "text"}
  YINGJI_DINGTALK_WEBHOOK (+ _SECRET)     DingTalk group robot (钉钉群机器人), optional signing
  YINGJI_WECOM_WEBHOOK                    WeCom group robot (企业微信群机器人)
  EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS,
  EMAIL_USE_SSL, DEFAULT_FROM_EMAIL       SMTP (Django's settings of the same names
                                          are the fallback for all but EMAIL_HOST)
  YINGJI_MESSAGING_TIMEOUT_SECONDS        timeout of every network call (default 10)
  YINGJI_BROADCAST_URL (+ _FORMAT)        emergency-broadcast platform (应急广播): "json"
                                          (generic) or "gdj082" (national data format)
  YINGJI_CELL_BROADCAST_URL               operator's cell-broadcast gateway: CAP 1.2
  YINGJI_DEVICES_MQTT_URL                 broker of on-site devices (sirens, lights)
  YINGJI_FAKE_GATEWAY=console             demo only: with no URL set for SMS, voice, broadcast,
                                          cell broadcast or devices, print each message on
                                          stdout and accept it

The gateway receives our message id on every try, also when a worker died after
sending and another retries, so it can drop duplicates.
"""

import base64
import hashlib
import hmac
import re
import smtplib
import time
import urllib.parse
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email

from .choices import Channel
from .httpclient import HttpAnswer, Post, TransportError, post_json, timeout_seconds

__all__ = ["HttpAnswer", "Post", "SendResult", "TransportError", "timeout_seconds", "transport_for"]

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
MOBILE = re.compile(r"^\+?\d{5,20}$")


@dataclass(frozen=True)
class SendResult:
    provider_message_id: str = ""
    http_status: int | None = None


def not_configured(zh: str, en: str, variable: str) -> TransportError:
    return TransportError(f"{zh}未配置 / {en} not configured (set {variable})", permanent=True)


# HTTP ----------------------------------------------------------------------
#
# Most channels are one JSON POST (httpclient.py sends them, many at once).

class HttpTransport:
    """A transport whose sending is one JSON POST. `post(message)` says what to send
    (or returns the result at once when nothing needs sending: the console
    gateway); `accepted(message, answer)` reads a 2xx answer, and may still refuse
    it (a robot's errcode). The outbox sends a batch's posts side by side; `send`
    is the same for one message."""

    def send(self, message) -> SendResult:
        post = self.post(message)
        if isinstance(post, SendResult):
            return post
        return self.accepted(message, post_json(post.url, post.payload))

    def post(self, message) -> Post | SendResult:
        raise NotImplementedError

    def accepted(self, message, answer: HttpAnswer) -> SendResult:
        return SendResult(_provider_id(answer), answer.status)


def _provider_id(answer: HttpAnswer) -> str:
    data = answer.json()
    if isinstance(data, dict):
        for key in ("provider_message_id", "id", "msgid", "message_id"):
            if data.get(key) not in (None, ""):
                return str(data[key])[:200]
    return ""


# Generic SMS and voice gateways ---------------------------------------------

@dataclass(frozen=True)
class GatewayTransport(HttpTransport):
    """A generic HTTP gateway (an operator's SMS platform, a voice-call platform)
    behind one URL: POST {"message_id", "to", "text"}; any 2xx means accepted.
    Without a URL, the demo's console gateway may stand in (`console_gateway()`)."""

    url_variable: str
    zh: str
    en: str
    console_label: str

    def post(self, message) -> Post | SendResult:
        url = getattr(settings, self.url_variable) or ""
        if not url and not console_gateway():
            raise not_configured(self.zh, self.en, self.url_variable)
        if not message.to.strip():
            raise TransportError("收件号码为空 / no recipient number", permanent=True)
        if not url:
            return print_to_console(self.console_label, message)
        return Post(url, {"message_id": message.pk, "to": message.to, "text": message.text})


def console_gateway() -> bool:
    """The demo's fake gateway is on. Only an unset URL falls back to it, so a
    configured real gateway always wins and production never prints instead of sending."""
    return (settings.YINGJI_FAKE_GATEWAY or "").strip().lower() == "console"


def print_to_console(label: str, message) -> SendResult:
    """"Send" by printing one line, `[短信] 13800000000: text`: the demo's operator
    reads the message (and its acknowledgement link) in the terminal."""
    text = " ".join(message.text.splitlines())
    print(f"[{label}] {message.to}: {text}", flush=True)
    return SendResult(f"console-{message.pk}")


# Group robots ---------------------------------------------------------------

def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's robot signature: base64(HMAC-SHA256(key=secret,
    msg=f"{timestamp}\\n{secret}")), as its robot documentation specifies (the caller
    URL-encodes it)."""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode("utf-8"), string_to_sign, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def dingtalk_signed_url(webhook: str, secret: str, timestamp_ms: int) -> str:
    sign = urllib.parse.quote_plus(dingtalk_sign(secret, timestamp_ms))
    joiner = "&" if "?" in webhook else "?"
    return f"{webhook}{joiner}timestamp={timestamp_ms}&sign={sign}"


@dataclass(frozen=True)
class RobotTransport(HttpTransport):
    """A DingTalk or WeCom group robot (群机器人) webhook. The recipient `to` is either
    the mobile number of the person to @-mention in the configured group, or the
    webhook URL of another group. Both platforms answer HTTP 200 with a JSON
    `errcode`; only 0 is success."""

    webhook_variable: str
    zh: str
    en: str
    temporary_errcodes: frozenset
    secret_variable: str = ""

    def post(self, message) -> Post:
        url, mention = self._target(message.to.strip())
        return Post(url, self.payload(message, mention))

    def accepted(self, message, answer: HttpAnswer) -> SendResult:
        data = answer.json()
        if not isinstance(data, dict) or "errcode" not in data:
            raise TransportError(f"{self.en} answered without errcode: {answer.body[:200]!r}",
                                 http_status=answer.status)
        if data["errcode"] != 0:
            raise TransportError(
                f"{self.zh}返回错误 / {self.en} error {data['errcode']}: {str(data.get('errmsg', ''))[:200]}",
                permanent=data["errcode"] not in self.temporary_errcodes, http_status=answer.status,
            )
        return SendResult("", answer.status)

    def _target(self, to: str) -> tuple[str, str]:
        if to.startswith(("http://", "https://")):
            return to, ""
        webhook = getattr(settings, self.webhook_variable) or ""
        if not webhook:
            raise not_configured(self.zh, self.en, self.webhook_variable)
        secret = (getattr(settings, self.secret_variable) or "") if self.secret_variable else ""
        if secret:
            webhook = dingtalk_signed_url(webhook, secret, int(time.time() * 1000))
        return webhook, to if MOBILE.match(to) else ""

    def payload(self, message, mention: str) -> dict:
        content = f"{message.subject}\n{message.text}" if message.subject else message.text
        if self.webhook_variable == "YINGJI_DINGTALK_WEBHOOK":
            # DingTalk highlights the mention only when "@<mobile>" is in the text too.
            body = {"msgtype": "text", "text": {"content": f"{content} @{mention}" if mention else content}}
            if mention:
                body["at"] = {"atMobiles": [mention], "isAtAll": False}
            return body
        text = {"content": content}
        if mention:
            text["mentioned_mobile_list"] = [mention]
        return {"msgtype": "text", "text": text}


# E-mail ---------------------------------------------------------------------

class EmailTransport:
    """E-mail through Django's mail API. With Django's SMTP backend (the default) the
    server comes from `EMAIL_HOST`, which must be set; a project that configured
    another backend (console, file) gets that backend."""

    def send(self, message) -> SendResult:
        try:
            validate_email(message.to)
        except ValidationError:
            raise TransportError(f"电子邮箱地址无效 / invalid e-mail address: {message.to[:100]}",
                                 permanent=True) from None
        email = EmailMessage(
            subject=_subject(message),
            body=message.text, from_email=settings.DEFAULT_FROM_EMAIL, to=[message.to],
            headers={"Message-ID": f"<yingji-message-{message.pk}@{_domain()}>"},
            connection=self._connection(),
        )
        return self._deliver(email)

    @staticmethod
    def _connection():
        if settings.EMAIL_BACKEND != SMTP_BACKEND:
            return get_connection(fail_silently=False)
        host = settings.EMAIL_HOST
        if not host:
            raise not_configured("邮件服务器", "e-mail server", "EMAIL_HOST")
        return get_connection(
            SMTP_BACKEND, fail_silently=False, host=host, port=int(settings.EMAIL_PORT),
            username=settings.EMAIL_HOST_USER, password=settings.EMAIL_HOST_PASSWORD,
            use_tls=settings.EMAIL_USE_TLS, use_ssl=settings.EMAIL_USE_SSL, timeout=timeout_seconds(),
        )

    @staticmethod
    def _deliver(email: EmailMessage) -> SendResult:
        try:
            email.send()
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            raise TransportError(f"SMTP {code}: {_text(reply)}", permanent=code >= 500) from exc
        except smtplib.SMTPResponseException as exc:
            raise TransportError(f"SMTP {exc.smtp_code}: {_text(exc.smtp_error)}",
                                 permanent=exc.smtp_code >= 500) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TransportError(f"邮件服务器不可用 / SMTP server unavailable: {type(exc).__name__}: {exc}") from exc
        return SendResult(email.extra_headers["Message-ID"])


def _subject(message) -> str:
    # A message without a subject: its first line, as a mail client would show it.
    first_line = next(iter(message.text.splitlines()), "")
    return message.subject or first_line[:60] or "应急消息"


def _text(reply) -> str:
    return (reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply))[:300]


def _domain() -> str:
    sender = str(settings.DEFAULT_FROM_EMAIL)
    return sender.rsplit("@", 1)[-1].strip("> ") or "yingji.local"


# Generic webhook ------------------------------------------------------------

class WebhookTransport(HttpTransport):
    """POST the whole message as JSON to the recipient URL (an integration's inbox)."""

    def post(self, message) -> Post:
        return Post(message.to.strip(), webhook_payload(message))


def webhook_payload(message) -> dict:
    return {
        "message_id": message.pk, "channel": message.channel, "to": message.to,
        "person_id": message.person_id, "subject": message.subject, "text": message.text,
        "region_code": message.region_code, "context": message.context,
        "created_at": message.created_at.isoformat() if message.created_at else None,
    }


# The last mile: broadcast terminals, cell broadcast, on-site devices ------------
#
# The consumer (response/lastmile) writes each message for its channel: `to` is the
# terminal or device id ("cell" for the cell broadcast), `text` the words to speak
# or show, and `context` what the gateway needs besides:
#   broadcast:       {"terminal_ids": [...], "repeat": n, "priority": 1..4 (1 = red),
#                     "alert": {"identifier", "msg_type": "Alert"|"Update"|"Cancel",
#                               "event_code", "severity": 1..4, "area_codes": [...],
#                               "start", "end", "sender", "headline"}}
#   cell_broadcast:  {"cap": "<CAP 1.2 XML>"}
#   device:          {"topic": "yingji/devices/<id>/cmd", "command": {...}}

BROADCAST_FORMATS = ("json", "gdj082")


@dataclass(frozen=True)
class BroadcastTransport(HttpTransport):
    """The emergency-broadcast platform (应急广播平台) that plays a text, spoken by
    its TTS, on IP broadcast terminals in villages. Two formats, by setting:
    `json`, a generic adapter: {"message_id", "terminal_ids", "tts_text", "repeat",
    "priority"}; `gdj082`, the message fields of the national emergency-broadcast
    data format (GD/J 082-2018: an EBM with its basic information, content and
    resources). Any 2xx means accepted."""

    def post(self, message) -> Post | SendResult:
        url = settings.YINGJI_BROADCAST_URL or ""
        if not url and not console_gateway():
            raise not_configured("应急广播平台", "emergency-broadcast platform", "YINGJI_BROADCAST_URL")
        context = message.context or {}
        terminals = [str(t) for t in context.get("terminal_ids") or [message.to] if str(t).strip()]
        if not terminals:
            raise TransportError("未指定广播终端 / no broadcast terminal", permanent=True)
        if not message.text.strip():
            raise TransportError("播报内容为空 / nothing to speak", permanent=True)
        if not url:
            return print_to_console("应急广播", message)
        fmt = (settings.YINGJI_BROADCAST_FORMAT or "json").strip().lower()
        if fmt not in BROADCAST_FORMATS:
            raise TransportError(f"应急广播格式未知 / unknown YINGJI_BROADCAST_FORMAT {fmt!r}", permanent=True)
        if fmt == "gdj082":
            return Post(url, gdj082_payload(message, terminals))
        return Post(url, {"message_id": message.pk, "terminal_ids": terminals, "tts_text": message.text,
                          "repeat": int(context.get("repeat") or 1), "priority": int(context.get("priority") or 4)})


def gdj082_payload(message, terminals: list[str]) -> dict:
    """The message in the fields of GD/J 082-2018 (应急广播消息格式规范): EBM with
    EBMID, basic information (MsgType 1 = play, 2 = cancel; sender; EventType, a
    national emergency-event code; Severity 1 = 特别重大 … 4 = 一般; start and end
    time), content (language, title, text, area codes) and the terminals as the
    resources to play on."""
    context = message.context or {}
    alert = context.get("alert") or {}
    return {
        "EBM": {
            "EBMVersion": "1",
            "EBMID": f"{alert.get('identifier') or 'yingji'}-{message.pk}",
            "MsgBasicInfo": {
                "MsgType": 2 if alert.get("msg_type") == "Cancel" else 1,
                "SenderName": alert.get("sender", ""),
                "SendTime": alert.get("sent", ""),
                "EventType": alert.get("event_code", ""),
                "Severity": int(alert.get("severity") or context.get("priority") or 4),
                "StartTime": alert.get("start", ""),
                "EndTime": alert.get("end", ""),
            },
            "MsgContent": {
                "LanguageCode": "zho",
                "MsgTitle": alert.get("headline", ""),
                "MsgDesc": message.text,
                "AreaCode": list(alert.get("area_codes") or []),
            },
            "Resources": [{"ResourceCode": t} for t in terminals],
            "RepeatTimes": int(context.get("repeat") or 1),
        },
        "message_id": message.pk,
    }


class CellBroadcastTransport(HttpTransport):
    """The operator's cell-broadcast / area-targeted warning gateway (电子围栏预警):
    POST {"message_id", "format": "CAP-1.2", "cap": <the CAP 1.2 alert, whose
    <area> is the warning's polygon and region codes>}. Any 2xx means accepted."""

    def post(self, message) -> Post | SendResult:
        url = settings.YINGJI_CELL_BROADCAST_URL or ""
        if not url and not console_gateway():
            raise not_configured("小区广播网关", "cell-broadcast gateway", "YINGJI_CELL_BROADCAST_URL")
        cap = (message.context or {}).get("cap") or ""
        if "<area" not in cap:
            raise TransportError("CAP 缺少区域 / CAP without an area", permanent=True)
        if not url:
            return print_to_console("区域预警", message)
        return Post(url, {"message_id": message.pk, "format": "CAP-1.2", "cap": cap})


DEVICE_TOPIC = "yingji/devices/{id}/cmd"


class DeviceTransport:
    """On-site devices (sirens, warning lights, household rain alarms) over MQTT:
    the command, JSON, published with QoS 1 on `yingji/devices/<id>/cmd`; the
    broker's PUBACK means accepted. The device acknowledges on its state topic
    (response/lastmile records it and marks the message delivered)."""

    def send(self, message) -> SendResult:
        url = settings.YINGJI_DEVICES_MQTT_URL or ""
        if not url and not console_gateway():
            raise not_configured("预警设备消息服务器", "device MQTT broker", "YINGJI_DEVICES_MQTT_URL")
        device = message.to.strip()
        if not device or "/" in device or "+" in device or "#" in device:
            raise TransportError(f"设备编号无效 / invalid device id {device[:50]!r}", permanent=True)
        if not url:
            return print_to_console("预警设备", message)
        context = message.context or {}
        topic = context.get("topic") or DEVICE_TOPIC.format(id=device)
        payload = {"message_id": message.pk, "device_id": device, **(context.get("command") or {}),
                   "text": message.text}
        publish_mqtt(url, topic, payload, client_id=f"yingji-send-{message.pk}-{message.attempts}")
        return SendResult(f"mqtt-{message.pk}")


def publish_mqtt(url: str, topic: str, payload: dict, *, client_id: str) -> None:
    """Publish one JSON message with QoS 1 and wait for the broker's PUBACK; a broker
    that is down or slow is a temporary error."""
    import json
    import urllib.parse as up

    import paho.mqtt.client as paho

    parts = up.urlsplit(url)
    tls = parts.scheme in ("mqtts", "ssl")
    client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=True)
    username = settings.MQTT_USERNAME or parts.username
    if username:
        client.username_pw_set(username, settings.MQTT_PASSWORD or parts.password)
    if tls:
        client.tls_set()
    try:
        client.connect(parts.hostname or "127.0.0.1", parts.port or (8883 if tls else 1883),
                       keepalive=30)
    except (OSError, ValueError) as exc:
        raise TransportError(f"设备消息服务器不可用 / MQTT broker unavailable: {type(exc).__name__}: {exc}") from exc
    client.loop_start()
    try:
        info = client.publish(topic, json.dumps(payload, ensure_ascii=False).encode("utf-8"), qos=1)
        try:
            info.wait_for_publish(timeout=timeout_seconds())
        except (RuntimeError, ValueError) as exc:
            raise TransportError(f"发布失败 / MQTT publish failed: {exc}") from exc
        if not info.is_published():
            raise TransportError("消息服务器未确认 / no PUBACK from the MQTT broker in time")
    finally:
        client.disconnect()
        client.loop_stop()


# DingTalk: 130101 = more than 20 messages a minute, -1 = system busy.
# WeCom: 45009 = frequency limit, -1 = system busy.
TRANSPORTS = {
    Channel.SMS: GatewayTransport("YINGJI_SMS_URL", "短信网关", "SMS gateway", "短信"),
    Channel.VOICE: GatewayTransport("YINGJI_VOICE_URL", "语音网关", "voice gateway", "语音"),
    Channel.DINGTALK: RobotTransport("YINGJI_DINGTALK_WEBHOOK", "钉钉机器人", "DingTalk robot",
                                     frozenset({130101, -1}), secret_variable="YINGJI_DINGTALK_SECRET"),
    Channel.WECOM: RobotTransport("YINGJI_WECOM_WEBHOOK", "企业微信机器人", "WeCom robot",
                                  frozenset({45009, -1})),
    Channel.EMAIL: EmailTransport(),
    Channel.WEBHOOK: WebhookTransport(),
    Channel.BROADCAST: BroadcastTransport(),
    Channel.CELL_BROADCAST: CellBroadcastTransport(),
    Channel.DEVICE: DeviceTransport(),
}


def transport_for(channel: str):
    return TRANSPORTS[channel]
