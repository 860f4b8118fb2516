"""Shoppers for the fault suite: real HTTP clients that sign up through the form (CSRF and
all), log in and out, browse, upload photos and ask for try-ons, and a tally of every answer.

Each shopper is one browser (its own cookies). Every request is counted by kind and status;
a connection that fails (the web server was killed under it) is status 0, not an error of
the platform's making.
"""

import http.client
import http.cookiejar
import io
import random
import re
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PEOPLE_PHOTOS = Path("/work/shared/images/people")
PASSWORD = "plenty-long-bench-pass-42"  # noqa: S105 (bench shoppers on a throw-away stack)
JOB_PATH = re.compile(r"/tryon/([0-9a-f-]{36})/$")


def person_photos() -> tuple[list[tuple[str, bytes]], str]:
    """Real photos of people when the shared folder is here, else scikit-image's astronaut."""
    files = sorted(p for p in PEOPLE_PHOTOS.glob("*") if p.suffix.lower() in {".jpg", ".png"})
    if files:
        return [(p.name, p.read_bytes()) for p in files], str(PEOPLE_PHOTOS)
    from PIL import Image
    from skimage import data

    buffer = io.BytesIO()
    Image.fromarray(data.astronaut()).save(buffer, format="PNG")
    return [("astronaut.png", buffer.getvalue())], "skimage.data.astronaut"


@dataclass
class Tally:
    """Every answer the shoppers got, and the try-on jobs the platform accepted."""

    by_kind: dict[str, Counter] = field(default_factory=dict)
    server_errors: list[dict[str, Any]] = field(default_factory=list)
    jobs: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: int = 0
    #: When each request that got no answer at all was made (to match it with a fault).
    no_answer_at: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, method: str, path: str, status: int, body: bytes) -> None:
        """Count one answer; keep the details of a 5xx."""
        with self.lock:
            self.requests += 1
            if status == 0:
                self.no_answer_at.append(time.time())
            self.by_kind.setdefault(kind, Counter())[str(status)] += 1
            if status >= 500:
                self.server_errors.append({
                    "kind": kind, "method": method, "path": path, "status": status,
                    "at": time.time(), "body": body[-400:].decode(errors="replace"),
                })  # fmt: skip

    def statuses(self) -> Counter:
        """Answers by status, all kinds together."""
        total: Counter = Counter()
        for counts in self.by_kind.values():
            total.update(counts)
        return total


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a redirect is an answer to look at, not to follow


