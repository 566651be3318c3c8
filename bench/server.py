"""The app server ``cdtt bench`` measures over loopback: gunicorn with the production settings
(2 workers, ``cdtt.gunicorn_conf``), started and stopped by the bench, and the logins the
measures use."""

import json
import os
import signal
import subprocess
import sys
import time

from bench.common import Http, free_port

PASSWORD_LETTERS = "abcdefghjkmnpqrstuvwxyz23456789"


def bench_user(username: str, role: str, unit, password: str) -> None:
    """A login for the bench (created, or given this run's password when it exists)."""
    from cdtt.accounts.models import User
    from cdtt.accounts.services import user_create

    user = User.objects.filter(username=username).first()
    if user is None:
        user_create(
            actor=None,
            username=username,
            password=password,
            role=role,
            scope_unit=unit,
            full_name=username,
        )
    else:
        user.set_password(password)
        user.save(update_fields=["password"])


def token_for(base_url: str, username: str, password: str) -> str:
    """An API token of the login, from the server."""
    client = Http(base_url)
    status, body, _t = client.request(
        "POST", "/api/v1/auth/token", body={"username": username, "password": password}
    )
    client.close()
    if status != 200:
        raise RuntimeError(f"no API token for {username} ({status}): {body[:200]!r}")
    return json.loads(body)["token"]


def _gunicorn(run, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": run.db.server_url,
        "DJANGO_SETTINGS_MODULE": "cdtt.settings",
        "CDTT_LOGIN_THROTTLE": "false",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "python:cdtt.gunicorn_conf",  # the production settings, but for these:
            "cdtt.wsgi:application",
            "--workers",
            "2",
            "--worker-class",
            run.worker_class,
            "--threads",
            str(run.threads),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--timeout",
            "120",
        ],
        env=env,
        start_new_session=True,
    )


def _wait_healthy(run, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            client = Http(run.base_url)
            status, _body, _t = client.get("/healthz")
            client.close()
            if status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline or run.server.poll() is not None:
            raise RuntimeError("gunicorn did not start")
        time.sleep(0.3)


def server_start(run) -> None:
    """The server up, a province administrator's token in ``run.token``."""
    from django.db import connections

    from cdtt.core.roles import Role

    run.password = "bench-" + "".join(run.rng.choice(PASSWORD_LETTERS) for _ in range(16))
    bench_user("bench", Role.PROVINCE_ADMIN, run.province, run.password)
    # CDTT_BENCH_PORT: a port of one's own when others run servers on the machine.
    port = int(os.environ.get("CDTT_BENCH_PORT") or 0) or free_port()
    run.base_url = f"http://127.0.0.1:{port}"
    connections.close_all()
    run.server = _gunicorn(run, port)
    _wait_healthy(run)
    run.token = token_for(run.base_url, "bench", run.password)
    run.info["server"] = {
        "gunicorn_workers": 2,
        "worker_class": run.worker_class,
        "threads": run.threads,
        "url": run.base_url,
    }
    threads = f" × {run.threads} threads" if run.threads > 1 else ""
    run.out(
        f"   gunicorn (2 {run.worker_class} workers{threads}) on {run.base_url}; "
        f"PostgreSQL over {run.info['app_database_connection']}"
    )


def server_stop(run) -> None:
    if run.server and run.server.poll() is None:
        os.killpg(run.server.pid, signal.SIGTERM)
        try:
            run.server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(run.server.pid, signal.SIGKILL)
