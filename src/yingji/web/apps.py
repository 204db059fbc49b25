from django.apps import AppConfig


class WebConfig(AppConfig):
    """The server-rendered UI (templates + htmx) for officers in the bureaus."""

    name = "yingji.web"
    label = "web"
    verbose_name = "Web UI"
