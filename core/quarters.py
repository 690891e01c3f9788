"""Quarters: the period a report covers, written `2026Q1` in URLs, commands and the database."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

_PATTERN = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*$")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """`2026Q1` (also `2026-Q1`, `2026q1`); anything else raises ValueError with a Danish message."""
        match = _PATTERN.match(text or "")
        if not match:
            raise ValueError(_("Perioden skal skrives som år og kvartal, fx 2026Q1."))
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def last_complete(cls, today: dt.date) -> Quarter:
        return cls.of(today).previous()

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def label(self) -> str:
        return _("%(number)d. kvartal %(year)d") % {"number": self.number, "year": self.year}

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.number * 3 - 2, 1)

    @property
    def end(self) -> dt.date:
        return self.next().start - dt.timedelta(days=1)

    @property
    def months(self) -> list[dt.date]:
        return [dt.date(self.year, self.number * 3 - 2 + offset, 1) for offset in range(3)]

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def as_of(self, today: dt.date) -> dt.date:
        """The day a report for this quarter is evaluated on: the day after the quarter, or today if earlier.

        A report built after the quarter shows the quarter as it ended; one built during it (an inspiration
        meeting mid-quarter) shows the data so far.
        """
        return min(self.end + dt.timedelta(days=1), today)


def recent_quarters(today: dt.date, count: int = 6) -> list[Quarter]:
    """The current quarter and the `count - 1` before it, newest first."""
    quarters = [Quarter.of(today)]
    while len(quarters) < count:
        quarters.append(quarters[-1].previous())
    return quarters
