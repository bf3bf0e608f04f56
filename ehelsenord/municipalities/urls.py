from django.urls import path

from ehelsenord.municipalities import views

app_name = "municipalities"
urlpatterns = [
    path("", views.municipality_list_view, name="list"),
    path("<str:number>/", views.municipality_detail, name="detail"),
    path("<str:number>/historikk/", views.municipality_history, name="history"),
]
