"""The goals of the NSR plan (Mål 1, Mål 2, the cross-hospital recommendation) and the hospital-wide status: the one
source of truth that pages, exports, the API and reports call. It counts the verdicts of the charts
(`measurements.charts.signal_of`); it does not make them."""
