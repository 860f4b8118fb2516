"""The embeddable try-on widget in a real browser (issue 13, item 5): a plain HTML "shop" on a
second origin (localhost:<its port>, beside the API on 127.0.0.1), under a strict CSP of its
own, carries the one script tag with a token minted through the real API; the shopper opens
the dialog, consents, uploads a photo, watches the stages and gets the picture from a real
try-on worker; a photo without a person gets the API's sentence; Esc closes and focus returns
to the button. Another origin is refused by CORS."""

import io
import json
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from catalog.models import Garment
from merchant_api.models import KeyScope
from merchant_api.services import api_key_create, widget_origin_add
from tests.support.factories import garment_create

pytestmark = pytest.mark.slow

# The photo our own pages' browser test tries a top on (test_tryon_flow.py).
PHOTO = "p12_woman_head_to_thigh_gray_tee_studio.jpg"

SHOP_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Atelier — Sage t-shirt</title>
<link rel="stylesheet" href="/shop.css"></head>
<body><header>ATELIER</header>
<main><div class="product"><div class="photo"></div><div>
<h1>Sage t-shirt</h1><p class="price">£20.00</p>
<p>Soft organic cotton, relaxed fit.</p>
<button id="add-to-cart">Add to cart</button>
<script src="{api}/widget/v1/tryon.js" data-sku="TEE-1" data-session="{token}"
        data-privacy-url="/privacy.html" {extra} async></script>
