"""Run the whole platform on a laptop: embedded Redis, the workers, the ASGI web server.

Ctrl-C (or SIGTERM) stops every process this command started.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.embedded_redis import EmbeddedRedis
from core.worker_env import worker_env

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Command(BaseCommand):
    help = "Migrate, load the demo catalogue and run web server, worker and embedded Redis."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-demo", action="store_true", help="Skip the demo catalogue.")

    def handle(self, *args: Any, host: str, port: int, no_demo: bool, **options: Any) -> None:
        if not _port_free(host, port):
            raise CommandError(f"Port {port} on {host} is in use; pass --port to pick another.")
        children: list[tuple[str, subprocess.Popen[bytes]]] = []
        redis_server: EmbeddedRedis | None = None
        stopping = False

        def request_stop(signum: int, _frame: object) -> None:
            nonlocal stopping
            stopping = True

        for sig in STOP_SIGNALS:
            signal.signal(sig, request_stop)
        try:
            env = {
                **os.environ,
                "PYTHONPATH": os.pathsep.join([str(settings.PLATFORM_DIR), str(settings.BASE_DIR)]),
            }
            if "REDIS_URL" not in os.environ:
                self.stdout.write("Starting the embedded Redis ...")
                try:
                    redis_server = EmbeddedRedis(settings.EMBEDDED_REDIS_SOCKET).start()
                except RuntimeError as exc:
                    raise CommandError(f"{exc} Is Fitting Room already running?") from exc
            self.stdout.write("Migrating the database ...")
            call_command("migrate", interactive=False, verbosity=0)
            if not no_demo:
                self.stdout.write("Loading the demo catalogue ...")
                call_command("seed_demo", verbosity=0)
            recommender_dir = settings.RECOMMENDER_DATA_DIR
            if not recommender_dir.is_dir() or not any(recommender_dir.iterdir()):
                # A fresh recommender (or one whose state was deleted) learns the catalogue.
                call_command("recommender_resync", verbosity=0)
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
            commands = [
                ("storefront worker", worker_cmd, env),
                ("try-on worker", tryon_cmd, worker_env(env)),
                ("recommender worker", recommender_cmd, worker_env(env)),
                ("web", web_cmd, env),
            ]
            for name, command, command_env in commands:
                # Own session: a terminal's Ctrl-C reaches only us, and we stop them in order.
                process = subprocess.Popen(
                    command, env=command_env, cwd=settings.BASE_DIR, start_new_session=True
                )
                children.append((name, process))
            _wait_for_port(host, port, children)
            self._print_banner(host, port)
            while not stopping:
                for name, process in children:
                    if process.poll() is not None:
                        raise CommandError(f"The {name} process exited with {process.returncode}.")
                time.sleep(0.5)
            self.stdout.write("Stopping ...")
        finally:
            for _name, process in reversed(children):
                _stop_process_group(process)
            if redis_server is not None:
                redis_server.stop()
        self.stdout.write("Stopped.")

    def _print_banner(self, host: str, port: int) -> None:
        password = os.environ.get("FITTINGROOM_DEMO_PASSWORD", "(set FITTINGROOM_DEMO_PASSWORD)")
        url = f"http://{host}:{port}/"
        self.stdout.write(
            self.style.SUCCESS(
                "\n".join(
                    [
                        "",
                        f"Fitting Room is running at {url}",
                        f"  Merchant admin: {url}admin/  user: demo-merchant  password: {password}",
                        f"  Demo shopper:   {url}account/login/  "
                        f"user: demo-shopper  password: {password}",
                        "Press Ctrl-C to stop everything.",
                        "",
                    ]
                )
            )
        )


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex((host, port)) != 0


def _wait_for_port(
    host: str, port: int, children: list[tuple[str, subprocess.Popen[bytes]]]
) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for name, process in children:
            if process.poll() is not None:
                raise CommandError(f"The {name} process exited with {process.returncode} at start.")
        if not _port_free(host, port):
            return
        time.sleep(0.2)
    raise CommandError(f"The web server did not start listening on {host}:{port}.")


def _stop_process_group(process: subprocess.Popen[bytes], timeout_s: float = 15.0) -> None:
    """SIGTERM the child's whole process group (Celery's pool included), then SIGKILL."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass
