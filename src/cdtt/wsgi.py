"""WSGI entry point (gunicorn cdtt.wsgi): the API's bearer requests and the others each through
their middleware (``cdtt.core.lanes``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cdtt.settings")
_browser = get_wsgi_application()  # sets Django up

from cdtt.core.lanes import BearerHandler, Lanes  # noqa: E402 - needs Django set up

application = Lanes(browser=_browser, bearer=BearerHandler())
