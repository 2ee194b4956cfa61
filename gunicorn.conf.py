"""gunicorn settings for Peerpath, chosen by measurement (bench/README.md, "gunicorn settings").

gunicorn reads this file by itself when started from the repository root:

    .venv/bin/gunicorn lms.wsgi --bind 127.0.0.1:8000

Every value can be overridden from the environment (GUNICORN_WORKERS, GUNICORN_THREADS,
GUNICORN_TIMEOUT) or on the command line, which wins over this file. The benchmarks use the
same values unless told otherwise (bench.runner reads this file).

Why these values: the work is CPU-bound Python (templates, Wagtail page routing) with short
database waits, so processes, not threads, are what uses the cores; a few more processes than
cores keep a core busy while one waits on PostgreSQL or Redis. On the 2-core benchmark machine
3 sync workers gave the best lesson-page throughput and tail latency among 2, 3, 5 sync
workers and 2 or 3 gthread workers with 2 or 4 threads (figures in bench/README.md); 5
workers (the "2 x cores + 1" rule) used about 100 MB more memory for no more throughput.
Scale it with the cores: about 1.5 x cores, rounded up.
"""

import math
import os

_cores = os.cpu_count() or 1

workers = int(os.environ.get("GUNICORN_WORKERS") or max(2, math.ceil(1.5 * _cores)))
threads = int(os.environ.get("GUNICORN_THREADS") or 1)
worker_class = "gthread" if threads > 1 else "sync"
# A request that takes longer than this is stuck: the worker is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
graceful_timeout = 10
# Behind a proxy that keeps connections open to us.
keepalive = 5
