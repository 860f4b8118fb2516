"""Request body limits on the real ASGI server: a too-big body is refused before it is read."""

import select
import socket
import time
import urllib.parse
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.slow

HUGE = 200 * 1024 * 1024
CHUNK = 1024 * 1024


def _connect(url: str) -> socket.socket:
    address = urllib.parse.urlsplit(url)
    return socket.create_connection((address.hostname, address.port), timeout=30)


def _read_response(sock: socket.socket, deadline_s: float = 30.0) -> bytes:
    data = b""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        try:
            piece = sock.recv(65536)
        except ConnectionResetError:
            break
        if not piece:
            break
        data += piece
    return data


def _spooled_bytes(tmp_dir: Path) -> int:
    return sum(path.stat().st_size for path in tmp_dir.rglob("*") if path.is_file())


def test_declared_length_over_the_limit_is_refused_before_any_byte_is_read(web_server):
    """An anonymous POST announcing 200 MB gets 413 with a clear message from the headers alone."""
    with _connect(web_server.url) as sock:
        sock.sendall(
            b"POST /account/photos/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: multipart/form-data; boundary=x\r\n"
            + f"Content-Length: {HUGE}\r\n\r\n".encode()
        )
        # No body sent at all: the answer must not wait for one.
        response = _read_response(sock)
    head, _, body = response.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), response[:300]
    limit_mb = settings.REQUEST_MAX_BYTES / (1024 * 1024)
    assert f"at most {limit_mb:.0f} MB".encode() in body
    assert _spooled_bytes(web_server.tmp_dir) == 0


def test_api_clients_get_the_limit_as_json(web_server):
    """The API's error shape ({message, code, extra}) carries the limit in bytes."""
    import http.client
    import json

    address = urllib.parse.urlsplit(web_server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    connection.putrequest("POST", "/api/shoppers/me/")
    connection.putheader("Content-Length", str(settings.REQUEST_MAX_BYTES + 1))
    connection.putheader("Content-Type", "application/octet-stream")
    connection.endheaders()
    response = connection.getresponse()
    payload = json.loads(response.read())
    assert response.status == 413
    assert payload["code"] == "request_too_large"
    assert payload["extra"]["max_bytes"] == settings.REQUEST_MAX_BYTES
    connection.close()


def test_streamed_body_is_cut_off_as_soon_as_it_passes_the_limit(web_server):
    """A chunked upload with no length: 413 after about the limit, far short of 200 MB sent."""
    sent = 0
    response = b""
    with _connect(web_server.url) as sock:
        sock.sendall(
            b"POST /account/photos/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: multipart/form-data; boundary=x\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        chunk = f"{CHUNK:x}\r\n".encode() + b"\0" * CHUNK + b"\r\n"
        try:
            while sent < HUGE:
                # Read whatever the server already answered before sending more.
                readable, _, _ = select.select([sock], [], [], 0)
                if readable:
                    break
                sock.sendall(chunk)
                sent += CHUNK
        except (BrokenPipeError, ConnectionResetError):
            pass
        response = _read_response(sock, deadline_s=10)
    assert response.startswith(b"HTTP/1.1 413"), (sent, response[:300])
    # The server stopped reading at the limit; the rest is what the sockets' buffers held.
    assert sent < settings.REQUEST_MAX_BYTES + 64 * 1024 * 1024
    assert _spooled_bytes(web_server.tmp_dir) < settings.FILE_UPLOAD_MAX_MEMORY_SIZE


def test_a_photo_under_the_limit_still_reaches_django(web_server):
    """A body under the limit is passed through: Django answers (here, its CSRF refusal)."""
    import http.client

    address = urllib.parse.urlsplit(web_server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    body = b"\0" * (5 * 1024 * 1024)
    connection.request(
        "POST",
        "/account/photos/",
        body=body,
        headers={"Content-Type": "application/octet-stream"},
    )
    response = connection.getresponse()
    response.read()
    assert response.status == 403  # CSRF: Django saw the request, the limit did not interfere
    connection.close()
