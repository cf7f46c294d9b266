"""Email backends for the delivery tests: one that fails once for chosen recipients, one that hangs mid-send
(so a test can kill the worker there), and a worker entry point that picks the backend from the environment.
"""

from __future__ import annotations

import os
import smtplib
import time
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from django.core.mail import EmailMessage
from django.core.mail.backends.filebased import EmailBackend as FileBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class FailOnceFor(LocmemBackend):
    """The in-memory outbox, except that the first message to each address in `fail_next` raises, as an SMTP
    server that drops the connection would."""

    fail_next: ClassVar[set[str]] = set()

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        for message in messages:
            for address in message.to:
                if address in self.fail_next:
                    self.fail_next.discard(address)
                    raise smtplib.SMTPServerDisconnected(f"lost the connection while sending to {address}")
        return super().send_messages(messages)


class HangWhileSending(FileBackend):
    """Touches the file named by MEDIC_TEST_SENDING_MARKER, then hangs before the message is handed over:
    the state of a worker whose mail server has not answered yet, the moment the test kills it."""

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        Path(os.environ["MEDIC_TEST_SENDING_MARKER"]).touch()
        while True:
            time.sleep(60)


def run_worker() -> None:
    """`manage.py procrastinate worker` for the `emails` queue, with MEDIC_TEST_EMAIL_BACKEND writing to
    MEDIC_TEST_EMAIL_DIR; with MEDIC_TEST_WORKER_WAIT unset it stops once the queue is empty."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medic.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.EMAIL_BACKEND = os.environ["MEDIC_TEST_EMAIL_BACKEND"]
    settings.EMAIL_FILE_PATH = os.environ["MEDIC_TEST_EMAIL_DIR"]
    wait = "--wait" if os.environ.get("MEDIC_TEST_WORKER_WAIT") else "--one-shot"
    call_command("procrastinate", "worker", "--queues=emails", "--fetch-job-polling-interval=0.2", wait)


if __name__ == "__main__":
    run_worker()
