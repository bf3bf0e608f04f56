from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from ehelsenord.demo.models import DemoDataset
from ehelsenord.rollout.selectors import own_municipality_numbers


def site(request: HttpRequest) -> dict[str, Any]:
    """Values every page needs: the region's name, whether demo data is loaded, the user's own municipalities.

    has_own_municipalities is a callable so that pages which never ask (the login page) cost no query;
    it shares its cached result with rollout.selectors.change_rights.
    """
    user = getattr(request, "user", None)
    return {
        "region_name": settings.REGION_NAME,
        "demo_data_loaded": DemoDataset.objects.exists(),
        "has_own_municipalities": lambda: bool(user is not None and own_municipality_numbers(user)),
    }
