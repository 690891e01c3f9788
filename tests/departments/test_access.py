"""Scoping: each role sees exactly its lane, decided in departments/access.py."""

import pytest

from departments.access import get_scoped_or_404
from departments.models import Department
from initiatives.models import Initiative, Recommendation
from measurements.models import Measure, Measurement
from tests.factories import InitiativeFactory, MeasureFactory, MeasurementFactory, RecommendationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_departments(home, away):
    mine = MeasurementFactory(measure=MeasureFactory(initiative=InitiativeFactory(department=home)))
    theirs = MeasurementFactory(measure=MeasureFactory(initiative=InitiativeFactory(department=away)))
    return mine, theirs


def test_udenfor_sees_none_of_leders_department(two_departments, udenfor, home):
    mine, _theirs = two_departments
    assert home not in Department.objects.visible_to(udenfor)
    assert mine.measure.initiative not in Initiative.objects.visible_to(udenfor)
    assert mine.measure not in Measure.objects.visible_to(udenfor)
    assert mine not in Measurement.objects.visible_to(udenfor)
    assert mine not in Measurement.objects.enterable_by(udenfor)


def test_noegle_sees_and_enters_own_department_but_does_not_steer_it(two_departments, noegle, home):
    mine, _theirs = two_departments
    assert list(Measurement.objects.visible_to(noegle)) == [mine]
    assert list(Measurement.objects.enterable_by(noegle)) == [mine]
    assert not Initiative.objects.editable_by(noegle).exists()


def test_leder_steers_own_department_only(two_departments, leder):
    mine, _theirs = two_departments
    assert list(Initiative.objects.editable_by(leder)) == [mine.measure.initiative]


def test_direktion_sees_all_changes_nothing(two_departments, direktion):
    assert Measurement.objects.visible_to(direktion).count() == 2
    assert not Measurement.objects.enterable_by(direktion).exists()
    assert not Initiative.objects.editable_by(direktion).exists()


def test_kdk_sees_and_changes_everything(two_departments, kdk):
    assert Measurement.objects.enterable_by(kdk).count() == 2
    assert Initiative.objects.editable_by(kdk).count() == 2


def test_anonymous_sees_nothing(two_departments, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    assert not Measurement.objects.visible_to(AnonymousUser()).exists()


def test_get_scoped_or_404_hides_other_departments_object(two_departments, udenfor):
    from django.http import Http404

    mine, theirs = two_departments
    with pytest.raises(Http404):
        get_scoped_or_404(Measure.objects.visible_to(udenfor), pk=mine.measure.pk)
    assert get_scoped_or_404(Measure.objects.visible_to(udenfor), pk=theirs.measure.pk) == theirs.measure


def test_local_opt_out_visible_to_owner_and_once_shared(home, away, noegle, udenfor):
    opt_out = RecommendationFactory(kind=Recommendation.Kind.LOCAL, owner_department=home)
    assert opt_out in Recommendation.objects.visible_to(noegle)
    assert opt_out not in Recommendation.objects.visible_to(udenfor)
    opt_out.shared = True
    opt_out.save()
    assert opt_out in Recommendation.objects.visible_to(udenfor)


def test_tovholder_in_team_may_steer_department(home, noegle):
    from departments.access import forget_access
    from tests.factories import LocalTeamFactory, TeamMemberFactory

    initiative = InitiativeFactory(department=home)
    TeamMemberFactory(team=LocalTeamFactory(department=home), user=noegle, role="coordinator")
    forget_access(noegle)
    assert list(Initiative.objects.editable_by(noegle)) == [initiative]
