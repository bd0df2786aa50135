"""Throughput of role search under gunicorn, against a bare Flask app on the same settings.

    python -m bench.search                    # SQLite file under bench/results/
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/vh_bench python -m bench.search

Seeds 10,000 published roles over 2,000 organisations (once), serves the hub and a bare Flask
"hello" app each with gunicorn (2 sync workers) on 127.0.0.1, loads each URL with wrk
(Debian's `wrk` package) for a fixed time, and prints requests per second, p50/p99 latency and
each page's throughput as a ratio of the bare app's. Nothing is cached between requests.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
GOALS = {"filtered": 0.10, "keyword": 0.03}


@dataclass
class Measure:
    label: str
    path: str
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("VOLUNTEER_HUB_")}
    env |= {
        "VOLUNTEER_HUB_SQLALCHEMY_DATABASE_URI": url,
        "VOLUNTEER_HUB_SECRET_KEY": "bench-secret",
        "VOLUNTEER_HUB_RATELIMIT_ENABLED": "false",
    }
    return env


def seed(env: dict[str, str], organisations: int, roles: int) -> None:
    flask = [sys.executable, "-m", "flask", "--app", "volunteer_hub"]
    subprocess.run([*flask, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run(
        [*flask, "hub", "bench-data", "--volunteers", "0"]
        + ["--organisations", str(organisations), "--roles", str(roles)],
        env=env,
        cwd=ROOT,
        check=True,
    )


@contextmanager
def gunicorn(app: str, env: dict[str, str]) -> Iterator[str]:
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--worker-class", "sync"]
    command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning", app]
    server = subprocess.Popen(command, env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(base + "/", timeout=2):  # noqa: S310 - loopback
                    break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def unit_ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(url: str, seconds: int, connections: int) -> tuple[float, float, float]:
    output = subprocess.run(
        ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.MULTILINE))
    values = {k: unit_ms(*re.match(r"([\d.]+)(\w+)", v).groups()) for k, v in latency.items()}  # type: ignore[union-attr]
    if "Non-2xx" in output:
        raise SystemExit(f"{url} answered errors:\n{output}")
    return rps, values["50"], values["99"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=2000)
    parser.add_argument("--roles", type=int, default=10000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("bench/search.py needs wrk: apt-get install wrk")
    RESULTS.mkdir(exist_ok=True)
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{RESULTS / 'search.sqlite3'}"
    env = environment(url)
    seed(env, args.organisations, args.roles)
    pages = [
        Measure("unfiltered", "/roles"),
        Measure("filtered", "/roles?commitment=regular&period=saturday-morning&remote=1"),
        Measure("keyword", "/roles?q=garden+library"),
        Measure("100 a page", "/roles?per_page=100"),
    ]
    with gunicorn("bench.hello:app", env) as base:
        bare = Measure("bare Flask hello", "/")
        bare.rps, bare.p50_ms, bare.p99_ms = run_wrk(base + "/", args.seconds, args.connections)
    with gunicorn("wsgi:app", env) as base:
        for page in pages:
            page.rps, page.p50_ms, page.p99_ms = run_wrk(
                base + page.path, args.seconds, args.connections
            )
    engine = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"\n{args.roles:,} roles over {args.organisations:,} organisations on {engine}; ")
    print(f"gunicorn 2 sync workers, wrk 1 thread {args.connections} connections {args.seconds}s\n")
    print("| page | requests/s | p50 ms | p99 ms | ratio to bare Flask | goal |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    print(f"| {bare.label} (`/`) | {bare.rps:.0f} | {bare.p50_ms:.1f} | {bare.p99_ms:.1f} | 1 | |")
    for page in pages:
        goal = GOALS.get(page.label)
        print(
            f"| {page.label} (`{page.path}`) | {page.rps:.0f} | {page.p50_ms:.1f} | "
            f"{page.p99_ms:.1f} | {page.rps / bare.rps:.3f} | {f'>= {goal}' if goal else ''} |"
        )


if __name__ == "__main__":
    main()
