"""The buddy networks: the list, one network's workspace, and its plan."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ehelsenord.core.forms import add_errors
from ehelsenord.core.http import AuthedRequest
from ehelsenord.networks import selectors, services, workspace
from ehelsenord.networks.forms.workspace import DissolveForm, PlanForm
from ehelsenord.networks.models import BuddyNetwork
from ehelsenord.rollout.aggregation import Summary
from ehelsenord.rollout.selectors import own_municipality_numbers
from ehelsenord.solutions.models import Solution


def require_editor(request: AuthedRequest, network: BuddyNetwork) -> None:
    if not selectors.network_can_edit(request.user, network):
        raise PermissionDenied(_("Only coordinators and the contacts of the network's municipalities can change it."))


def network_list(request: AuthedRequest) -> HttpResponse:
    """Every network, grouped by solution, with its members' progress."""
    networks = selectors.network_list()
    progress = workspace.network_progress(networks)
    groups: dict[Solution, list[tuple[BuddyNetwork, Summary]]] = {}
    for network in networks:  # in the solutions' order (two solutions may share a position)
        groups.setdefault(network.solution, []).append((network, progress[network.pk]))
    own = own_municipality_numbers(request.user)
    can_manage = selectors.network_can_manage(request.user)
    return render(
        request,
        "networks/network_list.html",
        {
            "groups": list(groups.items()),
            "own_networks": [n for n in networks if own & {m.municipality_id for m in n.memberships.all()}],
            "open_proposals": selectors.open_proposals() if can_manage else [],
            "can_manage": can_manage,
        },
    )


def network_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    network = selectors.network_get(pk)
    return render(
        request,
        "networks/network_detail.html",
        {
            "network": network,
            "space": workspace.network_workspace(network),
            "can_edit": selectors.network_can_edit(request.user, network),
            "can_manage": selectors.network_can_manage(request.user),
            "feed_url": settings.SITE_URL + reverse("networks:feed", args=[network.pk, network.feed_token]),
        },
    )


def plan_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    network = selectors.network_get(pk)
    require_editor(request, network)
    form = PlanForm(request.POST or None, milestones=workspace.milestone_list(network))
    if request.method == "POST" and form.is_valid():
        try:
            changed = workspace.plan_update(by=request.user, network=network, milestones=form.to_input())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The plan was saved.") if changed else _("Nothing in the plan was changed."))
            return redirect(network)
    return render(
        request, "networks/plan_form.html", {"network": network, "form": form}, status=400 if form.errors else 200
    )


def network_dissolve(request: AuthedRequest, pk: int) -> HttpResponse:
    """A coordinator dissolves a network (its plan and meetings go with it) after confirming why."""
    network = selectors.network_get(pk)
    if not selectors.network_can_manage(request.user):
        raise PermissionDenied(_("Only coordinators can dissolve a network."))
    form = DissolveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.network_dissolve(by=request.user, network=network, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The network “%(name)s” is dissolved.") % {"name": network.name})
            return redirect("networks:list")
    return render(
        request,
        "networks/network_dissolve.html",
        {"network": network, "form": form},
        status=400 if form.errors else 200,
    )
