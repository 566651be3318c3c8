"""Directives and their tasks: agencies report progress, the Department urges, officers get a
daily digest and a calendar of deadlines, the provincial leader sees the province at a glance."""
