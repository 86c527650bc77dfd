"""A bounded load test of `joinedup serve` on 127.0.0.1: concurrent users on a weighted mix of
daily pages, for a fixed time and at most a fixed number of requests, then it stops by itself.

Used by `make bench-scale` (benchmarks/scale.py); on its own:

    python benchmarks/load.py postgres://postgres@127.0.0.1:5432/bench_1m --users 20 --duration 60

The signed-in sessions are made in the database beforehand (as the test client does), so the
measurement is of the pages, not of password hashing, and every page of the mix is asked for a
few times before the clock starts (a server in use is warm). Only the loopback address is ever
sent a request.

The latency target is the paced run's: 20 users offering 40 requests/s in all. Back to back,
20 users who each send the next request as soon as the last is answered always keep 20
requests in the server, so each waits about 20 / throughput seconds (Little's law: 0.4 s at 50
requests/s); that run measures the server's capacity.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
HOST = "127.0.0.1"  # never anything else
SECRET = "bench-scale-only-" + "x" * 40
MAX_REQUESTS = 100_000

# (weight, actor, path): what 20 practitioners do all day, most often first.
MIX = [
    (20, "school", "/"),
    (10, "large_org", "/"),
    (8, "school", "/?name=smith"),
    (4, "large_org", "/?name=smith"),
    (15, "school", "/people/{person}/"),
    (10, "school", "/my-work/"),
    (5, "lead", "/my-work/"),
    (8, "reader", "/episodes/{episode}/"),
    (5, "reader", "/episodes/{episode}/chronology/"),
    (5, "school", "/api/v1/people"),
    (4, "school", "/requests/"),
    (3, "front_door", "/front-door/"),
    (3, "school", "/notifications/"),
]


def _sessions() -> None:
    """In a child process against the database: sign the actors in, print cookies and paths."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "joinedup.config.settings")
    import django

    django.setup()
    import scale
    from django.test import Client

    a = scale.actors()
    users = {
        "school": a["school"],
        "large_org": a["large_org"],
        "lead": a["lead"],
        "reader": a["episode_reader"],
        "front_door": a["front_door"],
    }
    cookies = {}
    for name, user in users.items():
        client = Client()
        client.force_login(user)
        cookies[name] = client.cookies["sessionid"].value
    fill = {"person": a["person"].pk, "episode": a["episode"].pk}
    print("SESSIONS " + json.dumps({"cookies": cookies, "fill": fill}), flush=True)


def _environment(url: str, var: str) -> dict[str, str]:
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY=SECRET, JOINEDUP_DEBUG="false")
    env.update(JOINEDUP_HTTPS="false", ALLOWED_HOSTS=f"{HOST},testserver", JOINEDUP_VAR=var)
    env["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def _wait_until_up(port: int, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/sign-in/", headers={"Host": HOST})
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"joinedup serve did not answer on {HOST}:{port}")


def _user(
    port: int,
    cookies: dict[str, str],
    fill: dict[str, int],
    until: float,
    seed: int,
    out: Any,
    interval: float = 0.0,
) -> None:
    """One user's requests until `until` (a `time.perf_counter()` time): back to back, or one
    every `interval` seconds.

    Paced, each request has its planned start time, and its time is counted from then: a
    request that had to wait for the one before (the server fell behind) counts that wait too,
    so a slow server is not hidden by users who politely slowed down with it. A request due
    within the run that could not even be sent before the run ended (the user was still waiting
    for earlier answers) is counted as missed: what the server did not keep up with."""
    rng = random.Random(seed)
    weights = [w for w, _, _ in MIX]
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    planned = time.perf_counter() + rng.uniform(0, interval)  # users do not start in step
    while len(out["samples"]) < MAX_REQUESTS:
        _, actor, path = rng.choices(MIX, weights)[0]
        headers = {"Host": HOST, "Cookie": f"sessionid={cookies[actor]}"}
        if interval:
            if planned >= until:
                break  # due after the run: not part of it
            if time.perf_counter() >= until:
                with out["lock"]:
                    out["missed"] += math.ceil((until - planned) / interval)
                break
            time.sleep(max(0.0, planned - time.perf_counter()))
            began = planned
            planned += interval
        else:
            if time.perf_counter() >= until:
                break
            began = time.perf_counter()
        connection, status = _get(connection, port, path.format(**fill), headers)
        with out["lock"]:
            out["samples"].append((time.perf_counter() - began) * 1000)
            if status != 200:
                out["errors"][status] = out["errors"].get(status, 0) + 1
    connection.close()


def _get(
    connection: http.client.HTTPConnection, port: int, path: str, headers: dict[str, str]
) -> tuple[http.client.HTTPConnection, int]:
    """One GET: the connection to use next (a new one after a failure) and the status (0 when
    the request failed)."""
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        return connection, response.status
    except (OSError, http.client.HTTPException):
        connection.close()
        return http.client.HTTPConnection(HOST, port, timeout=30), 0


