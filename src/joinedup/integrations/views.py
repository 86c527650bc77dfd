"""Administrators register API clients; data leads subscribe their organisation's webhooks."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from joinedup.integrations import clients, sso, webhooks
from joinedup.integrations.forms import ApiClientForm, SingleSignOnForm, SubscriptionForm
from joinedup.web.forms import call_service
from joinedup.web.http import AuthedRequest
from joinedup.web.views import not_found_as_404


@login_required
@not_found_as_404
def api_clients(request: AuthedRequest) -> HttpResponse:
    clients.require_administrator(request.user, "integrations.apiclient", "list")
    form = ApiClientForm(request.POST if request.method == "POST" else None)
    created = None
    if request.method == "POST" and form.is_valid():
        made = call_service(
            form,
            clients.api_client_register,
            actor=request.user,
            organisation=form.cleaned_data["organisation"],
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
        )
        if made is not None:
            client, secret = made
            created = {"client": client, "secret": secret}
            form = ApiClientForm()
    return render(
        request,
        "integrations/api_clients.html",
        {"form": form, "clients": clients.clients_for(user=request.user), "created": created},
    )


@login_required
@not_found_as_404
def api_client_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        # Security: asked first (a refusal is audited as for any page), then back to the list.
        clients.require_administrator(request.user, "integrations.apiclient", pk)
        return redirect("integrations:api-clients")
    clients.api_client_revoke(actor=request.user, client_id=pk)
    return redirect("integrations:api-clients")


@login_required
@not_found_as_404
def subscriptions(request: AuthedRequest) -> HttpResponse:
    if not webhooks.may_manage(request.user):
        raise Http404
    form = SubscriptionForm(request.POST if request.method == "POST" else None)
    created = None
    if request.method == "POST" and form.is_valid():
        made = call_service(
            form,
            webhooks.subscription_create,
            actor=request.user,
            url=form.cleaned_data["url"],
            events=form.cleaned_data["events"],
        )
        if made is not None:
            subscription, secret = made
            created = {"subscription": subscription, "secret": secret}
            form = SubscriptionForm()
    return render(
        request,
        "integrations/webhooks.html",
        {
            "form": form,
            "subscriptions": webhooks.subscriptions_for(user=request.user),
            "created": created,
        },
    )


@login_required
@not_found_as_404
def subscription_resume(request: AuthedRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        # Security: the subscription is fetched through the policy first (refusals audited).
        webhooks.subscription_get(user=request.user, subscription_id=pk)
        return redirect("integrations:webhooks")
    webhooks.subscription_resume(actor=request.user, subscription_id=pk)
    return redirect("integrations:webhooks")


def single_sign_on(request: AuthedRequest) -> HttpResponse:
    """Which organisation's identity provider: found from the email address's domain."""
    form = SingleSignOnForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        provider = sso.provider_for_email(form.cleaned_data["email"])
        if provider is not None:
            request.session[sso.PROVIDER_KEY] = provider.pk
            return redirect("integrations:oidc-start")
        form.add_application_error(
            "email",
            "Your organisation does not sign in to joinedup this way: use your joinedup password",
        )
    response = render(request, "integrations/sso_start.html", {"form": form})
    origins = sso.provider_origins()
    if origins:
        # django-csp's per-response update (what its csp_update decorator sets), here with
        # origins read from the database.
        response._csp_update = {"form-action": origins}  # type: ignore[attr-defined]
    return response
