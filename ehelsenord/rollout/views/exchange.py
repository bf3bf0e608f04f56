from django.http import HttpResponse
from django.shortcuts import render

from ehelsenord.core.http import AuthedRequest


def exchange(request: AuthedRequest) -> HttpResponse:
    return render(request, "rollout/matrix.html", {})


def export_records(request: AuthedRequest) -> HttpResponse:
    return render(request, "rollout/matrix.html", {})


def import_records(request: AuthedRequest) -> HttpResponse:
    return render(request, "rollout/matrix.html", {})
