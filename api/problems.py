"""RFC 9457 problem details, in Danish with English beside: ``title``/``detail`` in Danish (the UI language) and
``title_en``/``detail_en`` in English, ``errors`` with one entry per refused row and field.

    {"type": "urn:vaelgklogt:problem:validation", "title": "Værdierne er ikke gemt", "status": 422,
     "detail": "…", "title_en": "The values were not saved", "detail_en": "…", "instance": "/api/v1/values",
     "errors": [{"row": 3, "field": "numerator", "pointer": "/rows/3/numerator", "detail": "…", "detail_en": "…"}]}
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.http import HttpResponse

CONTENT_TYPE = "application/problem+json"


@dataclass(frozen=True)
class Text:
    da: str
    en: str


#: Every kind of problem the API answers with: slug → (status, title).
KINDS: dict[str, tuple[int, Text]] = {
    "unauthorized": (401, Text("Manglende eller ugyldig API-nøgle", "Missing or invalid API token")),
    "forbidden": (403, Text("Ingen adgang", "Forbidden")),
    "insufficient-scope": (403, Text("Nøglen har kun læseadgang", "The token may only read")),
    "not-found": (404, Text("Findes ikke", "Not found")),
    "not-acceptable": (406, Text("Formatet kan ikke leveres", "Format not available")),
    "conflict": (409, Text("Værdierne er ikke gemt: konflikt", "The values were not saved: conflict")),
    "too-large": (413, Text("Forespørgslen er for stor", "Request too large")),
    "validation": (422, Text("Værdierne er ikke gemt", "The values were not saved")),
    "bad-request": (400, Text("Forespørgslen kan ikke læses", "The request cannot be read")),
    "rate-limited": (429, Text("For mange forespørgsler", "Too many requests")),
    "server-error": (500, Text("Serverfejl", "Server error")),
}


@dataclass
class Problem(Exception):
    """Raise anywhere in an endpoint; the API turns it into the problem response."""

    kind: str
    detail: Text | None = None
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def status(self) -> int:
        return KINDS[self.kind][0]


def problem_type(kind: str) -> str:
    return f"urn:vaelgklogt:problem:{kind}"


def response(request, problem: Problem) -> HttpResponse:
    status, title = KINDS[problem.kind]
    body = {
        "type": problem_type(problem.kind),
        "title": title.da,
        "status": status,
        "title_en": title.en,
        "instance": request.path,
    }
    if problem.detail is not None:
        body["detail"] = problem.detail.da
        body["detail_en"] = problem.detail.en
    if problem.errors:
        body["errors"] = problem.errors
    if problem.warnings:
        body["warnings"] = problem.warnings
    answer = HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type=CONTENT_TYPE)
    for name, value in problem.headers.items():
        answer[name] = value
    if status == 401:
        answer["WWW-Authenticate"] = 'Bearer realm="vaelgklogt"'
    return answer
