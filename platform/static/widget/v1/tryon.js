/*! Fitting Room try-on widget v1 — https://OUR_HOST/widget/v1/tryon.js
 *
 * On a shop's page:
 *   <script src="https://OUR_HOST/widget/v1/tryon.js" data-sku="TEE-1"
 *           data-session="<widget-session token from your server>" async></script>
 *
 * Adds a "Try it on" button where the tag is (or inside the element data-target names). The
 * button opens a dialog: consent, a photo (new or one of the shopper's last), live progress,
 * the picture or what went wrong. Everything lives in a Shadow DOM: the page's CSS cannot
 * reach in, ours cannot leak out. Theme with CSS custom properties on the page (they inherit
 * into the widget): --fr-accent, --fr-accent-text, --fr-radius, --fr-font; or data-accent.
 * Optional: data-label (button text), data-privacy-url (your own notice), data-target,
 * data-session-url (a URL on your site answering {"token": "..."}: used when the token expired).
 * Plain JavaScript, no dependencies, no build step.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !script.dataset || !script.dataset.sku) {
    if (window.console) console.warn("Fitting Room widget: the <script> tag needs data-sku.");
    return;
  }
  var API = new URL(script.src).origin + "/api/v1/widget";
  var SKU = script.dataset.sku;
  var ICON_HANGER =
    '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M12 4.5a2 2 0 0 1 1.1 3.7c-.7.4-1.1 1-1.1 1.8v.5l8.6 5.7c.9.6.5 2-.6 2H4c-1.1 0-1.5-1.4-.6-2L12 10.5" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/></svg>';
  var ICON_CLOSE =
    '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2" stroke-linecap="round"/></svg>';
  var ICON_ALERT =
    '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><circle cx="12" cy="12" r="9.5" fill="none" stroke="currentColor" stroke-width="1.8"/><path d="M12 7.5v5.5M12 16.3v.2" stroke="currentColor" stroke-width="2" stroke-linecap="round"/></svg>';

  var CSS = [
    ":host{all:initial;display:inline-block;font-family:var(--fr-font,inherit);font-size:16px;line-height:1.45;color:#1d1d1f;",
    "--_accent:var(--fr-accent,#1f2937);--_on-accent:var(--fr-accent-text,#fff);--_radius:var(--fr-radius,10px)}",
    ":host([hidden]){display:none}",
    "*,*::before,*::after{box-sizing:border-box}",
    "[hidden]{display:none!important}",
    "svg{width:1.15em;height:1.15em;flex:none}",
    "button,input,a{font:inherit;color:inherit}",
    ":focus-visible{outline:3px solid var(--_accent);outline-offset:2px}",
    ".launch{display:inline-flex;align-items:center;gap:.5em;padding:.7em 1.25em;border:0;border-radius:var(--_radius);",
    "background:var(--_accent);color:var(--_on-accent);font-weight:600;cursor:pointer;letter-spacing:.01em;",
    "box-shadow:0 1px 2px rgb(0 0 0/.12);transition:transform .15s,box-shadow .15s}",
    ".launch:hover{box-shadow:0 4px 14px rgb(0 0 0/.18);transform:translateY(-1px)}",
    ".launch:focus-visible{outline-color:var(--_accent);outline-offset:3px}",
    "dialog{width:min(34rem,calc(100vw - 1.5rem));max-height:calc(100dvh - 1.5rem);padding:0;border:0;",
    "border-radius:calc(var(--_radius) + 6px);background:#fff;color:#1d1d1f;box-shadow:0 24px 70px rgb(0 0 0/.28);",
    "font-family:var(--fr-font,inherit);overflow:hidden;display:none;flex-direction:column}",
    "dialog[open]{display:flex;animation:fr-in .18s ease-out}",
    "dialog::backdrop{background:rgb(17 24 39/.55);backdrop-filter:blur(2px)}",
    "@keyframes fr-in{from{opacity:0;transform:translateY(8px) scale(.98)}}",
    "@media (prefers-reduced-motion:reduce){dialog[open]{animation:none}.launch{transition:none}.bar>i{transition:none}}",
    ".head{display:flex;align-items:center;gap:.75rem;padding:1rem 1rem 1rem 1.25rem;border-bottom:1px solid #ececf0}",
    ".head img{width:2.75rem;height:2.75rem;border-radius:8px;object-fit:cover;background:#f3f3f5;flex:none}",
    ".titles{flex:1;min-width:0}",
    "h2{margin:0;font-size:1.1rem;line-height:1.3;font-weight:650;overflow-wrap:anywhere}",
    "h2:focus{outline:none}",
    ".sub{margin:0;color:#6b6b76;font-size:.85rem}",
    ".close{flex:none;display:grid;place-items:center;width:2.5rem;height:2.5rem;border:0;border-radius:50%;",
    "background:#f3f3f5;cursor:pointer;color:#3a3a44}",
    ".close:hover{background:#e7e7ec}",
    ".body{padding:1.25rem;overflow-y:auto;display:grid;gap:1rem}",
    "p{margin:0}",
    ".consent{background:#f7f7f9;border-radius:var(--_radius);padding:.85rem 1rem;font-size:.9rem;color:#3a3a44;display:grid;gap:.4rem}",
    ".consent a{color:var(--_accent);font-weight:600}",
    "fieldset{border:0;margin:0;padding:0;min-width:0}",
    "legend{padding:0;margin-bottom:.5rem;font-weight:600}",
    ".photos{display:flex;flex-wrap:wrap;gap:.6rem}",
    ".choice{position:relative;display:block;width:5.25rem;height:7rem;border-radius:var(--_radius);overflow:hidden;",
    "cursor:pointer;background:#f3f3f5;border:2px solid transparent}",
    ".choice img{width:100%;height:100%;object-fit:cover;display:block}",
    ".choice input{position:absolute;opacity:0;inset:0;margin:0;cursor:pointer}",
    ".choice:has(input:checked){border-color:var(--_accent);box-shadow:0 0 0 2px #fff inset}",
    ".choice:has(input:focus-visible){outline:3px solid var(--_accent);outline-offset:2px}",
    ".choice .tick{position:absolute;right:.3rem;top:.3rem;width:1.3rem;height:1.3rem;border-radius:50%;background:var(--_accent);",
    "color:var(--_on-accent);display:none;place-items:center;font-size:.8rem;font-weight:700}",
    ".choice:has(input:checked) .tick{display:grid}",
    ".upload{display:flex;flex-direction:column;align-items:center;justify-content:center;gap:.3rem;text-align:center;",
    "border:2px dashed #c9c9d2;background:#fff;font-size:.8rem;font-weight:600;color:#3a3a44;padding:.4rem}",
    ".upload:hover{border-color:var(--_accent)}",
    ".upload:has(input:focus-visible){outline:3px solid var(--_accent);outline-offset:2px}",
    ".upload svg{width:1.5rem;height:1.5rem}",
    ".hint{font-size:.85rem;color:#6b6b76;margin-top:.5rem}",
    ".agree{display:flex;gap:.6rem;align-items:flex-start;font-size:.92rem;cursor:pointer}",
    ".agree input{width:1.15rem;height:1.15rem;margin:.15rem 0 0;accent-color:var(--_accent);flex:none}",
    ".problem{color:#a3261f;font-size:.9rem;font-weight:600}",
    ".actions{display:flex;gap:.6rem;flex-wrap:wrap;justify-content:flex-end;padding:1rem 1.25rem;border-top:1px solid #ececf0;background:#fcfcfd}",
    ".btn{display:inline-flex;align-items:center;justify-content:center;gap:.45em;min-height:2.75rem;padding:.6em 1.2em;",
    "border-radius:var(--_radius);border:1px solid #d6d6de;background:#fff;cursor:pointer;font-weight:600}",
    ".btn:hover{background:#f5f5f8}",
    ".btn.primary{background:var(--_accent);color:var(--_on-accent);border-color:transparent}",
    ".btn.primary:hover{filter:brightness(1.08)}",
    ".btn[aria-disabled=true]{opacity:.55;cursor:not-allowed}",
    ".progress{display:grid;gap:1rem;justify-items:center;text-align:center;padding:.5rem 0}",
    ".preview{width:9rem;height:12rem;border-radius:var(--_radius);object-fit:cover;background:#f3f3f5;",
    "animation:fr-pulse 1.6s ease-in-out infinite}",
    "@keyframes fr-pulse{50%{opacity:.65}}",
    ".status{font-weight:650;font-size:1.05rem}",
    ".bar{width:100%;height:.5rem;border-radius:99px;background:#ececf0;overflow:hidden}",
    ".bar>i{display:block;height:100%;width:4%;background:var(--_accent);border-radius:inherit;transition:width .6s ease}",
    "ol.stages{list-style:none;margin:0;padding:0;display:grid;gap:.35rem;text-align:left;justify-self:center;min-width:min(15rem,100%);font-size:.9rem;color:#8a8a94}",
    "ol.stages li{display:flex;gap:.55rem;align-items:center}",
    "ol.stages li::before{content:'';width:.7rem;height:.7rem;border-radius:50%;border:2px solid currentColor;flex:none}",
    "ol.stages li.done{color:#3a3a44}",
    "ol.stages li.done::before{background:var(--_accent);border-color:var(--_accent)}",
    "ol.stages li.current{color:#1d1d1f;font-weight:650}",
    "ol.stages li.current::before{border-color:var(--_accent);box-shadow:0 0 0 3px rgb(0 0 0/.06)}",
    ".result{display:grid;gap:.75rem;justify-items:center}",
    ".result img{max-width:100%;max-height:min(60vh,36rem);border-radius:var(--_radius);background:#f3f3f5;display:block}",
    ".error{display:grid;gap:.6rem;justify-items:center;text-align:center;padding:.5rem 0}",
    ".error svg{width:2.5rem;height:2.5rem;color:#c2410c}",
    ".error .msg{font-weight:650;font-size:1.02rem}",
    ".error .advice{color:#55555f;font-size:.92rem}",
    ".loading{padding:2rem 0;text-align:center;color:#6b6b76}",
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    ".brand{font-size:.75rem;color:#9a9aa4;margin-right:auto;align-self:center}",
    "@media (max-width:480px){dialog{width:100vw;max-width:100vw;max-height:100dvh;margin:auto 0 0;",
    "border-radius:calc(var(--_radius) + 6px) calc(var(--_radius) + 6px) 0 0}",
    ".actions{padding:.85rem 1rem}.actions .btn{flex:1}.brand{flex-basis:100%;text-align:center;margin:0}",
    ".body{padding:1rem}.head{padding:.85rem .85rem .85rem 1rem}}",
  ].join("");

  var TEMPLATE = [
    '<button type="button" class="launch" part="button" aria-haspopup="dialog">' + ICON_HANGER + '<span class="label"></span></button>',
    '<dialog part="dialog" role="dialog" aria-modal="true" aria-labelledby="fr-title" aria-describedby="fr-desc">',
    '<div class="head"><img alt="" hidden><div class="titles"><h2 id="fr-title" tabindex="-1"></h2>',
    '<p class="sub" id="fr-desc">See it on you before you buy.</p></div>',
    '<button type="button" class="close" aria-label="Close">' + ICON_CLOSE + "</button></div>",
    '<div class="body">',
    '<div class="loading" data-view="loading" role="status">Loading…</div>',
    '<form data-view="start" novalidate hidden>',
    '<fieldset><legend>Your photo</legend><div class="photos">',
    '<label class="choice upload"><input type="file" name="photo" accept="image/jpeg,image/png,image/webp" aria-describedby="fr-hint">',
    '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 16V5m0 0-4 4m4-4 4 4M5 19h14" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/></svg>',
    '<span class="upload-label">Upload a photo</span></label>',
    "</div>",
    '<p class="hint" id="fr-hint">Just you, standing, well lit, with your upper body or whole body in view.</p></fieldset>',
    '<div class="consent" id="fr-consent"><p class="consent-text"></p><p class="consent-more"></p></div>',
    '<label class="agree"><input type="checkbox" name="consent" aria-describedby="fr-consent"><span>I agree to my photo being used to make my try-on picture.</span></label>',
    '<p class="problem" role="alert" hidden></p>',
    "</form>",
    '<div class="progress" data-view="progress" hidden><img class="preview" alt="">',
    '<p class="status" role="status" aria-live="polite"></p>',
    '<div class="bar" role="progressbar" aria-label="Try-on progress" aria-valuemin="0" aria-valuemax="100" aria-valuenow="0"><i></i></div>',
    '<ol class="stages"></ol></div>',
    '<div class="result" data-view="result" hidden><img alt=""><p class="sr" role="status"></p></div>',
    '<div class="error" data-view="error" role="alert" hidden>' + ICON_ALERT + '<p class="msg"></p><p class="advice"></p></div>',
    "</div>",
    '<div class="actions"><span class="brand">Virtual fitting by Fitting Room</span>',
    '<button type="button" class="btn" data-act="cancel">Cancel</button>',
    '<button type="button" class="btn" data-act="again" hidden>Try another photo</button>',
    '<button type="button" class="btn primary" data-act="go">' + ICON_HANGER + "Try it on</button>",
    '<button type="button" class="btn primary" data-act="done" hidden>Done</button>',
    "</div></dialog>",
  ].join("");

  /** A problem answer (RFC 9457) as an Error carrying its code, status and sentence. */
  function ApiError(status, body) {
    var detail = body && body.detail ? body.detail : "The try-on service did not answer as expected.";
    var err = new Error(detail);
    err.status = status;
    err.code = (body && body.code) || "unexpected";
    err.retryAfter = 0;
    return err;
  }

  var refreshing = null; // one token refresh at a time, shared by the calls that need it

  /** A new token from the shop's own server (data-session-url: same origin, its cookies),
   * for a page left open past the token's 30 minutes. */
  function refreshToken() {
    if (!refreshing) {
      refreshing = fetch(script.dataset.sessionUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (body) {
          refreshing = null;
          if (!body || !body.token) return false;
          script.dataset.session = body.token;
          return true;
        })
        .catch(function () {
          refreshing = null;
          return false;
        });
    }
    return refreshing;
  }

  function call(method, path, body, kind, retried) {
    var headers = { Authorization: "Bearer " + script.dataset.session, Accept: "application/json" };
    var init = { method: method, headers: headers, credentials: "omit", mode: "cors" };
    if (body instanceof FormData) init.body = body;
    else if (body) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    var url = path.indexOf("/api/") === 0 ? new URL(script.src).origin + path : API + path;
    return fetch(url, init).then(
      function (response) {
        if (response.ok) return kind === "blob" ? response.blob() : response.json();
        return response
          .json()
          .catch(function () {
            return null;
          })
          .then(function (problem) {
            var err = ApiError(response.status, problem);
            err.retryAfter = Number(response.headers.get("Retry-After")) || 0;
            err.field = problem && problem.errors && problem.errors[0] ? problem.errors[0].field : "";
            if (response.status === 401 && !retried && script.dataset.sessionUrl) {
              return refreshToken().then(function (renewed) {
                if (!renewed) throw err;
                return call(method, path, body, kind, true);
              });
            }
            throw err;
          });
      },
      function () {
        var err = new Error("We could not reach the try-on service. Check your connection and try again.");
        err.code = "network";
        err.status = 0;
        throw err;
      }
    );
  }

  /** What to tell the shopper to do about an error, beside the API's own sentence. */
  function advice(err) {
    if (err.code === "widget_session_expired" || err.status === 401)
      return "Reload the page to start a new session, then try again.";
    if (err.status === 429) return "Please wait a little before trying again.";
    if (err.code === "network") return "";
    if (err.field === "photo" || /person|photo|image|body|pose/i.test(err.message))
      return "Choose a clear, well-lit photo of just you, standing, and try again.";
    return "Please try again in a moment.";
  }

  function mount() {
    var host = document.createElement("span");
    host.className = "fitting-room-tryon";
    host.dataset.sku = SKU;
    if (script.dataset.accent) host.style.setProperty("--fr-accent", script.dataset.accent);
    var root = host.attachShadow({ mode: "open" });
    if ("adoptedStyleSheets" in root && window.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
      // A constructed sheet: not an inline <style>, so a shop's strict style-src allows it.
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } else {
      var style = document.createElement("style");
      style.textContent = CSS;
      root.appendChild(style);
    }
    var shell = document.createElement("div");
    shell.innerHTML = TEMPLATE;
    while (shell.firstChild) root.appendChild(shell.firstChild);

    var target = script.dataset.target && document.querySelector(script.dataset.target);
    if (target) target.appendChild(host);
    else script.parentNode.insertBefore(host, script.nextSibling);
    return root;
  }

  function Widget(root) {
    var $ = function (selector) {
      return root.querySelector(selector);
    };
    var launch = $(".launch");
    var dialog = $("dialog");
    var form = $("form");
    var fileInput = $("input[type=file]");
    var photos = $(".photos");
    var problem = $(".problem");
    var actions = {
      cancel: $("[data-act=cancel]"),
      again: $("[data-act=again]"),
      go: $("[data-act=go]"),
      done: $("[data-act=done]"),
    };
    var info = null; // session info: consent facts and the stage vocabulary
    var garment = null;
    var objectUrls = [];
    var run = 0; // bumps on every close, so a late answer of an old run is ignored

    $(".label").textContent = script.dataset.label || "Try it on";

    function track(blob) {
      var url = URL.createObjectURL(blob);
      objectUrls.push(url);
      return url;
    }

    function show(view) {
      root.querySelectorAll("[data-view]").forEach(function (el) {
        el.hidden = el.dataset.view !== view;
      });
      actions.cancel.hidden = view === "result";
      actions.cancel.textContent = view === "start" || view === "loading" ? "Cancel" : "Close";
      actions.go.hidden = view !== "start";
      actions.again.hidden = view !== "result" && view !== "error";
      actions.again.textContent = view === "error" ? "Try again" : "Try another photo";
      actions.again.classList.toggle("primary", view === "error"); // the way forward
      actions.done.hidden = view !== "result";
      dialog.dataset.state = view; // not data-view: that marks the views themselves
    }

    function focusables() {
      return Array.prototype.filter.call(
        dialog.querySelectorAll("button,a[href],input,[tabindex]:not([tabindex='-1'])"),
        function (el) {
          return !el.disabled && el.getClientRects().length > 0 && !el.closest("[hidden]");
        }
      );
    }

    // Focus stays in the dialog: Tab from the last control goes to the first, and back.
    dialog.addEventListener("keydown", function (event) {
      if (event.key !== "Tab") return;
      var items = focusables();
      if (!items.length) return;
      var first = items[0];
      var last = items[items.length - 1];
      var active = root.activeElement;
      if (event.shiftKey && (active === first || !dialog.contains(active))) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && active === last) {
        event.preventDefault();
        first.focus();
      }
    });

    function open() {
      run += 1;
      show("loading");
      $("h2").textContent = garment ? "Try on " + garment.name : "Try it on";
      dialog.showModal();
      $("h2").focus();
      prepare(run);
    }

    function close() {
      run += 1; // stops polling and ignores answers still on their way
      if (dialog.open) dialog.close();
    }

    // Esc (the dialog's cancel event), the close button or Cancel: all end here.
    dialog.addEventListener("close", function () {
      run += 1;
      objectUrls.splice(0).forEach(URL.revokeObjectURL);
      launch.focus(); // focus returns to the button that opened the dialog
    });
    launch.addEventListener("click", open);
    $(".close").addEventListener("click", close);
    actions.cancel.addEventListener("click", close);
    actions.done.addEventListener("click", close);
    actions.again.addEventListener("click", function () {
      run += 1;
      prepare(run);
    });
    actions.go.addEventListener("click", function () {
      start(run);
    });
    // A choice made or consent given: the earlier "first do X" no longer applies.
    form.addEventListener("change", function () {
      problem.hidden = true;
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      start(run);
    });
    // Clicking the dimmed page around the dialog closes it, like Esc.
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) {
        var box = dialog.getBoundingClientRect();
        var inside =
          event.clientX >= box.left && event.clientX <= box.right && event.clientY >= box.top && event.clientY <= box.bottom;
        if (!inside) close();
      }
    });

    function fail(err, current) {
      if (current !== run) return;
      $(".error .msg").textContent = err.message;
      $(".error .advice").textContent = advice(err);
      show("error");
      actions.again.focus();
    }

    /** The start view: consent facts, the shopper's last photos and the upload. */
    function prepare(current) {
      problem.hidden = true;
      var needInfo = info
        ? Promise.resolve(info)
        : call("GET", "/session/").then(function (body) {
            info = body;
            return body;
          });
      Promise.all([needInfo, call("GET", "/photos/")])
        .then(function (answers) {
          if (current !== run) return;
          renderConsent(answers[0]);
          renderPhotos(answers[1], current);
          show("start");
          var checked = form.querySelector("input[name=choice]:checked");
          (checked || fileInput).focus();
        })
        .catch(function (err) {
          fail(err, current);
        });
    }

    function renderConsent(facts) {
      var shop = facts.merchant_name;
      $(".consent-text").textContent =
        shop +
        " uses Fitting Room to show you wearing this garment. Your photo is sent to Fitting Room, " +
        "stored encrypted, used only to make your try-on pictures, and never shared or used for " +
        "advertising. It is deleted after " +
        facts.photo_retention_days +
        " days, your pictures after " +
        facts.result_retention_days +
        " days; you can ask " +
        shop +
        " to delete them sooner.";
      var more = $(".consent-more");
      more.textContent = "";
      var href = script.dataset.privacyUrl || facts.privacy_url;
      if (href) {
        var link = document.createElement("a");
        link.href = href;
        link.target = "_blank";
        link.rel = "noopener";
        link.textContent = "Read the privacy notice";
        var note = document.createElement("span");
        note.className = "sr";
        note.textContent = " (opens in a new tab)";
        link.appendChild(note);
        more.appendChild(link);
      }
      more.hidden = !href;
    }

    function choice(value, label) {
      var box = document.createElement("label");
      box.className = "choice";
      var input = document.createElement("input");
      input.type = "radio";
      input.name = "choice";
      input.value = value;
      input.setAttribute("aria-label", label);
      var img = document.createElement("img");
      img.alt = "";
      var tick = document.createElement("span");
      tick.className = "tick";
      tick.setAttribute("aria-hidden", "true");
      tick.textContent = "✓";
      box.appendChild(input);
      box.appendChild(img);
      box.appendChild(tick);
      return box;
    }

    function renderPhotos(list, current) {
      photos.querySelectorAll(".choice:not(.upload)").forEach(function (el) {
        el.remove();
      });
      fileInput.value = "";
      var upload = photos.querySelector(".upload");
      list.forEach(function (photo, index) {
        var when = new Date(photo.created_at).toLocaleDateString();
        var box = choice(String(photo.photo_id), "Your photo from " + when);
        if (index === 0) box.querySelector("input").checked = true;
        photos.insertBefore(box, upload);
        call("GET", photo.thumbnail_url, null, "blob")
          .then(function (blob) {
            if (current === run) box.querySelector("img").src = track(blob);
          })
          .catch(function () {});
      });
      $(".upload-label").textContent = list.length ? "Use another photo" : "Upload a photo";
    }

    fileInput.addEventListener("change", function () {
      var file = fileInput.files && fileInput.files[0];
      var previous = photos.querySelector(".choice.new");
      if (previous) previous.remove();
      if (!file) return;
      var box = choice("new", "The photo you chose: " + file.name);
      box.classList.add("new");
      box.querySelector("img").src = track(file);
      box.querySelector("input").checked = true;
      photos.insertBefore(box, photos.querySelector(".upload"));
      problem.hidden = true;
    });

    function refuse(message, focus) {
      problem.textContent = message;
      problem.hidden = false;
      focus.focus();
    }

    /** Try it on: upload the new photo if one was chosen, ask for the job, follow it. */
    function start(current) {
      if (actions.go.getAttribute("aria-disabled") === "true") return;
      var picked = form.querySelector("input[name=choice]:checked");
      var consent = form.querySelector("input[name=consent]");
      if (!picked) return refuse("Choose a photo of yourself first.", fileInput);
      if (!consent.checked) return refuse("Please agree to how your photo is used first.", consent);
      actions.go.setAttribute("aria-disabled", "true");
      var preview = picked.parentNode.querySelector("img").src;
      var photoId;
      if (picked.value === "new") {
        var data = new FormData();
        data.append("photo", fileInput.files[0]);
        photoId = call("POST", "/photos/", data).then(function (photo) {
          return photo.photo_id;
        });
      } else {
        photoId = Promise.resolve(Number(picked.value));
      }
      $(".preview").src = preview;
      renderProgress({ stage: "queued", progress: 0 });
      show("progress");
      $("h2").focus();
      photoId
        .then(function (id) {
          return call("POST", "/tryons/", { sku: SKU, photo_id: id });
        })
        .then(function (job) {
          follow(job, current, 600);
        })
        .catch(function (err) {
          fail(err, current);
        })
        .then(function () {
          actions.go.removeAttribute("aria-disabled");
        });
    }

    function renderProgress(job) {
      var list = $("ol.stages");
      var stages = info.stages.filter(function (s) {
        return s.stage !== "done";
      });
      if (!list.children.length) {
        stages.forEach(function (s) {
          var li = document.createElement("li");
          li.dataset.stage = s.stage;
          li.textContent = s.label;
          list.appendChild(li);
        });
      }
      var reached = stages.findIndex(function (s) {
        return s.stage === job.stage;
      });
      Array.prototype.forEach.call(list.children, function (li, i) {
        li.className = i < reached || job.stage === "done" ? "done" : i === reached ? "current" : "";
        if (i === reached) li.setAttribute("aria-current", "step");
        else li.removeAttribute("aria-current");
      });
      var label = (info.stages.find(function (s) {
        return s.stage === job.stage;
      }) || { label: "Working on it" }).label;
      var status = $(".status");
      if (status.textContent !== label + "…") status.textContent = label + "…";
      var percent = Math.max(4, Math.round((job.progress || 0) * 100));
      $(".bar").setAttribute("aria-valuenow", String(percent));
      $(".bar > i").style.width = percent + "%";
      dialog.dataset.stage = job.stage;
    }

    /** Poll the job, a little less often the longer it takes (at most every 3 s). */
    function follow(job, current, delay) {
      if (current !== run) return;
      if (job.status === "succeeded") return showResult(job, current);
      if (job.status === "failed" || job.status === "cancelled") {
        var err = new Error(
          job.error ? job.error.message : "This try-on was stopped before it finished."
        );
        err.code = job.error ? job.error.code : "cancelled";
        return fail(err, current);
      }
      renderProgress(job);
      setTimeout(function () {
        if (current !== run) return;
        call("GET", "/tryons/" + job.job_id + "/")
          .then(function (next) {
            follow(next, current, Math.min(delay * 1.4, 3000));
          })
          .catch(function (err) {
            if (err.status === 429 || err.code === "network") {
              var wait = Math.max(err.retryAfter * 1000, delay * 2);
              return follow(job, current, Math.min(wait, 15000));
            }
            fail(err, current);
          });
      }, delay);
    }

    function showResult(job, current) {
      renderProgress({ stage: "done", progress: 1 });
      call("GET", job.result.url, null, "blob")
        .then(function (blob) {
          if (current !== run) return;
          var img = $(".result img");
          img.alt = "You wearing " + (garment ? garment.name : "the garment");
          img.width = job.result.width;
          img.height = job.result.height;
          img.src = track(blob);
          $(".result .sr").textContent = "Your try-on picture is ready.";
          show("result");
          actions.done.focus();
        })
        .catch(function (err) {
          fail(err, current);
        });
    }

    // The button appears once the garment is known: a wrong SKU or token never shows a
    // broken button to shoppers, and the shop's developer reads why in the console.
    call("GET", "/garments/" + encodeURIComponent(SKU) + "/")
      .then(function (body) {
        garment = body;
        if (body.image_url) {
          var thumb = $(".head img");
          thumb.src = body.image_url;
          thumb.hidden = false;
        }
        root.host.hidden = false;
        root.host.dispatchEvent(new CustomEvent("fitting-room:ready", { bubbles: true, detail: { sku: SKU } }));
      })
      .catch(function (err) {
        if (window.console) console.warn("Fitting Room widget (" + SKU + "): " + err.message);
      });
  }

  var root = mount();
  root.host.hidden = true;
  Widget(root);
})();
