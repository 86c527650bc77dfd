"""Pages shared by the whole service: sign-in, second factor, home, person, directory, errors."""

from __future__ import annotations

import base64
import io
from functools import wraps
from typing import Any
from urllib.parse import quote

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.errors import NotFound
from joinedup.partnership import selectors as partnership_selectors
from joinedup.partnership.models import Sector
from joinedup.people import selectors as people_selectors
from joinedup.sharing import policy
from joinedup.web.forms import (
    NewPasswordForm,
    PasswordResetRequestForm,
    PersonSearchForm,
    SignInForm,
    TwoFactorForm,
)


def not_found_as_404(view: Any) -> Any:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404 from None

    return wrapper


class SignInView(auth_views.LoginView):
    template_name = "web/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        # A password sign-in: officers' and administrators' accounts then need a second factor.
        self.request.session["joinedup_sign_in"] = "password"
        return response


class SignOutView(auth_views.LogoutView):
    pass


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if policy.is_family(request.user):  # a family member's home is their own pages
        return redirect("family:home")
    form = PersonSearchForm(request.GET or None)
    name, date_of_birth = "", None
    if form.is_bound and form.is_valid():
        name = form.cleaned_data["name"]
        date_of_birth = form.cleaned_data["date_of_birth"]
    page = people_selectors.my_people(
        user=request.user,
        name=name,
        date_of_birth=date_of_birth,
        page=request.GET.get("page", 1),
    )
    query = request.GET.copy()
    query.pop("page", None)
    emergency = QueryDict(mutable=True)
    emergency["name"] = name
    if date_of_birth:
        emergency["born"] = date_of_birth.isoformat()
    return render(
        request,
        "web/home.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "searched": bool(request.GET),
            "emergency_query": emergency.urlencode(),
        },
    )


@login_required
@not_found_as_404
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    view = people_selectors.person_get(user=request.user, person_id=person_id)
    return render(request, "web/person.html", {"view": view, "person": view.person})


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    sector = request.GET.get("sector", "")
    if sector not in Sector.values:
        sector = ""
    organisations = partnership_selectors.directory(sector=sector)
    return render(
        request,
        "web/directory.html",
        {"organisations": organisations, "sectors": Sector.choices, "sector": sector},
    )


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    notes = partnership_selectors.notifications_for(user=request.user)
    return render(request, "web/notifications.html", {"notifications": notes})


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up (first time) or check the authenticator app code."""
    user: Any = request.user  # login_required: a Practitioner
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    setting_up = device is None
    if setting_up:
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, confirmed=False, defaults={"name": "Authenticator app"}
        )
    form = TwoFactorForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            if setting_up:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, "Your security code was accepted.")
            target = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = "web:home"
            return redirect(target)
        form.add_error("token", "The security code is not correct or has expired")
    context: dict[str, Any] = {"form": form, "setting_up": setting_up}
    if setting_up:
        secret = base64.b32encode(device.bin_key).decode().rstrip("=")
        uri = (
            f"otpauth://totp/joinedup:{quote(user.email)}?secret={secret}&issuer=joinedup"
            f"&digits={device.digits}&period={device.step}"
        )
        context |= {"secret": secret, "qr": _qr_svg(uri)}
    return render(request, "web/two_factor.html", context)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "web/500.html", status=500)


class PasswordResetView(auth_views.PasswordResetView):
    """Security: the same answer whether or not an account has the address."""

    template_name = "web/password_reset.html"
    form_class = PasswordResetRequestForm
    email_template_name = "web/email/password_reset.txt"
    subject_template_name = "web/email/password_reset_subject.txt"
    success_url = reverse_lazy("web:password-reset-sent")


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "web/password_reset_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "web/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("web:password-reset-complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit.record(
            actor=form.user,
            action=Action.UPDATE,
            obj=form.user,
            purpose="password reset by email",
        )
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "web/password_reset_complete.html"
