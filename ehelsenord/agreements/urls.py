from django.urls import path

from ehelsenord.agreements.views import agreement, public, rounds

app_name = "agreements"
urlpatterns = [
    path("", rounds.round_list, name="list"),
    path("ny/", rounds.round_create, name="round_create"),
    path("runde/<int:pk>/", rounds.round_detail, name="round"),
    path("runde/<int:pk>/rediger/", rounds.round_edit, name="round_edit"),
    path("runde/<int:pk>/send/", rounds.round_send, name="round_send"),
    path("runde/<int:pk>/svarfrist/", rounds.round_deadline, name="round_deadline"),
    path("runde/<int:pk>/eksport.xlsx", rounds.round_export, name="round_export"),
    path("<int:pk>/", agreement.agreement_detail, name="detail"),
    path("<int:pk>/send/", agreement.agreement_send, name="send"),
    path("<int:pk>/avsla/", agreement.agreement_decline, name="decline"),
    path("<int:pk>/gjenapne/", agreement.agreement_reopen, name="reopen"),
    path("<int:pk>/malform/", agreement.agreement_language, name="language"),
    path("<int:pk>/brev.pdf", agreement.letter_pdf, name="letter"),
    path("<int:pk>/versjon/<int:number>.pdf", agreement.version_pdf, name="version"),
    path("<int:pk>/versjon/<int:number>/skannet.pdf", agreement.version_scan, name="version_scan"),
    path("kontroll/", public.fingerprint_check, name="check"),
]
