from django.urls import path

from ehelsenord.divide import views

app_name = "divide"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("kart/", views.map_view, name="map"),
    path("utvikling/", views.trend_view, name="trend"),
    path("rapport.pdf", views.report_pdf, name="report_pdf"),
    path("rapport.xlsx", views.report_xlsx, name="report_xlsx"),
]
