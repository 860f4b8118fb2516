"""Fault suite (issue 12, item 9): shoppers at work while every part of the platform is broken.

Against `bin/up`'s own command (`manage.py up`: SQLite, embedded Redis, local media) and
against Postgres + Redis (a private cluster and a private redis-server, started here on free
127.0.0.1 ports; the shared servers on the default ports are never touched), each in a
temporary directory:

1. a burst of ``--requests`` requests (1,000; 150 with ``--quick``) from ``--shoppers``
   concurrent shoppers, who sign up through the real form (CSRF), log in and out, browse the
   garment list and pages, their account and the JSON API, upload real photos
   (``/work/shared/images/people``, else scikit-image's astronaut) and ask for try-ons;
2. while they keep at it, a SIGKILL of each supervised process kind (storefront worker, which
   runs Celery beat under bin/up; try-on worker; recommender worker; web server), each with
   jobs in flight, ``--kills`` times each: bin/up's supervisor must restart it;
3. a Redis restart (SIGTERM: a clean shutdown, then the same command line again; bin/up's
   embedded server is restarted by this script, as bin/up does not supervise Redis) and, with
   Postgres, a fast restart of the cluster (every connection cut).

Then every try-on job must end in exactly one final state (succeeded with exactly one
result the shopper can open, or failed with a reason): jobs lost and duplicated must be 0,
and so must server errors (HTTP 5xx; a 503 with Retry-After, the platform's answer while the
database or Redis is out of reach, is counted apart). Time to recover is measured per fault:
until the supervisor restarted the process, until it was ready again (a worker's "ready.",
the web server's /health/), until /health/ with a worker round trip answered, and until the next
try-on finished. A request that got no answer at all (the web server was being killed) is
counted apart, as status 0.

    .venv/bin/python -m bench.fault_suite            # both configurations (~15 min, 2 cores)
    .venv/bin/python -m bench.fault_suite --quick    # 150 requests, one kill each (smoke test)
    .venv/bin/python -m bench.fault_suite --configs embedded

Prints its figures and writes bench/results/fault_suite.json (``--name`` to change); exits 1
when a server error, a lost or a duplicated job was seen.
"""

import argparse
import contextlib
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.fault_shoppers import Shopper, Tally, garment_ids, person_photos
from bench.fault_stack import (
    CHILDREN,
    JobLedger,
    Platform,
    PrivatePostgres,
    RedisProcess,
    postgres_bindir,
    private_redis,
    wait_until,
)
from bench.report import RESULTS, machine_info, report_write

FINAL = {"succeeded", "failed", "cancelled"}
#: The recovery figures the summary prints, where a fault has them.
FIGURES = ("restart_s", "ready_s", "down_s", "healthy_s", "next_tryon_final_s",
           "in_flight_settled_s")  # fmt: skip
#: Every shopper here comes from 127.0.0.1, so the per-address limits (meant for one
#: client, 100 uploads an hour) would stop the burst; the per-shopper limits stay as shipped.
BENCH_ENV = {
    "FITTINGROOM_PHOTO_UPLOADS_PER_HOUR_PER_ADDRESS": "100000",
    "FITTINGROOM_TRYON_REQUESTS_PER_HOUR_PER_ADDRESS": "100000",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="150 requests, one kill each")
    parser.add_argument("--requests", type=int, help="burst size (1000; --quick 150)")
    parser.add_argument("--shoppers", type=int, help="concurrent shoppers (8; --quick 4)")
    parser.add_argument("--kills", type=int, default=1, help="SIGKILLs per process kind")
    parser.add_argument("--configs", default="embedded,postgres", help="embedded,postgres")
    parser.add_argument("--drain-s", type=float, default=200, help="wait for jobs to finish")
    parser.add_argument("--name", default="fault_suite")
    parser.add_argument("--out", type=Path, help="JSON path (default bench/results/NAME.json)")
    args = parser.parse_args()
    requests = args.requests or (150 if args.quick else 1000)
    shoppers = args.shoppers or (4 if args.quick else 8)
    photos, photo_source = person_photos()
    started = time.monotonic()
    report: dict[str, Any] = {
        "machine": machine_info(),
        "mode": "quick" if args.quick else "full",
        "requests": requests,
        "shoppers": shoppers,
        "kills_per_kind": args.kills,
        "photos": {"source": photo_source, "count": len(photos)},
        "bench_env": BENCH_ENV,
        "configurations": {},
    }
    for config in [c.strip() for c in args.configs.split(",") if c.strip()]:
        print(f"=== {config} ===", flush=True)
        report["configurations"][config] = run_configuration(
            config, requests=requests, shoppers=shoppers, kills=args.kills,
            drain_s=args.drain_s, photos=photos,
        )  # fmt: skip
    report["wall_s"] = round(time.monotonic() - started, 1)
    ran = [c for c in report["configurations"].values() if "skipped" not in c]
    report["passed"] = bool(ran) and all(c["passed"] for c in ran)
    report_write(report, name=args.name, out=args.out)
    _print_summary(report)
    return 0 if report["passed"] else 1


