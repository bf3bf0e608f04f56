from django.http import HttpResponse
from django.shortcuts import render

from ehelsenord.core.http import AuthedRequest


def overview(request: AuthedRequest) -> HttpResponse:
    return render(request, "dashboards/overview.html", {})