class Shopper:
    """One shopper in one browser: signs up, then does what ``step`` picks, until told to stop."""

    def __init__(self, base_url: str, name: str, tally: Tally, photos: list[tuple[str, bytes]],
                 garments: list[int], seed: int) -> None:  # fmt: skip
        self.base_url, self.name, self.tally = base_url, name, tally
        self.photos, self.garments = photos, garments
        self.random = random.Random(seed)
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )
        self.signed_up = self.logged_in = False
        self.photo_ids: list[int] = []
        self.phase = "burst"

    # --- HTTP ---------------------------------------------------------------------------

    def send(
        self,
        kind: str,
        method: str,
        path: str,
        fields: dict[str, str] | None = None,
        files: dict[str, tuple[str, bytes]] | None = None,
    ) -> tuple[int, str, bytes]:
        """One request (a form POST carries the CSRF cookie's token); (status, location, body)."""
        headers: dict[str, str] = {}
        body = None
        if method == "POST":
            csrf = next((c.value for c in self.jar if c.name == "csrftoken"), "")
            body, headers["Content-Type"] = _multipart(
                {**(fields or {}), "csrfmiddlewaretoken": csrf}, files or {}
            )
            headers["Referer"] = self.base_url + "/"
        request = urllib.request.Request(  # noqa: S310 (http://127.0.0.1 only)
            self.base_url + path, data=body, method=method, headers=headers
        )
        try:
            with self.opener.open(request, timeout=90) as response:
                answer = (response.status, response.headers.get("Location", ""), response.read())
        except urllib.error.HTTPError as error:
            answer = (error.code, error.headers.get("Location", ""), error.read())
        except (urllib.error.URLError, http.client.HTTPException, OSError):
            answer = (0, "", b"")  # no answer: the web server is down or restarting
        self.tally.add(kind, method, path, answer[0], answer[2])
        return answer

    # --- what a shopper does -------------------------------------------------------------

    def sign_up(self) -> None:
        """The sign-up form, as a browser fills it (half of them opt in to e-mails)."""
        self.send("sign-up", "GET", "/account/sign-up/")
        fields = {
            "username": self.name, "password": PASSWORD, "display_name": f"Bench {self.name}",
            "contact_email": f"{self.name}@example.test",
        }  # fmt: skip
        if self.random.random() < 0.5:
            fields["email_notifications"] = "on"
        status, location, _ = self.send("sign-up", "POST", "/account/sign-up/", fields)
        if status == 302 and location.endswith("/account/profile/"):
            self.signed_up = self.logged_in = True
        elif status == 200:  # the name exists: an earlier try went through unanswered
            self.signed_up = True

    def log_in(self) -> None:
        """The login form."""
        self.send("login", "GET", "/account/login/")
        status, _, _ = self.send(
            "login", "POST", "/account/login/", {"username": self.name, "password": PASSWORD}
        )
        self.logged_in = status == 302

    def log_out_and_in(self) -> None:
        """Log out (POST, as Django wants) and back in."""
        self.send("login", "POST", "/account/logout/")
        self.logged_in = False
        self.log_in()

    def upload(self) -> None:
        """Upload one photo (round robin over the people photos); note the photo's id."""
        name, content = self.photos[self.random.randrange(len(self.photos))]
        self.send("upload", "POST", "/account/photos/", files={"photo": (name, content)})
        self.photos_refresh()

    def photos_refresh(self) -> None:
        """The profile page lists the shopper's photos."""
        status, _, body = self.send("page", "GET", "/account/profile/")
        if status == 200:
            ids = sorted({int(i) for i in re.findall(rb"/account/photos/(\d+)/", body)})
            self.photo_ids = ids

    def try_on(self) -> None:
        """A garment's page, then *Try it on* with one of the shopper's photos."""
        if not self.photo_ids:
            self.upload()
            if not self.photo_ids:
                return
        garment = self.random.choice(self.garments)
        self.send("page", "GET", f"/garments/{garment}/")
        status, location, _ = self.send(
            "tryon", "POST", "/tryon/new/",
            {"garment": str(garment), "photo": str(self.random.choice(self.photo_ids))},
        )  # fmt: skip
        found = JOB_PATH.search(location) if status == 302 else None
        if found:
            with self.tally.lock:
                self.tally.jobs[found.group(1)] = {
                    "shopper": self.name,
                    "phase": self.phase,
                    "at": time.time(),
                }
            self.send("page", "GET", f"/tryon/{found.group(1)}/")

    def step(self) -> None:
        """One thing a shopper does, picked with a shop's usual mix."""
        if not self.signed_up:
            self.sign_up()
            return
        if not self.logged_in:
            self.log_in()
            return
        roll = self.random.random()
        if roll < 0.18:
            self.send("page", "GET", "/")
        elif roll < 0.40:
            self.send("page", "GET", f"/garments/{self.random.choice(self.garments)}/")
        elif roll < 0.47:
            self.send("api", "GET", "/api/catalog/garments/")
        elif roll < 0.52:
            self.send("api", "GET", "/api/shoppers/me/")
        elif roll < 0.58:
            self.send("page", "GET", "/tryon/")
        elif roll < 0.70:
            self.upload()
        elif roll < 0.98:
            self.try_on()
        else:
            self.log_out_and_in()

    def result_check(self, job_id: str) -> int:
        """GET the finished picture as its owner would (200 with a WebP for a success)."""
        status, _, body = self.send("result", "GET", f"/tryon/{job_id}/result.webp")
        return status if body[8:12] == b"WEBP" or status != 200 else -1


def garment_ids(base_url: str) -> list[int]:
    """The garments the shop's home page links to."""
    with urllib.request.urlopen(base_url + "/", timeout=60) as response:  # noqa: S310
        page = response.read()
    return sorted({int(i) for i in re.findall(rb"/garments/(\d+)/", page)})


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    for name, (file_name, content) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{file_name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
