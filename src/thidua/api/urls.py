"""Mounted at /api/ by the project's urls: /api/v1/…, /api/openapi.json, /api/docs."""

from __future__ import annotations

from django.urls import path

from thidua.api.app import api

urlpatterns = [path("", api.urls)]
