from django.urls import path

from ehelsenord.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("logg-inn/", views.LoginView.as_view(), name="login"),
    path("logg-ut/", views.logout_view, name="logout"),
    path("passord/", views.PasswordChangeView.as_view(), name="password_change"),
    path("passord/glemt/", views.PasswordResetView.as_view(), name="password_reset"),
    path("passord/glemt/sendt/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("passord/nytt/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("passord/nytt/ferdig/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("api-nokler/", views.api_token_create_view, name="api_token_create"),
    path("api-nokler/<int:pk>/trekk-tilbake/", views.api_token_revoke_view, name="api_token_revoke"),
    path("invitasjoner/", views.invitations, name="invitations"),
    path("invitasjon/<str:token>/", views.invitation_accept_view, name="invitation_accept"),
]
