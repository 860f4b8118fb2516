"""Run the whole platform on a laptop: embedded Redis, the workers, the ASGI web server.

The workers and the web server are supervised (core/supervisor.py): one that dies is
restarted with backoff, logged, while the others keep running. Ctrl-C (or SIGTERM) stops
every process this command started.
"""

import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.supervisor import ChildSpec, Supervisor, exit_description
from core.worker_env import worker_env
from shop.management.commands.seed_demo import Command as SeedDemoCommand
from shop.management.commands.seed_demo import DemoLogin
from transport.embedded_redis import EmbeddedRedis

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Command(BaseCommand):
    help = "Migrate, load the demo catalogue and run (and supervise) web server and workers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-demo", action="store_true", help="Skip the demo catalogue.")

    def handle(self, *args: Any, host: str, port: int, no_demo: bool, **options: Any) -> None:
        # The database, Redis' append-only file, media and the workers' files hold shopper
        # data: whatever this command and its children create is the owner's alone.
        os.umask(0o077)
        if not _port_free(host, port):
            raise CommandError(f"Port {port} on {host} is in use; pass --port to pick another.")
        supervisor: Supervisor | None = None
        redis_server: EmbeddedRedis | None = None
        stopping = False
        new_logins: list[DemoLogin] = []

        def request_stop(signum: int, _frame: object) -> None:
            nonlocal stopping
            stopping = True

        for sig in STOP_SIGNALS:
            signal.signal(sig, request_stop)
        try:
            env = child_env(host, port)
            if "REDIS_URL" not in os.environ:
                self.stdout.write("Starting the embedded Redis ...")
                try:
                    redis_server = EmbeddedRedis(settings.EMBEDDED_REDIS_SOCKET).start()
                except RuntimeError as exc:
                    raise CommandError(f"{exc} Is Fitting Room already running?") from exc
            self.stdout.write("Migrating the database ...")
            call_command("migrate", interactive=False, verbosity=0)
            new_logins = state_prepare(demo=not no_demo, say=self._say)
            supervisor = Supervisor(self._children(env, host, port), say=self._say)
            supervisor.start_all()
            _wait_for_port(host, port, supervisor, lambda: stopping)
            if not stopping:
                self._print_banner(host, port, new_logins)
            # From here on a child that dies is restarted (with backoff) and the rest keep
            # running, and so is the embedded Redis; only Ctrl-C / SIGTERM ends the loop.
            redis_retry_at = 0.0
            while not stopping:
                supervisor.check()
                if redis_server is not None and redis_server.exited() is not None:
                    redis_retry_at = self._redis_restart(redis_server, redis_retry_at)
                time.sleep(0.2)
            self.stdout.write("Stopping ...")
        finally:
            if supervisor is not None:
                supervisor.stop_all()
            if redis_server is not None:
                redis_server.stop()
        self.stdout.write("Stopped.")

    def _children(self, env: dict[str, str], host: str, port: int) -> list[ChildSpec]:
        """The storefront worker (with beat), the try-on and recommender workers (without the
        storefront's secrets) and the web server, in the order they start."""
        worker_cmd = [
            sys.executable, "-m", "celery", "-A", "config.celery_app", "worker",
            "--queues", "default,storefront_events", "--concurrency", "1",
            "--loglevel", "INFO", "--hostname", "storefront@%h",
            # The periodic reaper of stuck try-on jobs runs in this worker on a laptop.
            "--beat", "--schedule", str(settings.VAR_DIR / "celerybeat-schedule"),
        ]  # fmt: skip
        tryon_cmd = [
            sys.executable, "-m", "celery", "-A", "tryon_worker.celery_app", "worker",
            "--queues", "tryon", "--concurrency", "1", "--prefetch-multiplier", "1",
            "--loglevel", "INFO", "--hostname", "tryon@%h",
        ]  # fmt: skip
        recommender_cmd = [
            sys.executable, "-m", "celery", "-A", "recommender.celery_app", "worker",
            "--queues", "recommender", "--concurrency", "1", "--prefetch-multiplier", "1",
            "--loglevel", "INFO", "--hostname", "recommender@%h",
        ]  # fmt: skip
        web_cmd = [
            sys.executable, "-m", "uvicorn", "config.asgi:application",
            "--app-dir", str(settings.PLATFORM_DIR), "--host", host, "--port", str(port),
        ]  # fmt: skip
        cwd = settings.BASE_DIR
        return [
            ChildSpec("storefront worker", worker_cmd, env, cwd),
            ChildSpec("try-on worker", tryon_cmd, worker_env(env), cwd),
            ChildSpec("recommender worker", recommender_cmd, worker_env(env), cwd),
            ChildSpec("web server", web_cmd, env, cwd),
        ]

    def _redis_restart(self, server: EmbeddedRedis, retry_at: float) -> float:
        """Start a dead embedded Redis again (its append-only file keeps the queues); when it
        will not start, try again in a few seconds. Returns when to try next."""
        now = time.monotonic()
        if now < retry_at:
            return retry_at
        self._say(f"the embedded Redis {exit_description(server.exited() or 0)}; restarting it")
        try:
            server.start()
        except RuntimeError as exc:
            self._say(f"the embedded Redis did not start ({exc}); trying again in 5 s")
            return now + 5.0
        self._say(f"started the embedded Redis, pid {server.process.pid}")
        return 0.0

    def _say(self, message: str) -> None:
        """One supervisor log line, flushed at once (bin/up's output is often a file)."""
        self.stdout.write(message)
        self.stdout.flush()

    def _print_banner(self, host: str, port: int, new_logins: list[DemoLogin]) -> None:
        """The URL and the demo logins: a password only when seed_demo just issued it (the
        database keeps hashes, so it is shown this once), else where to get a new one."""
        url = f"http://{host}:{port}/"
        issued = {login.username: login.password for login in new_logins}
        kept = "as shown when issued (new ones: manage.py seed_demo --reset-passwords)"
        lines = ["", f"Fitting Room is running at {url}"]
        for label, where, username in (
            ("Merchant admin:", "admin/", "demo-merchant"),
            ("Operator admin:", "admin/", "operator"),
            ("Demo shopper:  ", "account/login/", "demo-shopper"),
        ):
            password = issued.get(username, kept)
            lines.append(f"  {label} {url}{where}  user: {username}  password: {password}")
        lines += ["Press Ctrl-C to stop everything.", ""]
        self.stdout.write(self.style.SUCCESS("\n".join(lines)))


