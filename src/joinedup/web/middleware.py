from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.urls import reverse

from joinedup.audit.services import request_id_var

REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Give every request an id (or keep a proxy's), so audit events can be traced to it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


class SessionTouchMiddleware:
    """The idle sign-out without a database write on every request.

    Saving the session on every request (SESSION_SAVE_EVERY_REQUEST) costs three queries each
    time. Instead a signed-in session is saved again, moving its expiry on by the idle time,
    only when it was last saved more than SESSION_TOUCH_SECONDS ago: idle sign-out then comes
    between SESSION_COOKIE_AGE - SESSION_TOUCH_SECONDS and SESSION_COOKIE_AGE after the last
    request. Placed after SessionMiddleware, which saves what is marked here."""

    KEY = "_touched"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty() and response.status_code < 500:
            now = int(time.time())
            if now - int(session.get(self.KEY, 0)) >= settings.SESSION_TOUCH_SECONDS:
                session[self.KEY] = now
        return response


class SecondFactorMiddleware:
    """Practitioners whose role requires a second factor must verify one before anything else."""

    EXEMPT_PREFIXES = ("/sign-in", "/sign-out", "/two-factor", "/assets/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.EXEMPT_PREFIXES)
            and not user.is_verified()
            and (user.requires_two_factor or self._password_for_officer(request, user))
        ):
            return redirect(reverse("web:two-factor") + f"?next={request.path}")
        return self.get_response(request)

    @staticmethod
    def _password_for_officer(request: HttpRequest, user: Any) -> bool:
        """By default data protection officers and administrators who signed in with a password
        need a second factor too (JOINEDUP_TWO_FACTOR_ROLES); their provider's sign-in has its own.
        """
        if request.session.get("joinedup_sign_in") != "password":
            return False
        roles = getattr(settings, "JOINEDUP_TWO_FACTOR_ROLES", ())
        return any(user.has_role(code) for code in roles)


class RequestProblem(Exception):
    """A malformed request: answered 400 (or 413) with the error shape, never a 500."""

    def __init__(self, message: str, *, field: str | None = None, status: int = 400):
        super().__init__(message)
        self.message, self.field, self.status = message, field, status


NUL = "\x00"
MAX_JSON_DEPTH = 64
TOO_LONG_RE = re.compile(r"value too long for type character varying\((\d+)\)")


def _nul_in_pairs(pairs: Iterable[tuple[str, list[str]]]) -> str | None:
    for key, values in pairs:
        if NUL in key or any(NUL in str(value) for value in values):
            return key.replace(NUL, "")
    return None


def _check_json(value: Any) -> None:
    """Walk a parsed body without recursion: NUL in any key or string, or nesting too deep."""
    stack: list[tuple[Any, tuple[str, ...]]] = [(value, ())]
    while stack:
        item, path = stack.pop()
        if len(path) > MAX_JSON_DEPTH:
            raise RequestProblem(f"The JSON body is nested more than {MAX_JSON_DEPTH} deep.")
        if isinstance(item, str):
            if NUL in item:
                raise RequestProblem(
                    "Text cannot contain a NUL character.", field=".".join(path) or None
                )
        elif isinstance(item, dict):
            for key, child in item.items():
                if NUL in key:
                    raise RequestProblem("A field name cannot contain a NUL character.")
                stack.append((child, (*path, key)))
        elif isinstance(item, list):
            stack.extend((child, (*path, str(i))) for i, child in enumerate(item))


def check_request(request: HttpRequest) -> None:
    """Refuse what no handler can read: NUL characters, unreadable or oversized bodies.

    Security and robustness at the edge, once for every page and API route: PostgreSQL cannot
    store a NUL character, and a body the parsers cannot read must not reach a view as a 500.
    """
    if NUL in request.path:
        raise RequestProblem("The address cannot contain a NUL character.")
    field = _nul_in_pairs(request.GET.lists())
    if field is not None:
        raise RequestProblem("Text cannot contain a NUL character.", field=field)
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    try:
        if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
            field = _nul_in_pairs(request.POST.lists())
        elif request.content_type == "application/json" or request.path.startswith("/api/"):
            body = request.body
            if body.strip()[:1] in (b"{", b"["):
                _check_json(json.loads(body))
    except RequestDataTooBig:
        raise RequestProblem(
            f"The request is too large: at most {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes "
            "apart from uploaded files.",
            status=413,
        ) from None
    except (MultiPartParserError, TooManyFieldsSent, TooManyFilesSent) as error:
        raise RequestProblem(f"The form data cannot be read: {error}") from None
    except RecursionError:
        raise RequestProblem(f"The JSON body is nested more than {MAX_JSON_DEPTH} deep.") from None
    except (ValueError, UnicodeDecodeError):
        return  # not JSON after all: the handler's own parser answers that
    if field is not None:
        raise RequestProblem("Text cannot contain a NUL character.", field=field)


def problem_response(request: HttpRequest, problem: RequestProblem) -> HttpResponse:
    if request.path.startswith(("/api/", "/oruk/")):
        response = JsonResponse(
            {"message": problem.message, "field": problem.field}, status=problem.status
        )
        if request.path.startswith("/oruk/"):
            # The open Open Referral API answers every origin, its errors too.
            response["Access-Control-Allow-Origin"] = "*"
        return response
    return render(request, "web/400.html", {"message": problem.message}, status=problem.status)


def _too_long_field(request: HttpRequest, limit: int) -> str | None:
    """The database names no column for an over-long value: find the input that is too long."""
    pairs: list[tuple[str, Any]] = list(request.GET.items())
    try:
        if request.content_type == "application/json":
            body = json.loads(request.body)
            pairs += list(body.items()) if isinstance(body, dict) else []
        else:
            pairs += list(request.POST.items())
    except Exception:  # noqa: S110 - only a hint for the message
        pass
    return next((k for k, v in pairs if isinstance(v, str) and len(v) > limit), None)


def data_error_problem(request: HttpRequest, error: DataError) -> RequestProblem:
    """A value the database refused (too long, out of range): a 422 naming the field."""
    match = TOO_LONG_RE.search(str(error))
    if match is None:
        return RequestProblem("A value is not valid for the database.", status=422)
    limit = int(match.group(1))
    return RequestProblem(
        f"Too long: at most {limit} characters.",
        field=_too_long_field(request, limit),
        status=422,
    )


class RequestCheckMiddleware:
    """Malformed requests get 400/413 with the error shape; refused values a 422, not a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            check_request(request)
        except RequestProblem as problem:
            return problem_response(request, problem)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DataError):
            return problem_response(request, data_error_problem(request, exception))
        return None


class FamilyPagesOnlyMiddleware:
    """A family account sees the family's own pages and nothing of the practitioners'.

    Security: a practitioners' page or API route answers a family account 404, as for a
    missing page (audited), rather than rendering an empty version of itself.
    """

    ALLOWED_PREFIXES = (
        "/family/",
        "/sign-in/",
        "/sign-out/",
        "/two-factor/",
        "/password-reset/",
        "/notifications/",
        "/documents/",  # a document shared with the family: the view asks the policy
        "/assets/",
        "/api/v1/family/",
        "/api/v1/openapi.json",
        "/api/v1/docs",
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if path == "/" or path.startswith(self.ALLOWED_PREFIXES):
            return self.get_response(request)
        from joinedup.sharing import policy

        if not policy.is_family(getattr(request, "user", None)):
            return self.get_response(request)
        policy.refuse(request.user, object_type="web.page", object_id=path)
        if path.startswith("/api/"):
            return JsonResponse({"message": "Not found", "field": None}, status=404)
        raise Http404("Not a family page")
