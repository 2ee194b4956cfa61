"""The Celery app that test workers run (`celery -A tests.celery_test_app worker`): the
project's own app, plus hooks a test asks for through the worker's environment, installed in
each worker process from here so the product carries no test switches.

- PEERPATH_TEST_RENDER_DELAY (seconds): every certificate render waits that long before it
  starts, so a test can kill the worker while a render is open. Each held render prints
  `HELD_LINE` to the worker's log first, so the test can see that the render is really open
  (and not finished or never started) when it acts."""

import os
import time

from celery.signals import worker_process_init

from lms.celery import app

__all__ = ["app", "HELD_LINE"]

HELD_LINE = "peerpath-test: certificate render held open"


@worker_process_init.connect
def hold_renders_open(**kwargs):
    delay = float(os.environ.get("PEERPATH_TEST_RENDER_DELAY", "0") or 0)
    if not delay:
        return
    from certification.credentials import pdf

    render = pdf.render_pdf

    def slow_render(context):
        print(f"{HELD_LINE} for {delay:g} s (pid {os.getpid()})", flush=True)
        time.sleep(delay)
        return render(context)

    pdf.render_pdf = slow_render
