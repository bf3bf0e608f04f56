from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A Norwegian explanation instead of Django's English CSRF page."""
    return render(request, "403_csrf.html", status=403)
