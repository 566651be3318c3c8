"""Settings of the application server: ``gunicorn -c python:cdtt.gunicorn_conf cdtt.wsgi``.

Two worker processes (one per core of the reference server), each with two threads: while one
request of a worker waits on PostgreSQL (a commit's flush, a lock), the other runs. Measured by
``cdtt bench``: threads beyond two add switching, not throughput. Threaded workers also keep
connections alive between requests, which the phones' sync loop and the proxy reuse.
"""

from cdtt.lib.env import envint, envstr

bind = envstr("CDTT_BIND", "127.0.0.1:8000")
workers = envint("CDTT_WEB_WORKERS", 2)
worker_class = "gthread"
threads = envint("CDTT_WEB_THREADS", 2)
keepalive = 5
timeout = 60
