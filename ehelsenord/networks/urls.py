from django.urls import path

from ehelsenord.networks.views import meetings, proposals, workspace

app_name = "networks"
urlpatterns = [
    path("", workspace.network_list, name="list"),
    path("forslag/ny/", proposals.proposal_create, name="proposal_create"),
    path("forslag/<int:pk>/", proposals.proposal_detail, name="proposal"),
    path("forslag/<int:pk>/juster/", proposals.proposal_adjust, name="proposal_adjust"),
    path("forslag/<int:pk>/bekreft/", proposals.proposal_confirm, name="proposal_confirm"),
    path("reisetider/", proposals.travel_times, name="travel_times"),
    path("<int:pk>/", workspace.network_detail, name="detail"),
    path("<int:pk>/plan/", workspace.plan_edit, name="plan"),
    path("<int:pk>/opplos/", workspace.network_dissolve, name="dissolve"),
    path("<int:pk>/kalender/<str:token>.ics", meetings.calendar_feed, name="feed"),
    path("<int:pk>/moter/ny/", meetings.meeting_create, name="meeting_create"),
    path("<int:pk>/moter/<int:meeting_pk>/", meetings.meeting_detail, name="meeting"),
    path("<int:pk>/moter/<int:meeting_pk>/endre/", meetings.meeting_edit, name="meeting_edit"),
    path("<int:pk>/moter/<int:meeting_pk>/mote.ics", meetings.meeting_ics, name="meeting_ics"),
]
