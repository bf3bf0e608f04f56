from django.urls import URLPattern, URLResolver, path

from ehelsenord.api import views
from ehelsenord.api.api import api


def _login_exempt(
    urls: tuple[list[URLPattern | URLResolver], str, str],
) -> tuple[list[URLPattern | URLResolver], str, str]:
    """Let the API answer anonymous calls itself (JSON 401 from its token auth, or public data).

    LoginRequiredMiddleware would otherwise redirect them to the login page.
    """
    patterns, app_name, namespace = urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback.login_required = False  # type: ignore[attr-defined]
    return patterns, app_name, namespace


app_name = "api"
urlpatterns = [
    path("", views.root, name="root"),
    path("dokumentasjon/", views.docs, name="docs"),
    # After "root": ninja's own root pattern exists only so ninja can reverse its base path.
    path("", _login_exempt(api.urls)),
]
