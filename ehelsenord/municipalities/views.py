from django.http import HttpResponse
from django.shortcuts import render

from ehelsenord.core.http import AuthedRequest
from ehelsenord.municipalities.selectors import municipality_get


def municipality_list_view(request: AuthedRequest) -> HttpResponse:
    return render(request, "municipalities/list.html", {})


def municipality_detail(request: AuthedRequest, number: str) -> HttpResponse:
    return render(request, "municipalities/detail.html", {"municipality": municipality_get(number)})


def municipality_history(request: AuthedRequest, number: str) -> HttpResponse:
    return render(request, "municipalities/detail.html", {"municipality": municipality_get(number)})
