"""gunicorn settings (read automatically from the working directory; see the Procfile).

Every value can be changed from the environment, as a platform like Heroku or a systemd unit
expects: PORT or BIND, WEB_CONCURRENCY (worker processes), WEB_THREADS (threads per worker).
"""

import os

bind = os.environ.get("BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = 30
# How long a stopping worker may take (GRACEFUL_TIMEOUT): its queued replies are sent or handed over.
graceful_timeout = int(os.environ.get("GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# The access log has the path and status only: never a resident's message or LINE user id.
accesslog = os.environ.get("ACCESS_LOG", "-")
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
# gunicorn's control socket (gunicornc) is one path per user: a second instance on the same host
# (a blue-green deploy, the tests' two instances) would take it over. The bot needs none.
control_socket_disable = True


# Seconds a stopping worker keeps sending queued replies before it hands the rest over; the
# master kills a worker graceful_timeout seconds after asking it to stop.
DRAIN_MARGIN_SECONDS = 5


def worker_exit(server, worker):
    """Before a worker stops (deploys, restarts): hand its queued replies to the other workers,
    send what it can in time, leave the rest to another worker or the next start."""
    app = getattr(worker, "wsgi", None)
    dispatcher = getattr(app, "extensions", {}).get("dispatcher")
    if dispatcher is not None:
        dispatcher.shutdown(timeout=max(1.0, worker.cfg.graceful_timeout - DRAIN_MARGIN_SECONDS))