def run(
    url: str,
    *,
    port: int,
    users: int,
    duration: int,
    cwd: Path,
    workers: int = 3,
    rates: tuple[float, ...] = (0.0,),
) -> list[dict]:
    """One load test per rate (requests per second from all users together; 0: back to back),
    one after another against the same server."""
    var = tempfile.mkdtemp(prefix="joinedup-load-")
    env = _environment(url, var)
    made = subprocess.run(
        [sys.executable, str(HERE / "load.py"), "--sessions"],
        env=env,
        capture_output=True,
        text=True,
        cwd=HERE,
    )
    line = next((x for x in made.stdout.splitlines() if x.startswith("SESSIONS ")), None)
    if line is None:
        raise SystemExit(f"could not sign the load test's users in:\n{made.stderr[-3000:]}")
    sessions = json.loads(line.removeprefix("SESSIONS "))
    serve = [sys.executable, "-m", "joinedup.config.cli", "serve", "--plain-http", "--no-migrate"]
    serve += ["--bind", f"{HOST}:{port}", "--workers", str(workers), "--quiet-access-log"]
    server = subprocess.Popen(
        serve, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_until_up(port)
        _warm(port, sessions, workers)
        return [_measure(port, sessions, users, duration, workers, rate) for rate in rates]
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()  # the server this test started, and only it
            server.wait()


def _warm(port: int, sessions: dict, workers: int) -> None:
    """Every page of the mix a few times for each worker, not measured: a server in use has
    its templates compiled and its database connections open (the first request of each
    worker pays for both, a few hundred milliseconds)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    for _ in range(2 * workers):
        for _, actor, path in MIX:
            headers = {"Host": HOST, "Cookie": f"sessionid={sessions['cookies'][actor]}"}
            connection, _ = _get(connection, port, path.format(**sessions["fill"]), headers)
    connection.close()


def _measure(
    port: int, sessions: dict, users: int, duration: int, workers: int, rate: float
) -> dict:
    out: dict[str, Any] = {"samples": [], "errors": {}, "missed": 0, "lock": threading.Lock()}
    load_before = os.getloadavg()
    began = time.perf_counter()
    until = began + duration
    interval = users / rate if rate else 0.0
    threads = [
        threading.Thread(
            target=_user,
            args=(port, sessions["cookies"], sessions["fill"], until, i, out, interval),
        )
        for i in range(users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    samples = sorted(out["samples"])
    # Paced, the rate is of the requests due within the run, over the run's length: all of them
    # answered is the offered rate, and every one missed lowers it. (Over `elapsed`, the last
    # answers' own time would count against the rate.) Back to back, over the time taken.
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {
        "users": users,
        "workers": workers,
        "rate": rate,
        "seconds": round(elapsed, 1),
        "requests": len(samples),
        "missed": out["missed"],
        "per_second": len(samples) / (duration if rate else elapsed),
        "p50": cuts[49],
        "p95": cuts[94],
        "p99": cuts[98],
        "errors": out["errors"],
        "load_before": " ".join(f"{x:.2f}" for x in load_before),
        "load_after": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def report(results: list[dict]) -> list[str]:
    lines = []
    for r in results:
        met = r["per_second"] >= 40 and r["p95"] <= 250 and not r["errors"]
        # Back to back, 20 users always have 20 requests waiting: each waits for the others
        # (about users / rate), so the run measures the most the server gives, not its latency.
        verdict = (
            f"target >= 40 requests/s with p95 <= 250 ms: {'met' if met else 'NOT met'}"
            if r["rate"]
            else "the server's capacity (the latency target is the paced run's); >= 40 "
            f"requests/s: {'yes' if r['per_second'] >= 40 and not r['errors'] else 'no'}"
        )
        how = (
            f"paced at {r['rate']:g} requests/s in all (each user one request every "
            f"{r['users'] / r['rate']:.2f} s, timed from when it was due; the rate is of the "
            f"requests due in the run, {r['missed']:,} of them never sent)"
            if r["rate"]
            else "back to back (each user's next request as soon as the last answered)"
        )
        lines.append(
            f"load test at 1M: {r['users']} concurrent users {how}, `joinedup serve` with "
            f"{r['workers']} workers on {HOST}, {r['seconds']} s: {r['requests']:,} requests, "
            f"{r['per_second']:.1f} requests/s, p50 {r['p50']:.0f} ms, p95 {r['p95']:.0f} ms, "
            f"p99 {r['p99']:.0f} ms, errors {r['errors'] or 'none'}; "
            f"{verdict}; "
            f"load average before {r['load_before']}, after {r['load_after']}"
        )
    return lines


def rates(parser: argparse.ArgumentParser, text: str) -> tuple[float, ...]:
    try:
        found = tuple(float(x) for x in text.split(",") if x.strip())
    except ValueError:
        found = ()
    if not found or any(r < 0 for r in found):
        parser.error(f"--rates: {text!r}: give requests per second, such as 40,0")
    return found


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["--sessions"]:
        sys.path.insert(0, str(HERE.parent / "src"))
        sys.path.insert(0, str(HERE))
        _sessions()
        return 0
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("database_url")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument(
        "--rates",
        default="40,0",
        help="requests per second from all users together, one run each; 0 sends back to back",
    )
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8112")))
    args = parser.parse_args(argv)
    result = run(
        args.database_url,
        port=args.port,
        users=args.users,
        duration=args.duration,
        cwd=HERE.parent,
        workers=args.workers,
        rates=rates(parser, args.rates),
    )
    print("\n".join(report(result)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