def run_configuration(
    config: str, *, requests: int, shoppers: int, kills: int, drain_s: float,
    photos: list[tuple[str, bytes]],
) -> dict[str, Any]:  # fmt: skip
    """Start one configuration, run the burst and the faults, audit the jobs, tear it down."""
    root = Path(tempfile.mkdtemp(prefix=f"fault-suite-{config}-"))
    postgres: PrivatePostgres | None = None
    redis_server: RedisProcess | None = None
    platform: Platform | None = None
    try:
        env = dict(BENCH_ENV)
        if config == "postgres":
            bindir = postgres_bindir()
            if bindir is None:
                return {"skipped": "no Postgres binaries (/usr/lib/postgresql/*/bin/initdb)"}
            try:
                postgres = PrivatePostgres(bindir).start()
            except (KeyError, OSError) as exc:
                return {"skipped": f"cannot run a private Postgres cluster here: {exc!r}"}
            redis_server, redis_url = private_redis(root / "redis")
            redis_server.start()
            env.update(DATABASE_URL=postgres.url, REDIS_URL=redis_url)
        elif config != "embedded":
            raise SystemExit(f"unknown configuration {config!r} (embedded, postgres)")
        platform = Platform(root / "up", env)
        startup_s = platform.start()
        print(f"up in {startup_s:.0f} s at {platform.base_url}", flush=True)
        ledger = (
            JobLedger(postgres_url=postgres.url.replace("postgres://", "postgresql://"))
            if postgres
            else JobLedger(sqlite_path=platform.var / "db.sqlite3")
        )
        return _exercise(
            platform, ledger, postgres, redis_server,
            requests=requests, shoppers=shoppers, kills=kills, drain_s=drain_s, photos=photos,
            description=_describe(config, postgres, startup_s),
        )  # fmt: skip
    finally:
        if platform is not None:
            platform.stop()
            # The whole log of bin/up and its children, for the errors' tracebacks.
            keep = RESULTS / f"fault_suite_{config}_up.log"
            with contextlib.suppress(OSError):
                keep.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(platform.log_path, keep)
        if redis_server is not None:
            redis_server.stop()
        if postgres is not None:
            postgres.stop()
        shutil.rmtree(root, ignore_errors=True)


def _describe(config: str, postgres: PrivatePostgres | None, startup_s: float) -> dict[str, Any]:
    if postgres is None:
        what = "manage.py up (bin/up): SQLite in WAL mode, embedded Redis, local media"
    else:
        what = (
            f"manage.py up with DATABASE_URL (private Postgres {postgres.bindir.parent.name} "
            "on 127.0.0.1) and REDIS_URL (private redis-server, append-only), local media"
        )
    return {"configuration": what, "startup_s": round(startup_s, 1)}


