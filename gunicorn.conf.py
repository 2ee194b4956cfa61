"""gunicorn settings for Peerpath, chosen by measurement (bench/README.md, "gunicorn settings").

gunicorn reads this file by itself when started from the repository root:

    .venv/bin/gunicorn lms.wsgi --bind 127.0.0.1:8000

Every value can be overridden from the environment (GUNICORN_WORKERS, GUNICORN_THREADS,
GUNICORN_TIMEOUT) or on the command line, which wins over this file. The benchmarks use the
same values unless told otherwise (bench.runner reads this file).

Why these values (`python -m bench.gunicorn_sweep` on the 2-core machine): the signed-in
lesson page is CPU-bound, and its throughput was the same, within the noise, with 2, 3 or 5
sync workers or with 2 gthread workers of 4 threads; memory grows by about 150 MB per
process (5 workers: 780 MB, 2: 330 MB). Two processes of four threads kept the lesson-page
throughput, the memory of two processes, and served cheap requests (health checks, static
files, verification JSON) about three times faster than two sync workers, since a thread
waiting on PostgreSQL, Redis or a slow client no longer holds a whole process. So: one
process per core (at least two, so that one can restart while the other serves), four
threads each.
"""

import os

_cores = os.cpu_count() or 1

workers = int(os.environ.get("GUNICORN_WORKERS") or max(2, _cores))
threads = int(os.environ.get("GUNICORN_THREADS") or 4)
worker_class = "gthread" if threads > 1 else "sync"
# A request that takes longer than this is stuck: the worker is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
graceful_timeout = 10
# Idle keep-alive connections stay open longer than a proxy's (nginx: 60 s) or a client's
# pause between requests: when gunicorn closes first, a request sent at that moment fails
# with a dropped connection (the soak test saw 3% of requests fail so with 5 s and learners
# acting every 8 s). With gthread workers an idle connection holds no thread.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE") or 75)
