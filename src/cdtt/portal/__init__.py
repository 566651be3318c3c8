"""Public pages, without login: find your team, learn the five digital skills."""