def _exercise(
    platform: Platform, ledger: JobLedger, postgres: PrivatePostgres | None,
    redis_server: RedisProcess | None, *, requests: int, shoppers: int, kills: int,
    drain_s: float, photos: list[tuple[str, bytes]], description: dict[str, Any],
) -> dict[str, Any]:  # fmt: skip
    garments = garment_ids(platform.base_url)
    tally = Tally()
    stamp = int(time.time()) % 100000
    crowd = [
        Shopper(platform.base_url, f"bench-{stamp}-{n}", tally, photos, garments, seed=n)
        for n in range(shoppers)
    ]

    # 1. The burst: every shopper as fast as it can until the count is reached.
    burst_started = time.monotonic()
    _run_crowd(crowd, until=lambda: tally.requests >= requests, pause_s=0.0)
    burst = {
        "requests": tally.requests,
        "wall_s": round(time.monotonic() - burst_started, 1),
        "statuses": dict(tally.statuses()),
        "by_kind": {k: dict(v) for k, v in tally.by_kind.items()},
        "tryon_jobs_accepted": len(tally.jobs),
    }
    print(f"burst: {burst}", flush=True)

    # 2 and 3. The faults, while the shoppers keep at it at a walking pace.
    for shopper in crowd:
        shopper.phase = "faults"
    faults: list[dict[str, Any]] = []
    stop = threading.Event()
    background = threading.Thread(
        target=_run_crowd, args=(crowd,), kwargs={"until": stop.is_set, "pause_s": 0.4},
        daemon=True,
    )  # fmt: skip
    background.start()
    try:
        for round_ in range(kills):
            for child in CHILDREN:
                kill = _child_kill(platform, child)
                running = child == "try-on worker"
                faults.append(
                    _fault(
                        f"SIGKILL {child}",
                        kill,
                        platform,
                        ledger,
                        need_running=running,
                        round_=round_,
                    )
                )
        if redis_server is not None:
            faults.append(_fault("Redis restart", lambda: _redis_restart(redis_server),
                                 platform, ledger))  # fmt: skip
        else:
            faults.append(_fault("Redis restart", platform.restart_embedded_redis, platform,
                                 ledger))  # fmt: skip
        if postgres is not None:
            faults.append(_fault("Postgres restart", lambda: {"restart_s": round(
                postgres.restart(), 2)}, platform, ledger))  # fmt: skip
    finally:
        stop.set()
        background.join(timeout=180)

    # Every job must come to an end: a killed worker's job comes back after the broker's
    # visibility timeout (about a minute), a lost message after the reaper's sweep.
    drain_started = time.monotonic()
    accepted = set(tally.jobs)
    wait_until(lambda: _all_final(ledger.jobs(), accepted), timeout_s=drain_s, interval_s=2)
    drain = round(time.monotonic() - drain_started, 1)
    audit = _audit(tally, ledger, platform, {s.name: s for s in crowd}, faults)
    # A 503 (with Retry-After) is the platform saying "try again in a few seconds" while the
    # database or Redis restarts: counted apart. Every other 5xx is a server error.
    statuses = tally.statuses()
    server_errors = sum(n for status, n in statuses.items() if int(status) >= 500) - statuses.get(
        "503", 0
    )
    result = {
        **description,
        "garments": len(garments),
        "burst": burst,
        "faults": faults,
        "drain_s": drain,
        "requests_total": tally.requests,
        "statuses_total": dict(tally.statuses()),
        "by_kind_total": {k: dict(v) for k, v in tally.by_kind.items()},
        "server_errors": server_errors,
        "unavailable_503": statuses.get("503", 0),
        "server_error_samples": [e for e in tally.server_errors if e["status"] != 503][:10],
        "unavailable_samples": [e for e in tally.server_errors if e["status"] == 503][:5],
        "no_answer": tally.statuses().get("0", 0),
        "no_answer_outside_web_server_kills": _no_answer_outside(tally, faults),
        "jobs": audit,
        "supervisor_log": [line for line in platform.log().splitlines() if "supervisor:" in line][
            -40:
        ],
    }
    result["passed"] = (
        server_errors == 0
        and audit["lost"] == 0
        and audit["duplicated"] == 0
        and all(f.get("recovered", False) for f in faults)
        and result["no_answer_outside_web_server_kills"] == 0
    )
    return result


