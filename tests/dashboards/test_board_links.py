"""Issue 16.7: the ward screen. A read-only board link for one department (created and revoked by management, with
an expiry, every use audited) and the board's pages sized to the number of measures."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from departments import services
from departments.models import AuditEvent, BoardLink

from .test_views import _fill

pytestmark = pytest.mark.django_db


def _link(home, by, *, days=30):
    today = timezone.localdate()
    return services.board_link_create(
        department=home, label="Sengeafsnit 1, gangen", expires_on=today + dt.timedelta(days=days), by=by, today=today
    )


def test_leder_creates_a_link_shown_once_and_only_its_hash_is_kept(client_for, leder, home):
    url = reverse("departments:board_links", args=[home.pk])
    expires = timezone.localdate() + dt.timedelta(days=60)
    response = client_for(leder).post(url, {"label": "Gangen", "expires_on": expires.strftime("%d.%m.%Y")})
    assert response.status_code == 200
    link = BoardLink.objects.get()
    token = response.context["created"][1]
    assert (link.department, link.label, link.expires_on, link.created_by) == (home, "Gangen", expires, leder)
    assert token not in link.token_hash and len(link.token_hash) == 64
    shared_url = reverse("dashboards:board_shared", args=[token])
    assert shared_url in response.content.decode()
    assert shared_url not in client_for(leder).get(url).content.decode()  # shown once
    assert AuditEvent.objects.filter(action="board_link_created", user=leder, object_id=str(link.pk)).exists()


@pytest.mark.parametrize(
    "data,field,message",
    [
        ({"label": "", "expires_on": "01.01.2030"}, "label", "Skriv, hvor skærmen står"),
        ({"label": "Gang", "expires_on": "01.01.2020"}, "expires_on", "Udløbsdatoen ligger i fortiden."),
        ({"label": "Gang", "expires_on": "01.01.2099"}, "expires_on", "højst gælde et år ad gangen"),
        ({"label": "Gang", "expires_on": ""}, "expires_on", "Vælg, hvornår linket udløber."),
    ],
)
def test_bad_link_input_gets_a_danish_message_and_saves_nothing(client_for, leder, home, data, field, message):
    response = client_for(leder).post(reverse("departments:board_links", args=[home.pk]), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not BoardLink.objects.exists()


def test_key_person_and_outsider_cannot_create_or_revoke(client_for, leder, noegle, udenfor, home):
    link, _token = _link(home, leder)
    url = reverse("departments:board_links", args=[home.pk])
    data = {"label": "X", "expires_on": "01.01.2030"}
    assert client_for(noegle).post(url, data).status_code == 403
    assert client_for(udenfor).post(url, data).status_code == 404
    for user, expected in ((noegle, 403), (udenfor, 404)):
        response = client_for(user).post(reverse("departments:board_link_revoke", args=[link.pk]))
        assert response.status_code == expected
    link.refresh_from_db()
    assert BoardLink.objects.count() == 1 and link.revoked_at is None


def test_board_link_shows_the_board_without_sign_in_and_audits_every_use(leder, home):
    _fill(home, measures=2)
    link, token = _link(home, leder)
    url = reverse("dashboards:board_shared", args=[token])
    client = Client()
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and home.name in html
    assert html.count("<main") == 1
    assert f'hx-get="{url}"' in html  # the screen refreshes through its link, never through a session
    assert "Til afdelingens side" not in html
    poll = client.get(url, HTTP_HX_REQUEST="true")
    assert poll.status_code == 200 and poll.content.decode().lstrip().startswith('<div id="board"')
    link.refresh_from_db()
    assert link.use_count == 2 and link.last_used_at is not None
    uses = AuditEvent.objects.filter(action="board_viewed", object_id=str(link.pk))
    assert uses.count() == 2 and {event.path for event in uses} == {url}
    assert "sessionid" not in client.cookies  # nobody is signed in by the link


@pytest.mark.parametrize("how", ["revoked", "expired", "unknown"])
def test_revoked_expired_and_unknown_links_show_nothing(leder, home, how):
    _fill(home)
    link, token = _link(home, leder)
    if how == "revoked":
        Client().get(reverse("dashboards:board_shared", args=[token]))
        services.board_link_revoke(link=link, by=leder)
    elif how == "expired":
        BoardLink.objects.filter(pk=link.pk).update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    else:
        token = token[:-4] + "abcd"
    response = Client().get(reverse("dashboards:board_shared", args=[token]), HTTP_HX_REQUEST="true")
    assert response.status_code == 404
    assert home.name not in response.content.decode()
    # Only the one use before the revocation was audited as a view; a refused one is no use.
    assert AuditEvent.objects.filter(action="board_viewed").count() == (1 if how == "revoked" else 0)
    link.refresh_from_db()
    assert link.use_count == (1 if how == "revoked" else 0)


def test_leder_revokes_a_link_and_the_page_says_so(client_for, leder, home):
    link, token = _link(home, leder)
    response = client_for(leder).post(reverse("departments:board_link_revoke", args=[link.pk]), follow=True)
    assert "er tilbagekaldt" in response.content.decode() and "Tilbagekaldt" in response.content.decode()
    link.refresh_from_db()
    assert link.revoked_by == leder
    assert AuditEvent.objects.filter(action="board_link_revoked", object_id=str(link.pk)).count() == 1
    assert Client().get(reverse("dashboards:board_shared", args=[token])).status_code == 404


@pytest.mark.parametrize(
    "measures,pages,grids", [(1, 1, ["board-n-1"]), (3, 1, ["board-n-3"]), (6, 2, ["board-n-4", "board-n-2"])]
)
def test_board_grid_is_sized_to_the_count_and_more_rotate_in_pages(client_for, leder, home, measures, pages, grids):
    _fill(home, measures=measures)
    response = client_for(leder).get(reverse("dashboards:board", args=[home.pk]))
    html = response.content.decode()
    assert [len(page) for page in response.context["pages"]] == [min(4, measures - 4 * i) for i in range(pages)]
    for grid in grids:
        assert f"board-grid {grid}" in html
    assert ('class="board-pause"' in html) is (pages > 1)
    assert html.count("data-board-page=") == pages and html.count("<main") == 1
    assert "js/board.js" in html
