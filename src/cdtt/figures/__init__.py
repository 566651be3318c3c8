"""Figures: every module declares its figures once; dashboards, the API and reports read them here.

A figure has a code, a Vietnamese label, a unit of measure and a way to compute it for any
administrative unit as of a date (``None``: now, from the live roll-ups). Modules declare them in
their own ``figures.py`` (found by ``FiguresConfig.ready``); this app imports no module above it.
"""
