"""English via Django's i18n: the language switch, and a complete English catalogue (Danish is the source)."""

from pathlib import Path

import pytest

PO_EN = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _entries(path):
    """(msgid, [msgstr, ...]) for every entry of a .po file, with continuation lines joined."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields, current = {}, None
        for line in block.splitlines():
            if line.startswith("#") or not line.strip():
                continue
            if line.startswith('"'):
                fields[current] += line.strip()[1:-1]
            else:
                current, value = line.split(" ", 1)
                fields[current] = value.strip()[1:-1]
        if "msgid" in fields:
            entries.append((fields["msgid"], [v for k, v in fields.items() if k.startswith("msgstr")]))
    return entries


@pytest.mark.django_db
def test_switching_to_english_shows_english_navigation(client_for, noegle):
    client = client_for(noegle)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Log out" in html
    assert "Home" in html
    assert "Log ud" not in html


@pytest.mark.django_db
def test_danish_is_the_default(client_for, noegle):
    html = client_for(noegle).get("/").content.decode()
    assert "Log ud" in html
    assert "Forside" in html


def test_english_catalogue_has_no_untranslated_entries():
    entries = _entries(PO_EN)
    assert len(entries) > 1
    untranslated = [msgid for msgid, msgstrs in entries if msgid and (not msgstrs or not all(msgstrs))]
    assert untranslated == []


def test_english_catalogue_has_no_fuzzy_entries():
    assert "#, fuzzy" not in PO_EN.read_text(encoding="utf-8")
