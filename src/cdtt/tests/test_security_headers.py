"""The security settings: the content security policy on every answer, no template with an
inline script, the deploy checklist clean with the production settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cdtt.tests.csp_check import csp_problems, inline_scripts

SRC = Path(__file__).resolve().parents[1]


def test_no_template_has_an_inline_script_or_handler():
    found = {}
    for template in sorted(SRC.rglob("templates/**/*.html")):
        problems = inline_scripts(template.read_text())
        if problems:
            found[str(template.relative_to(SRC))] = problems
    assert found == {}


def test_the_checker_sees_what_the_policy_would_block():
    assert inline_scripts("<script>alert(1)</script>") == ["inline <script>: alert(1)"]
    assert inline_scripts('<button onclick="x()">') == ["<button onclick=…>"]
    assert inline_scripts('<a href="javascript:x()">') == ["<a href=javascript:…>"]
    assert inline_scripts('<script src="/static/a.js"></script>') == []
    assert inline_scripts('<script type="application/json" id="d">{"a": 1}</script>') == []


@pytest.mark.django_db
def test_every_answer_carries_the_policy(client, tree, make_user):
    client.force_login(make_user("province_admin", tree.province))
    for path in ("/", "/registry/", "/campaigns/field/", "/public/", "/accounts/login/"):
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        assert csp_problems(response) == [], path
    policy = client.get("/api/v1/openapi.json")["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy


def test_production_settings_pass_the_deploy_checklist(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cdtt.settings_production",
        "CDTT_SECRET_KEY": "k" * 20 + "-production-check-" + "x9" * 20,
        "CDTT_VAR_DIR": str(tmp_path),
        "CDTT_ALLOWED_HOSTS": "cdtt.example.vn",
    }
    env.pop("DATABASE_URL", None)
    # The browser tests set it for Playwright's event loop when they are collected; a server
    # never has it (the deploy check says so), and neither does this one.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    done = subprocess.run(
        [sys.executable, "-m", "cdtt", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout
