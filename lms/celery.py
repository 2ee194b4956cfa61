"""The Celery application for Peerpath's own background work.

Tasks live in each app's ``tasks.py`` and are discovered automatically. The task class is
Celery's ``DjangoTask``, so ``task.delay_on_commit(...)`` enqueues only once the surrounding
transaction has committed: a worker never sees an id for a row that is not there yet.
"""

import logging
import os
import time

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")

logger = logging.getLogger("lms.celery")

app = Celery("lms", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def close_inherited_connections(**kwargs):
    """A forked worker child must not reuse the parent's database connection."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close_if_unusable_or_obsolete()


@worker_process_init.connect
def warm_up_certificate_rendering(**kwargs):
    """Load the certificate fonts and WeasyPrint in each worker process before its first task,
    so the first certificate a worker renders is not several times slower than the rest."""
    from certification.credentials import pdf

    started = time.perf_counter()
    try:
        pdf.warm_up()
    except Exception as error:  # noqa: BLE001 - never stop a worker; the first render reports it
        logger.warning("Certificate warm-up failed: %s", error)
        return
    elapsed_ms = 1000 * (time.perf_counter() - started)
    logger.info("Certificate rendering warmed up in %.0f ms", elapsed_ms)
