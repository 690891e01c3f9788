"""Importing KDK's recommendation catalogue from a CSV file (title, society, text, source link, year)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Recommendation

CATALOGUE_COLUMNS = ["title", "society", "text", "source_url", "year"]
_HEADER_ALIASES = {"source link": "source_url", "source": "source_url", "link": "source_url"}


@dataclass
class CatalogueImport:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def decode_csv(raw: bytes) -> str:
    """Danish Excel writes UTF-8 with a BOM or Windows-1252; accept both."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def read_rows(text: str) -> list[dict[str, str]]:
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    if reader.fieldnames is None:
        return []
    reader.fieldnames = [_HEADER_ALIASES.get(name.strip().lower(), name.strip().lower()) for name in reader.fieldnames]
    return list(reader)


def import_catalogue(raw: bytes) -> CatalogueImport:
    """Create or update national recommendations by title; all rows or none."""
    result = CatalogueImport()
    rows = read_rows(decode_csv(raw))
    if not rows:
        result.errors.append(_("Filen er tom."))
        return result
    missing = [column for column in ("title", "text") if column not in rows[0]]
    if missing:
        result.errors.append(_("Kolonner mangler: %(columns)s") % {"columns": ", ".join(missing)})
        return result
    validate_url = URLValidator(schemes=["http", "https"])
    cleaned = []
    for number, row in enumerate(rows, start=2):
        title = (row.get("title") or "").strip()
        text = (row.get("text") or "").strip()
        url = (row.get("source_url") or "").strip()
        year_raw = (row.get("year") or "").strip()
        if not title or not text:
            result.errors.append(_("Række %(row)d: titel og tekst skal udfyldes.") % {"row": number})
            continue
        if url:
            try:
                validate_url(url)
            except ValidationError:
                result.errors.append(_("Række %(row)d: kilden er ikke en gyldig webadresse.") % {"row": number})
                continue
        year = None
        if year_raw:
            if not year_raw.isdigit() or not 2000 <= int(year_raw) <= 2100:
                result.errors.append(_("Række %(row)d: året skal være et årstal, fx 2026.") % {"row": number})
                continue
            year = int(year_raw)
        cleaned.append(
            {
                "title": title,
                "society": (row.get("society") or "").strip(),
                "text": text,
                "source_url": url,
                "year": year,
            }
        )
    if result.errors:
        return result
    with transaction.atomic():
        for values in cleaned:
            _obj, created = Recommendation.objects.update_or_create(
                kind=Recommendation.Kind.NATIONAL,
                title=values.pop("title"),
                defaults={**values, "is_example": not values["source_url"]},
            )
            if created:
                result.created += 1
            else:
                result.updated += 1
    return result
