"""Pages of notices sent down and consultations (phone-first): the list of notices
sent and received with each one's progress, a notice's page with every region's
feedback, the public answer page of the signed link, and the consultations."""

import datetime as dt
from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from ..core.errors import DomainError, NotFound
from ..core.regionpicker import RegionField, bind_scope
from ..core.scope import Scope
from ..core.ui import add_form_errors, refuse_or_attach
from . import selectors_notices as selectors
from . import services
from .models.notices import ConsultationKind, NoticeKind, Urgency, attachment_storage

LIST_ROWS = 50


def _datetime_input():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=NoticeKind.choices)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6}))
    reply_by = forms.DateTimeField(label=_("Reply by"), required=False, widget=_datetime_input())
    targets = RegionField(label=_("Sent to"), multiple=True, required=False,
                          help_text=_("Leave empty to send to every region directly below yours."))
    attachment = forms.FileField(label=_("Attachment"), required=False)
    consultation = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**62)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Feedback"), max_length=services.notices.ANSWER_MAX,
                             widget=forms.Textarea(attrs={"rows": 4}))


class ConsultationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ConsultationKind.choices)
    held_at = forms.DateTimeField(label=_("Held at"), widget=_datetime_input())
    topic = forms.CharField(label=_("Topic"), max_length=200)
    convened_by = forms.CharField(label=_("Convened by"), max_length=100)
    participants = forms.CharField(label=_("Participants"), required=False, max_length=5000,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    units = forms.CharField(label=_("Units"), required=False, max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 2}))
    situation = forms.CharField(label=_("Situation judged"), required=False, max_length=20000,
                                widget=forms.Textarea(attrs={"rows": 4}))
    decisions = forms.CharField(label=_("Decisions"), required=False, max_length=20000,
                                widget=forms.Textarea(attrs={"rows": 4}))
    actions = forms.CharField(label=_("Follow-up actions"), required=False, max_length=10000,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("One per line: action | owner | due date (YYYY-MM-DD)"))

    def clean_actions(self) -> list[dict]:
        rows = []
        for number, line in enumerate(self.cleaned_data["actions"].splitlines(), start=1):
            if not line.strip():
                continue
            text, owner, due = ([p.strip() for p in line.split("|")] + ["", ""])[:3]
            try:
                due_on = dt.date.fromisoformat(due) if due else None
            except ValueError as exc:
                raise ValidationError(_("Line %(n)s: the date must be YYYY-MM-DD") % {"n": number}) from exc
            if not text or len(text) > 300 or len(owner) > 100:
                raise ValidationError(_("Line %(n)s: an action of 1 to 300 characters") % {"n": number})
            rows.append({"text": text, "owner": owner, "due_on": due_on})
        return rows


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Correction or addition"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3}))


def _rows(scope: Scope, qs) -> list[dict]:
    rows = []
    for notice in qs[:LIST_ROWS]:
        targets = selectors.targets_for(scope=scope, notice=notice)
        rows.append({"notice": notice, "progress": selectors.progress(targets),
                     "own": next((t for t in targets if t.region_id == scope.region_code), None)})
    return rows


@require_safe
def notice_list(request):
    scope = Scope.for_user(request.user)
    return render(request, "duty/notice_list.html", {
        "sent": _rows(scope, selectors.notice_list(scope=scope, direction="sent")),
        "received": _rows(scope, selectors.notice_list(scope=scope, direction="received")),
        "can_write": scope.role in ("admin", "officer"),
        "late": list(selectors.late_targets(scope=scope)[:LIST_ROWS]),
    })


def notice_new(request):
    scope = Scope.for_user(request.user)
    scope.require_officer()
    form = bind_scope(NoticeForm(request.POST or None, request.FILES or None,
                                 initial={"consultation": request.GET.get("consultation", "")[:20]}), scope)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = services.notice_create(
                by=request.user, region=scope.region_code, kind=data["kind"], urgency=data["urgency"],
                title=data["title"], body=data["body"], reply_by=data["reply_by"], targets=data["targets"],
                consultation_id=data["consultation"], attachment=data["attachment"])
        except (DomainError, ValidationError) as exc:
            refuse_or_attach(form, exc, aliases={"consultation_id": "consultation"})
        else:
            return redirect("notice_detail", id=notice.pk)
    return render(request, "duty/notice_form.html", {"form": form})


