"""The user's own API tokens: when each was issued, last used and ends; revoke one."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ...core import tokens


def token_list(request):
    return render(request, "web/tokens.html", {"tokens": tokens.token_list(user=request.user)})


@require_POST
def token_revoke(request, id: int):
    token = tokens.token_get(user=request.user, id=id)
    tokens.revoke(by=request.user, token=token, reason="revoked by owner")
    return redirect("token_list")
