"""The policy built once (cdtt.core.csp) is django-csp's, and follows the setting."""

from csp.utils import build_policy
from django.conf import settings
from django.test import override_settings


def test_an_answer_gets_the_policy_django_csp_builds(client):
    response = client.get("/healthz")
    assert response["Content-Security-Policy"] == build_policy()
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_a_changed_setting_changes_the_header(client):
    assert client.get("/healthz")["Content-Security-Policy"]  # built once already
    policy = {"DIRECTIVES": {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], "img-src": ["*"]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        header = client.get("/healthz")["Content-Security-Policy"]
        assert "img-src *" in header and header == build_policy()
    assert "img-src *" not in client.get("/healthz")["Content-Security-Policy"]
