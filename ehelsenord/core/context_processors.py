from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from ehelsenord.demo.models import DemoDataset


def site(request: HttpRequest) -> dict[str, Any]:
    """Values every page needs: the region's name and whether demo data is loaded."""
    return {
        "region_name": settings.REGION_NAME,
        "demo_data_loaded": DemoDataset.objects.exists(),
    }
