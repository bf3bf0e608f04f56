from django.urls import path

from ehelsenord.solutions import views

app_name = "solutions"
urlpatterns = [
    path("", views.solution_list_view, name="list"),
    path("<slug:slug>/", views.solution_detail, name="detail"),
    path("<slug:slug>/historikk/", views.solution_history, name="history"),
]
