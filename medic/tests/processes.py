"""For tests that start real processes (a server, a job worker): the environment that points them at this
test's database, whichever server it is on."""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

from django.db import connection


def on_test_database() -> dict[str, str]:
    """This process's environment, with the database set to the one this test runs on."""
    env = dict(os.environ)
    name = str(connection.settings_dict["NAME"])
    if os.environ.get("DATABASE_URL"):
        url = urlsplit(os.environ["DATABASE_URL"])
        env["DATABASE_URL"] = urlunsplit(url._replace(path=f"/{name}"))
    else:
        env["MEDIC_DB_NAME"] = name
    return env