def _run_crowd(crowd: list[Shopper], *, until: Any, pause_s: float) -> None:
    """Each shopper on its own thread, stepping until ``until()``."""

    def walk(shopper: Shopper) -> None:
        while not until():
            try:
                shopper.step()
            except Exception as exc:  # a bench bug must not stop the others; it is shown
                print(f"{shopper.name}: {exc!r}", flush=True)
                time.sleep(1)
            if pause_s:
                time.sleep(pause_s * (0.5 + shopper.random.random()))

    threads = [threading.Thread(target=walk, args=(s,), daemon=True) for s in crowd]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _child_kill(platform: Platform, child: str) -> Any:
    return lambda: platform.kill_child(child)


def _redis_restart(server: RedisProcess) -> dict[str, Any]:
    started = time.monotonic()
    server.stop()
    stopped = time.monotonic()
    server.start()
    return {"stop_s": round(stopped - started, 2), "down_s": round(time.monotonic() - started, 2)}


def _fault(
    name: str, action: Any, platform: Platform, ledger: JobLedger, *,
    need_running: bool = False, round_: int = 0,
) -> dict[str, Any]:  # fmt: skip
    """Wait for jobs in flight (a running one, where asked), break something, and time the
    way back: the action's own figures, /health/ with a worker round trip, the next try-on
    finished (measured when the jobs are audited)."""

    def in_flight() -> list[str]:
        wanted = {"running"} if need_running else {"running", "queued"}
        return [j for j, job in ledger.jobs().items() if job["state"] in wanted]

    wait_until(lambda: bool(in_flight()), timeout_s=90, interval_s=0.25)
    jobs = {j: s["state"] for j, s in ledger.jobs().items() if s["state"] not in FINAL}
    print(f"{name}: {len(jobs)} jobs in flight", flush=True)
    at = time.time()
    started = time.monotonic()
    figures = action()
    healthy = wait_until(lambda: platform.healthy(worker=True), timeout_s=60, interval_s=0.25)
    fault = {
        "fault": name,
        "round": round_,
        "at": at,
        "jobs_in_flight": len(jobs),
        "jobs_running": sum(1 for s in jobs.values() if s == "running"),
        "in_flight_ids": sorted(jobs),
        **figures,
        "healthy_s": round(time.monotonic() - started, 2) if healthy else None,
    }
    fault["recovered"] = healthy and figures.get("restarted", True) is not False
    if "ready_s" in figures:
        fault["recovered"] = fault["recovered"] and figures["ready_s"] is not None
    print(f"  {fault}", flush=True)
    time.sleep(3)  # let the platform settle before the next blow
    return fault


def _no_answer_outside(tally: Tally, faults: list[dict[str, Any]]) -> int:
    """Requests that got no answer outside a web server kill's window (from the SIGKILL until
    it answered /health/ again, plus the time a request in flight may take to fail)."""
    windows = [
        (f["at"] - 1, f["at"] + (f.get("ready_s") or 60) + 5)
        for f in faults
        if f["fault"] == "SIGKILL web server"
    ]
    return sum(1 for at in tally.no_answer_at if not any(a <= at <= b for a, b in windows))


def _all_final(jobs: dict[str, dict[str, Any]], accepted: set[str]) -> bool:
    return all(job["state"] in FINAL for job in jobs.values()) and accepted <= set(jobs)