def notice_detail(request, id: int):
    scope = Scope.for_user(request.user)
    notice = selectors.notice_get(scope=scope, id=id)
    targets = selectors.targets_for(scope=scope, notice=notice)
    own = next((t for t in targets if t.region_id == scope.region_code), None)
    form = None
    if own is not None and request.method == "POST":
        scope.require_officer()  # a viewer of the region reads, but does not answer
    if own is not None and scope.role in ("admin", "officer"):
        if own.read_at is None:
            services.feedback_read(target=own, person=getattr(request.user, "person", None))
        form = AnswerForm(request.POST or None, initial={"answer": own.answer})
        if request.method == "POST" and form.is_valid():
            try:
                services.notice_answer(by=request.user, notice=notice, answer=form.cleaned_data["answer"])
            except DomainError as exc:
                refuse_or_attach(form, exc)
            else:
                return redirect("notice_detail", id=notice.pk)
    elif request.method == "POST":
        raise NotFound()
    return render(request, "duty/notice_detail.html", {
        "notice": notice, "targets": targets, "progress": selectors.progress(targets), "own": own, "form": form,
        "sender_side": scope.covers_region(notice.region_id)})


@require_safe
def notice_attachment(request, id: int):
    """The attachment through the caller's scope, always as a download."""
    notice = selectors.notice_get(scope=Scope.for_user(request.user), id=id)
    if not notice.attachment:
        raise NotFound()
    try:
        handle = attachment_storage().open(notice.attachment, "rb")
    except (FileNotFoundError, ValueError) as exc:
        raise NotFound() from exc
    response = FileResponse(handle, as_attachment=True, filename=Path(notice.attachment).name,
                            content_type="application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def notice_answer_link(request, token: str):
    """The link in a notice's SMS: no login, the signed token names the region and the
    person. Opening it marks the notice read; the form records the answer."""
    try:
        target, person = services.target_for_token(token)
    except DomainError:
        return render(request, "duty/notice_link_invalid.html", status=404)
    if target.read_at is None:
        services.feedback_read(target=target, person=person)
    form = AnswerForm(request.POST or None, initial={"answer": target.answer})
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_answer(target=target, answer=form.cleaned_data["answer"], person=person)
        except DomainError as exc:
            add_form_errors(form, exc)
        else:
            return redirect("notice_answer", token=token)
    return render(request, "duty/notice_answer.html", {"target": target, "notice": target.notice,
                                                       "person": person, "form": form})


def consultation_list(request):
    scope = Scope.for_user(request.user)
    can_write = scope.role in ("admin", "officer") and bool(scope.region_code)
    form = ConsultationForm(request.POST or None, initial={"held_at": timezone.localtime().replace(
        second=0, microsecond=0)}) if can_write else None
    if request.method == "POST":
        scope.require_officer()
        if form is not None and form.is_valid():
            try:
                row = services.consultation_create(by=request.user, region=scope.region_code, **form.cleaned_data)
            except (DomainError, ValidationError) as exc:
                refuse_or_attach(form, exc)
            else:
                return redirect("consultation_detail", id=row.pk)
    rows = list(selectors.consultation_list(scope=scope, kind=request.GET.get("kind", "")[:20])[:LIST_ROWS])
    return render(request, "duty/consultation_list.html", {"rows": rows, "form": form,
                                                           "kinds": ConsultationKind.choices})


def consultation_detail(request, id: int):
    scope = Scope.for_user(request.user)
    row = selectors.consultation_get(scope=scope, id=id)
    can_write = scope.role in ("admin", "officer")
    form = NoteForm(request.POST or None) if can_write else None
    if request.method == "POST":
        scope.require_officer()
        done = request.POST.get("done", "")
        if done.isdigit() and len(done) < 19:
            action = selectors.consultation_action_get(scope=scope, id=int(done))
            if action.consultation_id != row.pk:
                raise NotFound()
            services.consultation_action_done(by=request.user, action=action)
            return redirect("consultation_detail", id=row.pk)
        if form is not None and form.is_valid():
            try:
                services.consultation_note_add(by=request.user, consultation=row, text=form.cleaned_data["text"])
            except DomainError as exc:
                refuse_or_attach(form, exc)
            else:
                return redirect("consultation_detail", id=row.pk)
    return render(request, "duty/consultation_detail.html", {"row": row, "form": form, "can_write": can_write})
