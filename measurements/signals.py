"""Signals for the apps above `measurements` (they may import it; it never imports them)."""

from django.dispatch import Signal

#: Sent after a quarter approval is committed, with `approval` (a QuarterApproval).
quarter_approved = Signal()
