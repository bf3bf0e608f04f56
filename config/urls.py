from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("ehelsenord.dashboards.urls")),
    path("konto/", include("ehelsenord.accounts.urls")),
    path("kommuner/", include("ehelsenord.municipalities.urls")),
    path("losninger/", include("ehelsenord.solutions.urls")),
    path("", include("ehelsenord.rollout.urls")),
    path("avtaler/", include("ehelsenord.agreements.urls")),
    path("nettverk/", include("ehelsenord.networks.urls")),
    path("forskjeller/", include("ehelsenord.divide.urls")),
    path("", include("ehelsenord.public.urls")),
    path("api/v1/", include("ehelsenord.api.urls")),
    path("admin/", admin.site.urls),
]