def state_prepare(*, demo: bool, say: Callable[[str], None]) -> list[DemoLogin]:
    """Load the demo catalogue (unless ``demo`` is false) and bring a fresh recommender up to
    date with the catalogue: every garment is sent to the recommender once.

    A fresh recommender (first start, or its state deleted) is sent the catalogue as it
    stands *before* the demo is loaded; the demo import then sends the garments it creates or
    changes. Sending the whole catalogue after the import sent every new garment twice.
    Returns the demo logins whose passwords were just issued.
    """
    recommender_dir = settings.RECOMMENDER_DATA_DIR
    if not recommender_dir.is_dir() or not any(recommender_dir.iterdir()):
        call_command("recommender_resync", verbosity=0)
    if not demo:
        return []
    say("Loading the demo catalogue ...")
    seed = SeedDemoCommand()
    call_command(seed, verbosity=0)
    return seed.new_logins


def base_url(host: str, port: int) -> str:
    """The address shoppers reach the web server this command starts at, for links in e-mails.

    A wildcard bind (0.0.0.0, ::) is no address a browser can open; it is reachable on the
    loopback address at least (FITTINGROOM_BASE_URL names the machine's own otherwise).
    """
    if host in {"", "0.0.0.0", "::"}:  # noqa: S104 (compared, not bound)
        host = "127.0.0.1" if host != "::" else "::1"
    if ":" in host:  # an IPv6 address is bracketed in a URL
        host = f"[{host}]"
    return f"http://{host}:{port}"


def child_env(host: str, port: int) -> dict[str, str]:
    """The environment of the workers and the web server: ours, the platform on the import
    path, and FITTINGROOM_BASE_URL from --host/--port, so that the e-mails the storefront
    worker sends link to the port the web server really listens on. A FITTINGROOM_BASE_URL
    already set (the environment or .env: a proxy's public name) is kept."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(settings.PLATFORM_DIR), str(settings.BASE_DIR)]),
    }
    env.setdefault("FITTINGROOM_BASE_URL", base_url(host, port))
    return env


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex((host, port)) != 0


def _wait_for_port(
    host: str, port: int, supervisor: Supervisor, stopping: Callable[[], bool]
) -> None:
    """Wait for the web server to listen. A child that exits before that is not restarted:
    at start it is a configuration error (port taken, broken install), so say so and stop."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not stopping():
        exited = supervisor.exited()
        if exited is not None:
            name, returncode = exited
            raise CommandError(f"The {name} {exit_description(returncode)} at start.")
        if not _port_free(host, port):
            return
        time.sleep(0.2)
    if not stopping():
        raise CommandError(f"The web server did not start listening on {host}:{port}.")
