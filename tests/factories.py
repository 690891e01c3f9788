import datetime as dt

import factory
from django.contrib.auth import get_user_model

from departments.access import Role
from departments.models import Department, Hospital, LocalTeam, Membership, Section, TeamMember
from initiatives.models import Action, CrossHospitalSelection, Initiative, Meeting, Recommendation
from measurements.models import Measure, Measurement, Unit


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="da_DK")
    password = factory.django.Password("pw")


class HospitalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hospital
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"h{n}")
    name = factory.Sequence(lambda n: f"Sygehus {n}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"d{n}")
    name = factory.Sequence(lambda n: f"Afdeling {n}")

    @factory.post_generation
    def hospitals(self, create, extracted, **kwargs):
        if create:
            self.hospitals.set(extracted or [HospitalFactory()])


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    department = factory.SubFactory(DepartmentFactory)
    hospital = factory.SubFactory(HospitalFactory)
    code = factory.Sequence(lambda n: f"s{n}")
    name = factory.Sequence(lambda n: f"Afsnit {n}")
    kind = Section.Kind.WARD


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.KEY_PERSON
    department = factory.SubFactory(DepartmentFactory)


class LocalTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalTeam

    department = factory.SubFactory(DepartmentFactory)
    established_on = dt.date(2026, 2, 1)


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    team = factory.SubFactory(LocalTeamFactory)
    name = factory.Sequence(lambda n: f"Person {n}")
    role = TeamMember.Role.KEY_PERSON


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    kind = Recommendation.Kind.NATIONAL
    title = factory.Sequence(lambda n: f"Anbefaling {n}")
    society = "Dansk Selskab for Eksempler"
    text = "Undlad noget unødvendigt."
    year = 2025
    is_example = True


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative

    department = factory.SubFactory(DepartmentFactory)
    recommendation = factory.SubFactory(RecommendationFactory)
    year = 2026
    status = Initiative.Status.IMPLEMENTING
    # As the services record it: the year's cross-hospital recommendation is the department's part in it.
    cross_hospital = factory.LazyAttribute(
        lambda o: CrossHospitalSelection.objects.filter(year=o.year, recommendation=o.recommendation).exists()
    )


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    initiative = factory.SubFactory(InitiativeFactory)
    code = factory.Sequence(lambda n: f"M-{n:03d}")
    name = factory.Sequence(lambda n: f"Måling {n}")
    kind = Measure.Kind.PROCESS
    unit = Unit.PROPORTION
    direction = Measure.Direction.LOWER
    per_section = False


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measurement

    measure = factory.SubFactory(MeasureFactory)
    section = None
    month = dt.date(2026, 1, 1)
    numerator = 3
    denominator = 10
    unit = factory.LazyAttribute(lambda o: o.measure.unit)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    initiative = factory.SubFactory(InitiativeFactory)
    date = dt.date(2026, 3, 10)
    text = "Nyt tiltag"


class CrossHospitalSelectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CrossHospitalSelection

    year = 2026
    recommendation = factory.SubFactory(RecommendationFactory)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    kind = Meeting.Kind.INSPIRATION
    date = dt.date(2026, 3, 10)
