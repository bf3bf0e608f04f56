from django.urls import path

from ehelsenord.api import views

app_name = "api"
urlpatterns = [
    path("dokumentasjon/", views.docs, name="docs"),
]
