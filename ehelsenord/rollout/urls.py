from django.urls import path

from ehelsenord.rollout.views import exchange, matrix, records

app_name = "rollout"
urlpatterns = [
    path("status/", matrix.matrix, name="matrix"),
    path("status/<str:number>/<slug:slug>/", matrix.quick_update_hx, name="quick_update"),
    path("registreringer/<str:number>/<slug:slug>/", records.record_detail, name="record"),
    path("registreringer/<str:number>/<slug:slug>/historikk/", records.record_history, name="record_history"),
    path("min-kommune/", records.my_municipality, name="my_municipality"),
    path("regneark/", exchange.exchange, name="exchange"),
    path("regneark/eksport/", exchange.export_records, name="export"),
    path("regneark/import/", exchange.import_records, name="import"),
]
