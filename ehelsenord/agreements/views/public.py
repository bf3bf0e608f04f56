"""The public fingerprint check: does a fingerprint belong to a signed agreement, and which one."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import render

from ehelsenord.agreements.forms import FingerprintForm
from ehelsenord.agreements.selectors import fingerprint_lookup
from ehelsenord.core.http import AnyRequest


@login_not_required
def fingerprint_check(request: AnyRequest) -> HttpResponse:
    """Tells only the round, the municipality, the version and when it was signed; nothing of its content."""
    form = FingerprintForm(request.GET if "fingerprint" in request.GET else None)
    match = None
    checked = False
    if form.is_bound and form.is_valid():
        checked = True
        match = fingerprint_lookup(form.cleaned_data["fingerprint"])
    return render(request, "agreements/check.html", {"form": form, "match": match, "checked": checked})
