import pytest
from django.urls import NoReverseMatch, reverse

from vaelgklogt import bench_views

pytestmark = pytest.mark.django_db


def test_floor_view_is_not_served_when_the_setting_is_off(settings, client_for, noegle):
    settings.BENCHMARK_FLOOR_VIEW = False
    assert bench_views.urlpatterns() == []
    with pytest.raises(NoReverseMatch):
        reverse("bench_floor")
    assert client_for(noegle).get("/_bench/floor").status_code == 404


def test_floor_view_is_wired_when_the_setting_is_on(settings):
    settings.BENCHMARK_FLOOR_VIEW = True
    [pattern] = bench_views.urlpatterns()
    assert pattern.name == "bench_floor"
    assert str(pattern.pattern) == "_bench/floor"


@pytest.mark.urls("tests.bench.floor_urls")
def test_floor_view_renders_the_base_template_for_a_logged_in_user(client_for, noegle, django_assert_max_num_queries):
    client = client_for(noegle)
    with django_assert_max_num_queries(5):
        response = client.get("/_bench/floor")
    assert response.status_code == 200
    assert [t.name for t in response.templates] == ["base.html"]
    body = response.content.decode()
    assert noegle.get_username() in body or (noegle.get_full_name() and noegle.get_full_name() in body)
    assert 'href="/"' in body  # the navigation is built, as on every page


@pytest.mark.urls("tests.bench.floor_urls")
def test_floor_view_sends_an_anonymous_visitor_to_the_login_page(client):
    response = client.get("/_bench/floor")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
