"""The API-token page: every person's own read tokens; for KDK also the integrations and their tokens.

A new token is shown once, on the page answering the POST that created it; only its hash is stored.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from departments.access import get_scoped_or_404, may_create_own_read_token, may_manage_integrations, require
from departments.models import UserProfile

from . import tokens
from .forms import IntegrationForm, IntegrationTokenForm, OwnTokenForm
from .models import ApiToken


def _add_errors(form, exc: ValidationError) -> None:
    for field, messages_ in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


def _context(request, **extra):
    kdk = may_manage_integrations(request.user)
    context = {
        "own_tokens": ApiToken.objects.filter(user=request.user).select_related("created_by"),
        "own_form": OwnTokenForm(),
        "kdk": kdk,
        "new_token": None,
    }
    if kdk:
        context["integrations"] = (
            get_user_model()
            .objects.filter(profile__kind=UserProfile.Kind.SYSTEM)
            .select_related("profile")
            .prefetch_related("memberships__department", "api_tokens")
            .order_by("username")
        )
        context["integration_form"] = IntegrationForm()
        context["token_form"] = IntegrationTokenForm()
    context.update(extra)
    return context


@login_required
def tokens_page(request):
    """GET: the page. POST (action=own|integration_token): create a token and show it once."""
    require(may_create_own_read_token(request.user) or may_manage_integrations(request.user))
    if request.method != "POST":
        return render(request, "api/tokens.html", _context(request))
    action = request.POST.get("action")
    if action == "integration_token":
        require(may_manage_integrations(request.user))
        form = IntegrationTokenForm(request.POST)
        form_key = "token_form"
    else:
        form = OwnTokenForm(request.POST)
        form_key = "own_form"
    if form.is_valid():
        data = form.cleaned_data
        owner = data.get("owner") or request.user
        scope = data.get("scope") or ApiToken.Scope.READ
        try:
            token, raw = tokens.token_create(
                owner=owner, scope=scope, name=data["name"], days=data["days"], by=request.user, request=request
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return render(request, "api/tokens.html", _context(request, new_token=raw, new_token_object=token))
    return render(request, "api/tokens.html", _context(request, **{form_key: form}), status=400)


@login_required
@require_POST
def integration_create(request):
    require(may_manage_integrations(request.user))
    form = IntegrationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            user = tokens.integration_create(
                username=data["username"],
                description=data["description"],
                departments=data["departments"],
                hospital_wide=data["hospital_wide"],
                by=request.user,
                request=request,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request, _("Integrationen %(name)s er oprettet. Giv den nu en nøgle.") % {"name": user.username}
            )
            return redirect("api_pages:tokens")
    return render(request, "api/tokens.html", _context(request, integration_form=form), status=400)


@login_required
@require_POST
def token_revoke(request, pk):
    scope = (
        ApiToken.objects.all() if may_manage_integrations(request.user) else ApiToken.objects.filter(user=request.user)
    )
    token = get_scoped_or_404(scope, pk=pk)
    try:
        tokens.token_revoke(token=token, by=request.user, request=request)
    except PermissionDenied:
        raise
    messages.success(request, _("Nøglen %(prefix)s… er tilbagekaldt.") % {"prefix": token.prefix})
    return redirect("api_pages:tokens")


def api_not_found(request, rest=""):
    """Any other address under /api/v1/: a problem document, as every API answer, not the HTML 404 page."""
    from .problems import Problem, Text
    from .problems import response as problem_response

    return problem_response(
        request, Problem("not-found", detail=Text("Adressen findes ikke i API'et.", "No such API address."))
    )
