"""Learning across departments (★): the page per recommendation or shared opt-out, *brug denne idé*, and the flag
*del som inspiration* on an initiative; continuing an initiative into the next year with its improvement work.
The rule of what shows is in `dashboards.learning` and `departments.access`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.http import requested_year
from departments.access import get_for_change, get_scoped_or_404, may_share_as_inspiration, require
from improvement import services as improvement
from improvement.models import ChangeIdea
from initiatives import services
from initiatives.models import Initiative, Recommendation

from . import learning


@login_required
@require_GET
def learning_page(request, pk):
    recommendation = get_scoped_or_404(Recommendation.objects.visible_to(request.user), pk=pk)
    year = requested_year(request)
    own = Initiative.objects.editable_by(request.user).filter(recommendation=recommendation, year=year)
    page = learning.learning_page(
        recommendation,
        user=request.user,
        year=year,
        today=timezone.localdate(),
        own_ids=list(own.values_list("pk", flat=True)),
    )
    return render(
        request, "dashboards/learning.html", {"page": page, "year": year, "years": [year - 1, year, year + 1]}
    )


@login_required
@require_POST
def use_idea(request, pk):
    """*Brug denne idé*: copy a change idea another department shares into one's own diagram for the same
    recommendation and year (those who steer the own initiative)."""
    idea = get_scoped_or_404(
        ChangeIdea.objects.visible_or_shared(request.user).select_related("driver__diagram__initiative"), pk=pk
    )
    source = idea.driver.diagram.initiative
    own = Initiative.objects.editable_by(request.user).filter(
        recommendation_id=source.recommendation_id, year=source.year
    )
    raw = request.POST.get("initiative")
    target = own.filter(pk=raw).first() if raw else (own.first() if own.count() == 1 else None)
    if target is None or target.pk == source.pk:
        raise PermissionDenied
    copy = improvement.idea_copy(idea=idea, initiative=target, by=request.user)
    messages.success(request, _("Idéen »%(text)s« er kopieret til jeres driverdiagram.") % {"text": copy.text})
    return redirect("improvement:diagram", pk=target.pk)


@login_required
@require_POST
def initiative_share(request, pk):
    """Set or clear *del som inspiration*: the department's management and KDK."""
    initiative = get_scoped_or_404(Initiative.objects.visible_to(request.user), pk=pk)
    require(may_share_as_inspiration(request.user, initiative.department_id))
    shared = request.POST.get("shared") == "1"
    services.initiative_set_shared(initiative=initiative, shared=shared, by=request.user)
    if shared:
        messages.success(request, _("Indsatsen deles nu som inspiration med de andre afdelinger."))
    else:
        messages.success(request, _("Indsatsen deles ikke længere som inspiration."))
    return redirect("dashboards:initiative", pk=initiative.pk)


@login_required
@require_POST
def initiative_continue(request, pk):
    """Continue the initiative into the next year, carrying its driver diagram, open PDSA cycles and latest progress
    score along (those who steer the department)."""
    initiative = get_for_change(Initiative.objects.select_related("department", "recommendation"), request.user, pk=pk)
    try:
        following, created = services.initiative_continue(initiative=initiative, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("dashboards:initiative", pk=initiative.pk)
    improvement.carry_forward(source=initiative, target=following, by=request.user)
    if created:
        messages.success(
            request,
            _("Indsatsen fortsætter i %(year)d med driverdiagram, åbne PDSA-cyklusser og seneste fremdriftsscore.")
            % {"year": following.year},
        )
    else:
        messages.info(request, _("Indsatsen findes allerede for %(year)d.") % {"year": following.year})
    return redirect("dashboards:initiative", pk=following.pk)
