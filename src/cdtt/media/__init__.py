"""The media log of the provincial newspaper and radio-TV, and the press page."""
