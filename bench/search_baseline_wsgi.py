"""The application as `medic.wsgi` serves it, with the clinic search of before the read model
(`selectors.services_offered` and `earliest_across_baseline`): what `bench_search` compares against, in the
same run."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medic.settings")

from medic.wsgi import application  # sets Django up: the models below need it


def _use_the_baseline() -> None:
    from typing import Any

    from appointments import availability, selectors
    from appointments.availability import Candidate, Start, booking_rules
    from appointments.availability.baseline import earliest_across_baseline

    def earliest_starts(types: Any, **search: Any) -> list[tuple[Candidate, Start]]:
        """The baseline's offers in the shape the view answers from: (who and what, start)."""
        return [
            (
                Candidate(
                    o.appointment_type.pk,
                    o.doctor.pk,
                    o.doctor.display_name,
                    o.doctor.effective_timezone,
                    booking_rules(o.appointment_type),
                    0,
                ),
                o.start,
            )
            for o in earliest_across_baseline(types=types, **search)
        ]

    # The view reads its candidates and searches through these names of the package; today's design read
    # the services as model rows and searched them afresh.
    availability.search_candidates = selectors.services_offered  # type: ignore[assignment]
    availability.earliest_across = earliest_across_baseline  # type: ignore[assignment]
    availability.earliest_starts = earliest_starts  # type: ignore[assignment]


_use_the_baseline()

__all__ = ["application"]
