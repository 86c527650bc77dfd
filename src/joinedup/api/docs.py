"""Swagger UI from the pinned swagger-ui-dist npm package, served as static files (no CDN)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import Swagger


class SwaggerFromPackage(Swagger):
    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        return render(
            request,
            "integrations/swagger.html",
            {"swagger_settings": json.dumps(self.settings), "api": api},
        )