def _audit(
    tally: Tally, ledger: JobLedger, platform: Platform, shoppers: dict[str, Shopper],
    faults: list[dict[str, Any]],
) -> dict[str, Any]:  # fmt: skip
    """Every try-on job: one final state; a success has exactly one result, which its shopper
    can open; a failure has a reason. Files left beside a job (a second result, a worker's
    copy) count as duplicates."""
    jobs = ledger.jobs()
    outcomes = ledger.attempt_outcomes()
    accepted = set(tally.jobs)
    missing = sorted(accepted - set(jobs))
    unfinished = sorted(j for j, job in jobs.items() if job["state"] not in FINAL)
    cancelled = sorted(j for j, job in jobs.items() if job["state"] == "cancelled")
    no_reason = sorted(
        j
        for j, job in jobs.items()
        if job["state"] == "failed" and not (job["error_code"] and job["error_message"])
    )
    double_success = sorted(j for j, runs in outcomes.items() if runs.count("succeeded") > 1)
    files = [p for p in platform.var.rglob("*") if p.is_file()]
    leftovers: dict[str, list[str]] = {}
    missing_result: list[str] = []
    private = platform.var / "private"
    for job_id, job in jobs.items():
        expected = {
            str(private / name) for name in (job["result_blob_name"], job["edit_region_blob_name"])
            if name
        }  # fmt: skip
        found = {str(p) for p in files if job_id in p.name}
        if extra := sorted(found - expected):
            leftovers[job_id] = [str(Path(p).relative_to(platform.var)) for p in extra]
        if job["state"] == "succeeded" and not (expected and expected <= found):
            missing_result.append(job_id)
    unopenable = []
    for job_id, info in tally.jobs.items():
        if jobs.get(job_id, {}).get("state") == "succeeded":
            status = shoppers[info["shopper"]].result_check(job_id)
            if status != 200:
                unopenable.append({"job": job_id, "status": status})
    finals = [job for job in jobs.values() if job["state"] in FINAL]
    failed_codes: dict[str, int] = {}
    for job in finals:
        if job["state"] == "failed":
            failed_codes[job["error_code"]] = failed_codes.get(job["error_code"], 0) + 1
    for fault in faults:
        after = [
            job["finished_at"] - fault["at"]
            for job in jobs.values()
            if job["finished_at"] and job["finished_at"] > fault["at"]
        ]
        fault["next_tryon_final_s"] = round(min(after), 2) if after else None
        settled = [jobs.get(j, {}).get("finished_at") for j in fault.pop("in_flight_ids")]
        fault["in_flight_settled_s"] = (
            round(max(t - fault["at"] for t in settled), 1) if settled and all(settled) else None
        )
    lost = len(missing) + len(unfinished) + len(cancelled) + len(missing_result)
    lost += len(unopenable) + len(no_reason)
    return {
        "accepted": len(accepted),
        "in_database": len(jobs),
        "created_without_answer": len(set(jobs) - accepted),
        "succeeded": sum(1 for job in finals if job["state"] == "succeeded"),
        "failed": sum(1 for job in finals if job["state"] == "failed"),
        "failed_by_code": failed_codes,
        "lost": lost,
        "lost_detail": {
            "no_row": missing,
            "not_final": unfinished,
            "cancelled": cancelled,
            "succeeded_without_result_file": missing_result,
            "result_not_served": unopenable,
            "failed_without_reason": no_reason,
        },
        "duplicated": len(double_success) + len(leftovers),
        "duplicated_detail": {"two_successes": double_success, "files_left_beside": leftovers},
        "redelivered_jobs": sum(1 for job in jobs.values() if job["attempts"] > 1),
        "superseded_runs": sum(runs.count("superseded") for runs in outcomes.values()),
        "max_dispatches": max((job["dispatches"] for job in jobs.values()), default=0),
    }


def _print_summary(report: dict[str, Any]) -> None:
    print("\nFault suite:", "PASSED" if report["passed"] else "FAILED", f"({report['wall_s']} s)")
    for name, config in report["configurations"].items():
        if "skipped" in config:
            print(f"  {name}: skipped: {config['skipped']}")
            continue
        jobs = config["jobs"]
        print(
            f"  {name}: {config['requests_total']} requests, {config['server_errors']} server "
            f"errors, {config['unavailable_503']} 503s, {config['no_answer']} unanswered; "
            f"try-ons {jobs['accepted']} accepted, "
            f"{jobs['succeeded']} succeeded, {jobs['failed']} failed, lost {jobs['lost']}, "
            f"duplicated {jobs['duplicated']}; drain {config['drain_s']} s"
        )
        for fault in config["faults"]:
            figures = {k: fault.get(k) for k in FIGURES if fault.get(k) is not None}
            print(f"    {fault['fault']}: {fault['jobs_in_flight']} in flight; {figures}")


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