</div></div></main></body></html>
"""
# The shop's own styles, hostile on purpose: they must not reach into the widget.
SHOP_CSS = """
body { font-family: Georgia, serif; margin: 0; background: #faf7f2; color: #222; }
header { padding: 1rem 2rem; letter-spacing: .3em; border-bottom: 1px solid #ddd; }
main { padding: 2rem; } .product { display: flex; flex-wrap: wrap; gap: 2rem; }
.photo { width: 320px; max-width: 100%; aspect-ratio: 3/4; background: #8fa385; }
button { all: unset; background: #c00 !important; color: yellow !important; font-size: 30px; }
dialog, img, p, h2 { border: 5px dotted red !important; }
#add-to-cart { display: block; padding: .6rem 1.2rem; margin-bottom: 1rem; }
"""


@dataclass
class Shop:
    url: str  # the shop page's origin
    server: ThreadingHTTPServer
    fresh_token: str  # what the shop's /session.json hands out


def _shop_server(root: Path, api: str) -> ThreadingHTTPServer:
    # The shop's own CSP, as narrow as a careful merchant's: our script, our API, blob: images.
    policy = (
        f"default-src 'none'; script-src {api}; connect-src 'self' {api}; img-src {api} blob:; "
        "style-src 'self'; form-action 'none'; base-uri 'none'"
    )

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def end_headers(self) -> None:
            self.send_header("Content-Security-Policy", policy)
            super().end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _api(method: str, url: str, key: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(
        url,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


@pytest.fixture
def garment(transactional_db) -> Garment:
    return garment_create(name="Sage t-shirt", sku="TEE-1", colour=(143, 163, 133))


@pytest.fixture
def shop(web_server, garment, tmp_path, settings) -> Iterator[Shop]:
    """The shop's page on http://localhost:<port>, registered as the merchant's widget origin,
    with a token its "backend" got from the real API for its shopper cust-42."""
    _, key = api_key_create(merchant=garment.merchant, name="shop backend", scope=KeyScope.WRITE)
    root = tmp_path / "shop"
    root.mkdir()
    server = _shop_server(root, web_server.url)
    url = f"http://localhost:{server.server_address[1]}"
    settings.WIDGET_ALLOW_HTTP_LOCALHOST = True  # a merchant's development origin
    widget_origin_add(merchant=garment.merchant, origin=url)
    _api("POST", f"{web_server.url}/api/v1/shoppers/", key, {"shopper_id": "cust-42"})
    token = _api("POST", f"{web_server.url}/api/v1/shoppers/cust-42/widget-sessions/", key)
    (root / "index.html").write_text(
        SHOP_PAGE.format(api=web_server.url, token=token["token"], extra="")
    )
    # A page left open past its token's life: the widget asks the shop's own server again.
    stale = SHOP_PAGE.format(
        api=web_server.url, token="expired-token", extra='data-session-url="/session.json"'
    )
    (root / "stale.html").write_text(stale)
    fresh = _api("POST", f"{web_server.url}/api/v1/shoppers/cust-42/widget-sessions/", key)
    (root / "session.json").write_text(json.dumps({"token": fresh["token"]}))
    (root / "shop.css").write_text(SHOP_CSS)
    (root / "privacy.html").write_text("<!doctype html><title>Privacy</title><p>Our notice.")
    yield Shop(url=url, server=server, fresh_token=fresh["token"])
    server.shutdown()


def _png(array) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    return buffer.getvalue()


def _focused_in_widget(page: Page) -> str:
    """What has focus inside the widget's shadow root ('' when focus is elsewhere)."""
    return page.evaluate(
        """() => {
          const host = document.querySelector('.fitting-room-tryon');
          const el = document.activeElement === host && host.shadowRoot.activeElement;
          return el ? (el.className || el.tagName.toLowerCase()) : '';
        }"""
    )


def test_the_widget_on_another_origin_walks_the_whole_try_on(
    page: Page,
    web_server,
    shop: Shop,
    storefront_worker,
    tryon_worker,
    shared_images: Path,
    tmp_path: Path,
) -> None:
    from skimage import data

    storefront_worker()
    tryon_worker()
    page.goto(f"{shop.url}/")
    launch = page.get_by_role("button", name="Try it on")
    expect(launch).to_be_visible()
    page.screenshot(path=str(tmp_path / "widget-shop-1280.png"))

    # Keyboard only: focus the button, Enter opens the dialog.
    launch.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Try on Sage t-shirt")
    expect(dialog).to_be_visible()
    assert dialog.get_attribute("aria-modal") == "true"
    consent = dialog.locator(".consent")
    expect(consent).to_contain_text("deleted after 30 days")
    expect(consent.get_by_role("link", name="Read the privacy notice")).to_have_attribute(
        "href", "/privacy.html"
    )
    # Focus is trapped: tabbing round every control never leaves the dialog.
    for _ in range(12):
        page.keyboard.press("Tab")
        assert _focused_in_widget(page), "focus left the dialog"

    # Try it on without a photo or consent: told what is missing, nothing sent.
    dialog.get_by_role("button", name="Try it on").click()
    expect(dialog.get_by_role("alert")).to_have_text("Choose a photo of yourself first.")
    dialog.locator("input[type=file]").set_input_files(str(shared_images / "people" / PHOTO))
    dialog.get_by_role("button", name="Try it on").click()
    expect(dialog.get_by_role("alert")).to_have_text(
        "Please agree to how your photo is used first."
    )
    page.keyboard.press("Space")  # the refusal focused the consent checkbox
    expect(dialog.get_by_role("checkbox")).to_be_checked()
    expect(dialog.get_by_role("alert")).to_have_count(0)  # the hint went with its cause
    page.screenshot(path=str(tmp_path / "widget-dialog-1280.png"))

    page.evaluate(
        """() => {
          const host = document.querySelector('.fitting-room-tryon');
          const dlg = host.shadowRoot.querySelector('dialog');
          window.__stages = [];
          new MutationObserver(() => {
            const s = dlg.dataset.stage;
            if (s && window.__stages.at(-1) !== s) window.__stages.push(s);
          }).observe(dlg, {attributes: true, attributeFilter: ['data-stage']});
          window.__noReload = true;
        }"""
    )
    dialog.get_by_role("button", name="Try it on").click()
    expect(dialog.get_by_role("progressbar")).to_be_visible()
    expect(dialog.locator(".status")).not_to_be_empty()
    page.screenshot(path=str(tmp_path / "widget-progress-1280.png"))
    result = dialog.get_by_role("img", name="You wearing Sage t-shirt")
    expect(result).to_be_visible(timeout=120_000)
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=result.element_handle()
    )
    assert result.evaluate("img => img.naturalWidth") == 768
    assert _focused_in_widget(page) == "btn primary"  # Done
    stages = page.evaluate("window.__stages")
    assert stages[0] == "queued" and stages[-1] == "done", stages
    page.screenshot(path=str(tmp_path / "widget-result-1280.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(tmp_path / "widget-result-390.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # A photo with no person: the API's sentence and advice, in the dialog.
    dialog.get_by_role("button", name="Try another photo").click()
    expect(dialog.get_by_role("radio")).to_have_count(1)  # the last photo, offered again
    page.screenshot(path=str(tmp_path / "widget-dialog-390.png"))
    dialog.locator("input[type=file]").set_input_files(
        files=[{"name": "cup.png", "mimeType": "image/png", "buffer": _png(data.coffee())}]
    )
    dialog.get_by_role("button", name="Try it on").click()
    error = dialog.locator(".error")
    expect(error).to_be_visible(timeout=30_000)
    expect(error.locator(".msg")).to_contain_text("person")
    expect(error.locator(".advice")).to_contain_text("photo of just you")
    page.screenshot(path=str(tmp_path / "widget-error-390.png"))

    # Esc closes, and focus is back on the button that opened it.
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert _focused_in_widget(page) == "launch"
    assert page.evaluate("window.__noReload") is True


def test_a_page_on_an_unregistered_origin_is_refused_by_cors(page: Page, web_server, shop: Shop):
    # 127.0.0.1:<port> serves the same page, but it is another origin than localhost:<port>.
    unregistered = shop.url.replace("localhost", "127.0.0.1")
    warnings: list[str] = []
    page.on("console", lambda message: warnings.append(message.text))
    page.goto(f"{unregistered}/")
    token = page.evaluate("document.querySelector('script[data-session]').dataset.session")
    outcome = page.evaluate(
        """async ([api, token]) => {
          try {
            const r = await fetch(api + '/api/v1/widget/session/',
                                  {headers: {Authorization: 'Bearer ' + token}});
            return 'answered ' + r.status;
          } catch (err) { return 'blocked'; }
        }""",
        [web_server.url, token],
    )
    assert outcome == "blocked"
    # The widget shows no button there, and tells the shop's developer why.
    page.wait_for_timeout(500)
    expect(page.get_by_role("button", name="Try it on")).to_have_count(0)
    assert any("Fitting Room widget" in text for text in warnings), warnings


def test_a_stale_token_is_renewed_from_the_shops_session_url(page: Page, shop: Shop):
    page.goto(f"{shop.url}/stale.html")
    launch = page.get_by_role("button", name="Try it on")
    expect(launch).to_be_visible()
    launch.click()
    dialog = page.get_by_role("dialog", name="Try on Sage t-shirt")
    expect(dialog.locator(".consent")).to_contain_text("Atelier uses Fitting Room")
    token = page.evaluate("document.querySelector('script[data-session]').dataset.session")
    assert token == shop.fresh_token
