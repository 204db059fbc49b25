"""UI helpers every app's pages share: the one place where domain errors become what
a person sees in the browser.

Pages: NotFound → 404 (also for rows outside the caller's scope), Forbidden → 403,
any other DomainError → 400 with the message. Forms: the error's fields land next to
the matching inputs, the message above the form. `private(view)` is a page that also
needs a logged-in user: what every app's urls.py mounts. `navigation` is the template
context every page's header needs.
"""

import functools
import re

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .errors import DomainError, Forbidden, NotFound
from .scope import Scope

# Services name some fields by their column (region_id); forms by the field (region).
_FIELD_ALIASES = {"region_id": "region"}


def domain_message(exc: DomainError) -> str:
    """The message in the reader's language (the other one is for the log)."""
    return exc.zh if (get_language() or "zh").startswith("zh") else exc.en


def in_reader_language(message: str) -> str:
    """The reader's half of a bilingual "中文 / English" message (a field's reason)."""
    zh, sep, en = str(message).partition(" / ")
    if not sep:
        return str(message)
    return zh if (get_language() or "zh").startswith("zh") else en


# "已通知 notified", "球面（半径 6371.0 km） sphere": a Chinese label with its English after it.
_TRAILING_ENGLISH = re.compile(r"^(.*[^\x00-\x7f])\s+([A-Za-z][\x00-\x7f]*)$")


def label_in_language(label) -> str:
    """The reader's half of a choice label written "中文 english" (the insurance and
    kernel labels, which name both for the logs and the admin); other labels as they are."""
    match = _TRAILING_ENGLISH.match(str(label))
    if not match:
        return in_reader_language(label)
    return match.group(1) if (get_language() or "zh").startswith("zh") else match.group(2)


def actor_label(actor, actor_name: str) -> str:
    """Who did something, as a reader knows them: the person's name where the account
    has one, 系统 for the system's own steps (timers, seeds), else the account name."""
    person = getattr(actor, "person", None) if actor is not None else None
    if person is not None and person.name:
        return person.name
    return str(_("系统")) if actor_name in ("", "system") else actor_name


def page(view):
    """Wrap a view so that domain errors become 404/403/400 pages."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(domain_message(exc)) from exc
        except Forbidden as exc:
            raise PermissionDenied(domain_message(exc)) from exc
        except DomainError as exc:
            return render(request, "web/error.html", {"message": domain_message(exc)}, status=exc.status)

    return wrapper


def navigation(request) -> dict:
    """Template context every page needs: who is logged in and which region they serve."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = Scope.for_user(user)
    person = getattr(user, "person", None)
    return {
        "nav_person": person,
        "nav_region": person.region if person else None,
        "nav_can_write": scope.can_write and scope.organization_id is None,
        # Government users (officers, admins, viewers): the management pages' links.
        "nav_government": not scope.is_nobody and scope.organization_id is None,
    }


def private(view):
    """A page for logged-in users only (others go to the login page)."""
    return login_required(page(view))


def add_form_errors(form, exc: DomainError | ValidationError, aliases: dict | None = None) -> None:
    """Attach a service's complaint to the form: per field where the form has that
    field (`aliases` maps the service's names to the form's), otherwise as a message
    for the whole form."""
    aliases = {**_FIELD_ALIASES, **(aliases or {})}
    if isinstance(exc, DomainError):
        form.add_error(None, domain_message(exc))
        problems = {name: [reason] for name, reason in exc.fields.items()}
    elif hasattr(exc, "error_dict"):
        problems = exc.message_dict
    else:
        problems = {None: exc.messages}
    for name, messages in problems.items():
        name = aliases.get(name, name)
        target = name if name in form.fields else None
        for message in messages:
            if target is None and name not in (None, "__all__"):
                message = f"{name}: {message}"
            form.add_error(target, message)


def refuse_or_attach(form, exc: DomainError | ValidationError, aliases: dict | None = None) -> None:
    """A service's refusal on a page's form: one about the whole action (Forbidden naming no
    field) is raised to the plain-words 403 page; one about a field (a region outside the
    jurisdiction, the admin role) or the input stays on the form, next to its field."""
    if isinstance(exc, Forbidden) and not exc.fields:
        raise exc
    add_form_errors(form, exc, aliases=aliases)


def date_input() -> forms.DateInput:
    """A browser date picker: <input type="date"> takes only yyyy-mm-dd, whatever the
    language's date format (zh-hans shows 2026/09/08, which the picker rejects)."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
