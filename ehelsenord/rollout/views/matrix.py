from django.http import HttpResponse
from django.shortcuts import render

from ehelsenord.core.http import AuthedRequest


def matrix(request: AuthedRequest) -> HttpResponse:
    return render(request, "rollout/matrix.html", {})


def quick_update_hx(request: AuthedRequest, number: str, slug: str) -> HttpResponse:
    return render(request, "rollout/matrix.html", {})
