from django.http import HttpResponse
from django.shortcuts import render

from ehelsenord.core.http import AuthedRequest


def record_detail(request: AuthedRequest, number: str, slug: str) -> HttpResponse:
    return render(request, "rollout/matrix.html", {})


def record_history(request: AuthedRequest, number: str, slug: str) -> HttpResponse:
    return render(request, "rollout/matrix.html", {})


def my_municipality(request: AuthedRequest) -> HttpResponse:
    return render(request, "rollout/matrix.html", {})
