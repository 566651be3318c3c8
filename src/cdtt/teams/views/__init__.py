"""Pages of the teams app, one module per seam: teams, members (and people), figures.

The organisation pages live in ``cdtt.organizations``; the unit picker in ``cdtt.geo``.
"""
