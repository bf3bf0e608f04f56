from django.urls import path

from ehelsenord.rollout import views

app_name = "rollout"
urlpatterns = [
    path("status/", views.matrix, name="matrix"),
    path("status/<str:number>/<slug:slug>/", views.quick_update_hx, name="quick_update"),
    path("registreringer/<str:number>/<slug:slug>/", views.record_detail, name="record"),
    path("registreringer/<str:number>/<slug:slug>/historikk/", views.record_history, name="record_history"),
    path("min-kommune/", views.my_municipality, name="my_municipality"),
    path("regneark/", views.exchange, name="exchange"),
    path("regneark/eksport/", views.export_records, name="export"),
    path("regneark/import/", views.import_records, name="import"),
]
