"""The clinic search and the schedule preview, timed; plots for docs/img/.

1. Earliest free time across a clinic over HTTP: the bench data of `bench_booking` part 2 (1,000 doctors x
   14 days x 50,000 confirmed appointments) on a fresh database `medic_bench_search_http`, served by a real
   server (Granian, as `make run` starts it) twice in one run: today's read-model search (`medic.wsgi`),
   then the plain search it replaced (`bench.search_baseline_wsgi`: `earliest_across_baseline`).
   GET /api/availability for 100, 250, 500 and 1,000 doctors (the smaller clinics are the doctors at one
   location); p50/p95 of each and their ratio; both answers checked against the brute-force answer. Plot:
   docs/img/search_vs_doctors.png.
2. The Add Slot preview of a typical week (Monday to Friday 09:00-17:00 at 15 minutes, a lunch break) over
   7 to 366 days, in-process through `scheduling.services.preview` and its JSON. Plot:
   docs/img/preview_vs_range.png.

Run from the checkout: `.venv/bin/python -m bench.bench_search` (`--help` for the knobs). Exits 1 when an
answer is wrong.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time as clock
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from http.client import HTTPConnection
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medic.settings")

from bench._server import BASE_DIR, HOST, fresh_database, serve
from bench.bench_booking import SEARCH_LIMIT, percentile, seed_search, setup_django

DB = "medic_bench_search_http"
SIZES = (100, 250, 500, 1000)
RANGES = (7, 30, 90, 180, 366)
IMG = BASE_DIR / "docs" / "img"


def subsets(clinic_id: uuid.UUID) -> dict[int, str | None]:
    """For each smaller size, a location at which exactly that many of the clinic's doctors work (the search
    filtered by it covers those doctors); None for the whole clinic."""
    from medic.clinic.models import Doctor, Location

    doctors = list(Doctor.objects.filter(clinic_id=clinic_id).order_by("display_name"))
    through = Doctor.locations.through
    out: dict[int, str | None] = {}
    for n in SIZES:
        if n >= len(doctors):
            out[n] = None
            continue
        location = Location.objects.create(clinic_id=clinic_id, name=f"Bench site of {n}")
        through.objects.bulk_create(through(doctor=d, location=location) for d in doctors[:n])
        out[n] = str(location.pk)
    return out


def search_url(data: Any, location: str | None) -> str:
    query = {
        "clinicId": str(data.clinic_id),
        "service": "Consultation",
        "start": data.first.isoformat(),
        "end": data.last.isoformat(),
        "limit": SEARCH_LIMIT,
    }
    if location:
        query["doctorLocationId"] = location
    return "/api/availability?" + urlencode(query)


def time_http(port: int, url: str, runs: int, warmup: int) -> tuple[list[float], list[tuple[int, str]]]:
    """Latencies (ms, sorted) of `runs` GETs on one keep-alive connection after `warmup` untimed ones."""
    conn = HTTPConnection(HOST, port, timeout=120)

    def get() -> dict:
        conn.request("GET", url)
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise SystemExit(f"GET {url}: {response.status} {body[:300]!r}")
        return json.loads(body)

    for _ in range(warmup):
        get()
    times = []
    for _ in range(runs):
        started = clock.perf_counter()
        body = get()
        times.append((clock.perf_counter() - started) * 1000)
    conn.close()
    answer = [(int(datetime.fromisoformat(s["startUtc"]).timestamp()), s["doctorId"]) for s in body["slots"]]
    return sorted(times), answer


def part_search(args: argparse.Namespace) -> tuple[dict[str, dict[int, list[float]]], bool]:
    fresh_database(DB)
    setup_django(DB)
    from medic.clinic.models import Clinic

    data = seed_search(random.Random(7))
    Clinic.objects.filter(pk=data.clinic_id).update(is_public=True)  # anonymous GETs, no token to manage
    sites = subsets(data.clinic_id)
    # The per-user rate limit stays in the path (one upsert a request) but never refuses the bench's client.
    os.environ["MEDIC_THROTTLE_SEARCH"] = "1000000/min"
    figures: dict[str, dict[int, list[float]]] = {}
    answers: dict[str, list[tuple[int, str]]] = {}
    designs = (
        ("read model", "medic.wsgi:application", args.runs, 3),
        ("baseline", "bench.search_baseline_wsgi:application", args.baseline_runs, 1),
    )
    for name, app, runs, warmup in designs:
        figures[name] = {}
        with serve(DB, workers=2, threads=4, app=app) as server:
            for n in SIZES:
                figures[name][n], answer = time_http(server.port, search_url(data, sites[n]), runs, warmup)
                if sites[n] is None:
                    answers[name] = answer

    print()
    print(
        f"Earliest free time across a clinic over HTTP: 1,000 doctors x 14 days ({data.first} .. "
        f"{data.last}), 50,000 confirmed appointments, database {DB}, Granian 2 workers x 4 threads, "
        "one keep-alive client"
    )
    print(
        "  seeding: "
        + ", ".join(f"{k} {v:.1f} s" for k, v in data.seed_seconds.items())
        + f"  (total {sum(data.seed_seconds.values()):.1f} s)"
    )
    print(f"  GET /api/availability (limit {SEARCH_LIMIT}), ms      p50      p95   (runs)")
    for n in SIZES:
        for name in figures:
            values = figures[name][n]
            print(
                f"    {n:>5} doctors, {name:<12} {percentile(values, 50):8.1f} "
                f"{percentile(values, 95):8.1f}   ({len(values)})"
            )
        ratio = percentile(figures["baseline"][n], 50) / percentile(figures["read model"][n], 50)
        print(f"    {n:>5} doctors, p50 ratio baseline / read model: {ratio:.1f}x")
    ok = True
    for name, answer in answers.items():
        matches = answer == data.expected
        ok &= matches
        print(f"  {name}: answer {'matches' if matches else 'DIFFERS FROM'} the brute-force answer")
    return figures, ok


def part_preview(args: argparse.Namespace) -> dict[int, list[float]]:
    """Preview timings (ms, sorted) per range length, in-process on the bench database."""
    from medic.clinic.models import Doctor
    from scheduling import selectors, services
    from scheduling.api.serializers import preview_json
    from scheduling.validation import parse_schedule_payload

    doctor = Doctor.objects.order_by("display_name").first()
    assert doctor is not None
    today = datetime.now(UTC).date()
    week = [
        {
            "dayOfWeek": d,
            "enabled": True,
            "windows": [
                {
                    "workStartLocal": "09:00",
                    "workEndLocal": "17:00",
                    "slotIntervalMinutes": 15,
                    "breaks": [{"breakStartLocal": "13:00", "breakEndLocal": "14:00", "label": "Lunch"}],
                }
            ],
        }
        for d in range(1, 6)
    ]
    out: dict[int, list[float]] = {}
    for days in RANGES:
        payload = {
            "scope": {"timezone": "Europe/Athens"},
            "days": week,
            "dateRange": {"start": today.isoformat(), "end": (today + timedelta(days=days - 1)).isoformat()},
        }

        def run(payload: dict = payload) -> int:
            result = parse_schedule_payload(
                payload, refs=selectors.references_for(doctor), today=today, mode="preview"
            )
            return len(json.dumps(preview_json(services.preview(doctor=doctor, result=result))))

        out[days] = timed(run, args.preview_runs)
    print()
    print(
        "Add Slot preview of a typical week (Mon-Fri 09:00-17:00 at 15 min, lunch 13-14), in-process "
        "(parse + preview + JSON), ms"
    )
    for days, values in out.items():
        print(f"    {days:>4} days  p50 {percentile(values, 50):8.1f}  p95 {percentile(values, 95):8.1f}")
    return out


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        started = clock.perf_counter()
        fn()
        times.append((clock.perf_counter() - started) * 1000)
    return sorted(times)


def plot(search: dict[str, dict[int, list[float]]], preview: dict[int, list[float]]) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    IMG.mkdir(parents=True, exist_ok=True)
    stamp = f"make bench, {date.today().isoformat()}"
    written = []

    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    for name, style in (("baseline", "o--"), ("read model", "o-")):
        for p, alpha in ((50, 1.0), (95, 0.45)):
            ys = [percentile(search[name][n], p) for n in SIZES]
            ax.plot(SIZES, ys, style, alpha=alpha, label=f"{name} p{p}")
    ax.axhline(50, color="grey", linewidth=0.8, linestyle=":", label="target p50 50 ms")
    ax.set_xlabel("doctors searched (14 days, 50 bookings each)")
    ax.set_ylabel("GET /api/availability, ms")
    ax.set_title("Earliest free time across a clinic")
    ax.set_yscale("log")
    ax.legend(fontsize=8)
    ax.text(1.0, -0.16, stamp, transform=ax.transAxes, ha="right", fontsize=7, color="grey")
    fig.tight_layout()
    written.append(IMG / "search_vs_doctors.png")
    fig.savefig(written[-1], dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    for p in (50, 95):
        ax.plot(RANGES, [percentile(preview[d], p) for d in RANGES], "o-", label=f"p{p}")
    ax.set_xlabel("preview range, days")
    ax.set_ylabel("preview (parse + slots + JSON), ms")
    ax.set_title("Add Slot preview of a typical week")
    ax.legend(fontsize=8)
    ax.text(1.0, -0.16, stamp, transform=ax.transAxes, ha="right", fontsize=7, color="grey")
    fig.tight_layout()
    written.append(IMG / "preview_vs_range.png")
    fig.savefig(written[-1], dpi=110)
    plt.close(fig)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=40, help="timed GETs per size, read model")
    parser.add_argument("--baseline-runs", type=int, default=7, help="timed GETs per size, baseline")
    parser.add_argument("--preview-runs", type=int, default=7, help="timed previews per range length")
    parser.add_argument("--no-plots", action="store_true", help="print the figures only")
    args = parser.parse_args()
    started = clock.perf_counter()
    figures, ok = part_search(args)
    preview = part_preview(args)
    if not args.no_plots:
        for path in plot(figures, preview):
            print(f"  wrote {path.relative_to(BASE_DIR)}")
    print(f"  ({clock.perf_counter() - started:.0f} s in all)")
    if not ok:
        print("FAILED: see the figures above", file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
