"""The application as `medic.wsgi` serves it, with the clinic search of before the read model
(`selectors.services_offered` and `earliest_across_baseline`): what `bench_search` compares against, in the
same run."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medic.settings")

from medic.wsgi import application  # sets Django up: the models below need it


def _use_the_baseline() -> None:
    from appointments import availability, selectors
    from appointments.availability.baseline import earliest_across_baseline

    # The view reads its candidates and searches through these two names of the package; today's design
    # read the services as model rows and searched them afresh.
    availability.search_candidates = selectors.services_offered  # type: ignore[assignment]
    availability.earliest_across = earliest_across_baseline  # type: ignore[assignment]


_use_the_baseline()

__all__ = ["application"]
