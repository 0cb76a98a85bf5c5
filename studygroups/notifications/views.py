from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import services
from .forms import PreferencesForm
from .models import Kind
from .tokens import read_unsubscribe_token

ONE_CLICK = ("List-Unsubscribe", "One-Click")  # RFC 8058: the body a mail client POSTs


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def settings_page(request):
    form = PreferencesForm(request.POST or None, instance=services.preferences_for(request.user))
    if request.method == "POST" and form.is_valid():
        services.preferences_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your e-mail settings are saved."))
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form})


def _csrf_refusal(request):
    """Django's own CSRF check, run by hand: None when the request passes."""
    return CsrfViewMiddleware(lambda request: None).process_view(request, None, (), {})


# No login: the signed token is the permission. Exempt from the CSRF middleware only so
# that the RFC 8058 one-click POST (sent by mail clients without our cookie) works; every
# other POST, e.g. the button on the page, is checked by hand below.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    recipient = read_unsubscribe_token(token)
    user = None
    if recipient is not None and recipient.user_id is not None:
        user = get_user_model().objects.filter(pk=recipient.user_id, is_active=True).first()
        if user is None:
            recipient = None
    if recipient is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    context = {
        "email": user.email if user is not None else recipient.address,
        "kind": recipient.kind,
        "kind_label": Kind(recipient.kind).label,
        "token": token,
    }
    if request.method == "POST":
        one_click = request.POST.get(ONE_CLICK[0]) == ONE_CLICK[1]
        if not one_click and (refusal := _csrf_refusal(request)) is not None:
            return refusal
        kind = recipient.kind
        if not one_click and request.POST.get("scope") == Kind.ALL:
            kind = Kind.ALL
        services.email_unsubscribe(kind=kind, user=user, address=recipient.address)
        context.update(done=True, kind=kind, kind_label=Kind(kind).label)
    return render(request, "notifications/unsubscribe.html", context)
