from django.urls import path

from ehelsenord.public.views import join, opendata, pages

app_name = "public"
urlpatterns = [
    path("om/", pages.about, name="about"),
    path("kommunestatus/", pages.status_index, name="status"),
    path("kommunestatus/kommune/<str:number>/", pages.status_municipality, name="status_municipality"),
    path("kommunestatus/losning/<slug:slug>/", pages.status_solution, name="status_solution"),
    path("apne-data/", opendata.description, name="open_data"),
    path("apne-data/status.csv", opendata.status_csv, name="open_data_csv"),
    path("apne-data/status.json", opendata.status_json, name="open_data_json"),
    path("tilgjengelighet/", pages.accessibility, name="accessibility"),
    path("delta/", join.join_form, name="join"),
    path("delta/takk/", join.join_thanks, name="join_thanks"),
    path("delta/foresporsler/", join.queue, name="join_queue"),
    path("delta/foresporsler/<int:pk>/", join.decide, name="join_decide"),
]
