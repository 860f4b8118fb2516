"""``/widget/v1/tryon.js``: the embeddable try-on widget's script, for any shop's pages.

A plain file (``static/widget/v1/tryon.js``, no build step) served at a stable, versioned
address so a merchant's ``<script>`` tag never changes: v1 only ever gets compatible fixes, so
browsers may keep it a day and revalidate by ETag after.
"""

import gzip
import hashlib
from functools import cache

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.views.decorators.http import require_safe

SCRIPT_PATH = "widget/v1/tryon.js"
CACHE_CONTROL = "public, max-age=86400, stale-while-revalidate=604800"


@cache
def _script() -> tuple[bytes, bytes, str]:
    """The script, gzipped once, and its ETag."""
    location = finders.find(SCRIPT_PATH)
    if location is None:  # a deploy without the file is broken; say which file
        raise FileNotFoundError(f"static/{SCRIPT_PATH} is missing")
    with open(location, "rb") as handle:
        content = handle.read()
    etag = '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
    return content, gzip.compress(content, mtime=0), etag


@require_safe
def widget_script(request: HttpRequest) -> HttpResponse:
    """The widget's JavaScript, cacheable by browsers and CDNs, loadable from any origin."""
    content, compressed, etag = _script()
    if request.headers.get("If-None-Match") == etag:
        response: HttpResponse = HttpResponseNotModified()
    elif "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(compressed, content_type="text/javascript; charset=utf-8")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(content, content_type="text/javascript; charset=utf-8")
    response["ETag"] = etag
    response["Vary"] = "Accept-Encoding"
    response["Cache-Control"] = CACHE_CONTROL
    # Loaded by <script> on other sites (also ones sending Cross-Origin-Embedder-Policy).
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["Access-Control-Allow-Origin"] = "*"
    return response
