from django.http import HttpResponse
from django.shortcuts import render

from ehelsenord.core.http import AuthedRequest
from ehelsenord.solutions.selectors import solution_get


def solution_list_view(request: AuthedRequest) -> HttpResponse:
    return render(request, "solutions/list.html", {})


def solution_detail(request: AuthedRequest, slug: str) -> HttpResponse:
    return render(request, "solutions/detail.html", {"solution": solution_get(slug)})


def solution_history(request: AuthedRequest, slug: str) -> HttpResponse:
    return render(request, "solutions/detail.html", {"solution": solution_get(slug)})
