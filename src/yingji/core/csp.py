"""The Content-Security-Policy of every response: the browser runs only the scripts and
styles of this site's own static files, so a name typed by one officer can never run as
script in another officer's browser, even where a page would put it into HTML by
mistake (templates escape and scripts use textContent; this is the second wall).

No inline script, no inline style, no eval; images also from `data:` (Leaflet's and
Swagger's CSS use a few) and from the map tile server, when one is configured."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .errors import bilingual

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}


def tile_origin(url: str) -> str | None:
    """The origin of a Leaflet tile URL template for img-src, `{s}` subdomains as `*`:
    `https://{s}.tiles.example/{z}/{x}/{y}.png` → `https://*.tiles.example`. None for a
    path on this server (covered by 'self') or no URL."""
    parts = urlsplit(url)
    if not parts.netloc:
        return None
    host = parts.netloc.split("@")[-1]
    if host.startswith("{s}."):
        host = "*." + host[4:]
    if parts.scheme not in ("http", "https") or "{" in host or "}" in host:
        raise ImproperlyConfigured(bilingual(
            f"YINGJI_TILE_URL 的服务器地址无法用于内容安全策略：{url}",
            f"YINGJI_TILE_URL needs an http(s) server (only a leading {{s}} may vary): {url}"))
    return f"{parts.scheme}://{host}"


def content_security_policy(tile_url: str = "") -> str:
    policy = {k: list(v) for k, v in POLICY.items()}
    origin = tile_origin(tile_url)
    if origin:
        policy["img-src"].append(origin)
    return "; ".join(f"{k} {' '.join(v)}" for k, v in policy.items())


class ContentSecurityPolicyMiddleware:
    """Sets the policy on every response that does not set its own. Static files too
    (this sits outside WhiteNoise): an SVG opened directly runs nothing either."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = content_security_policy(settings.YINGJI_TILE_URL)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response
