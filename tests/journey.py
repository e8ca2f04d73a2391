"""What every browser journey does on every page: axe-core, the phone-width check, the logins.

A journey moves only through `go` (type an address), `follow` (click something that loads a page)
and `seen` (a page reached some other way, e.g. after a redirect chain); each runs axe-core 4.14.1
(tests/vendor/axe.min.js, from the npm registry, MPL-2.0) on the page it lands on and fails on any
serious or critical violation. On a phone-width page it also fails if the page scrolls sideways.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

from accounts.demo import DEMO_PASSWORD

AXE = (Path(__file__).resolve().parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
TAXISNET_PASSWORD = "taxisnet-demo"  # the sandbox IdP's published demo password
BLOCKING = ("serious", "critical")


def axe(page) -> None:
    """Run axe-core on the current document; fail on serious or critical violations."""
    page.wait_for_load_state()
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated by the browser's debugging protocol, not as a <script> the page's
        # Content-Security-Policy would refuse (the portal allows no inline script).
        page.evaluate(AXE + "\n;void 0")
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    bad = [v for v in result["violations"] if v.get("impact") in BLOCKING]
    if hasattr(page, "axe_checked"):  # a page of `open_context` (tests/conftest.py) keeps the tally
        page.axe_checked.add(page.url)
    if bad:
        lines = [f"axe-core: {len(bad)} serious/critical violation(s) on {page.url}"]
        for v in bad:
            lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
            for node in v["nodes"][:5]:
                lines.append(f"    {json.dumps(node['target'], ensure_ascii=False)}: {node['html'][:160]}")
                lines.append(f"      {node.get('failureSummary', '')[:300]}")
        raise AssertionError("\n".join(lines))


def fits(page) -> None:
    """At phone width the document must not scroll sideways (issue 10 item 10)."""
    width = page.viewport_size["width"]
    if width > 480:
        return
    scroll = page.evaluate("document.documentElement.scrollWidth")
    if scroll > width:
        wide = page.evaluate(
            """(w) => [...document.querySelectorAll('body *')]
                 .filter(e => e.getBoundingClientRect().right > w + 1)
                 .filter(e => !e.closest('[data-scroll], .table-scroll, .govgr-table-wrapper'))
                 .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                    + (typeof e.className === 'string' && e.className ? '.' + e.className.split(' ')[0] : '')
                    + ' right=' + Math.round(e.getBoundingClientRect().right))""",
            width,
        )
        raise AssertionError(f"{page.url} scrolls sideways at {width} px (scrollWidth {scroll}): {wide}")


_TIMING = os.environ.get("OPSKE_JOURNEY_TIMING")  # print each page's load and axe time
_SHOTS = os.environ.get("OPSKE_JOURNEY_SHOTS")  # a directory: keep a screenshot of every page
_last = [time.monotonic(), 0]


def seen(page) -> None:
    """The page the browser is on now: it must pass axe-core and, on a phone, fit its width."""
    page.wait_for_load_state()
    loaded = time.monotonic()
    fits(page)
    axe(page)
    if _SHOTS:
        _last[1] += 1
        name = re.sub(r"[^\w]+", "_", page.url.split("//", 1)[-1].split("/", 1)[-1])[:80]
        shot = Path(_SHOTS) / f"{_last[1]:03d}-{page.viewport_size['width']}px-{name}.png"
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot), full_page=True)
    if _TIMING:
        now = time.monotonic()
        print(f"{loaded - _last[0]:6.2f}s + axe {now - loaded:5.2f}s  {page.url}")
        _last[0] = now


def go(page, url: str) -> None:
    page.goto(url)
    seen(page)


def follow(page, locator, *, url: str | None = None) -> None:
    """Click something that loads a new page (link or submit button) and check that page.

    When the step is irreversible the portal first shows its confirmation page (what cannot be
    undone, a box to tick): the journey reads it, ticks the box and confirms, as a person would.
    """
    with page.expect_navigation():
        locator.click()
    seen(page)
    if page.locator("#confirm-irreversible").count():
        page.confirmations = [*getattr(page, "confirmations", []), page.locator("h1").inner_text()]
        page.locator("#id_confirm").check()
        with page.expect_navigation():
            page.locator('form:has(#id_confirm) button[type="submit"]').click()
        seen(page)
    if url:
        page.wait_for_url(url)


# What a staff member's authenticator app holds: the key read off the enrolment page, per portal and
# username, the last 30-second step whose code was used (a used step is refused again) and the
# drift django-otp has learnt for the device (OTP_TOTP_SYNC: it accepts one step either side of
# its drift and moves the drift to the step it accepted).
_AUTHENTICATORS: dict[tuple[str, str], dict] = {}


def authenticator_code(portal_url: str, username: str) -> str:
    """A code the portal accepts now: the app's current one, or the next step's when the current
    one was used already (a second login within the same 30 s)."""
    from base64 import b32decode

    from django_otp.oath import TOTP

    app = _AUTHENTICATORS[(portal_url, username)]
    app.setdefault("drift", 0)
    now = int(time.time()) // 30
    step = next(s for s in (now + app["drift"], now + app["drift"] + 1) if s > app["last_step"])
    app["last_step"], app["drift"] = step, step - now
    totp = TOTP(b32decode(app["key"]))
    totp.time = step * 30 + 1
    return f"{totp.token():06d}"


def staff_login(page, portal_url: str, username: str) -> None:
    """Log in on the staff login page with the demo password (accounts/demo.py), then the second step:
    at the first login the journey links an authenticator (it reads the key off the page, as a person
    types it into an app) and afterwards it types the app's current code."""
    go(page, f"{portal_url}/accounts/staff/login/")
    page.get_by_label("Όνομα χρήστη").fill(username)
    page.get_by_label("Κωδικός πρόσβασης").fill(DEMO_PASSWORD)
    follow(page, page.get_by_role("button", name="Σύνδεση"))
    if "/accounts/staff/otp/enrol/" in page.url:
        key = page.locator("#otp-key").inner_text().replace(" ", "")
        _AUTHENTICATORS[(portal_url, username)] = {"key": key, "last_step": 0, "drift": 0}
        submit = "Σύνδεση εφαρμογής"
    elif "/accounts/staff/otp/" in page.url:
        submit = "Επιβεβαίωση"
    else:
        return
    page.get_by_label("Κωδικός από την εφαρμογή επαλήθευσης").fill(authenticator_code(portal_url, username))
    follow(page, page.get_by_role("button", name=submit))
    assert "/accounts/staff/otp/" not in page.url, page.locator("#id_code_error").all_inner_texts()


def taxisnet_login(page, portal_url: str, username: str) -> None:
    """Log in through the sandbox TAXISnet IdP as a business or a citizen does."""
    go(page, f"{portal_url}/accounts/login/")
    page.get_by_role("link", name="Σύνδεση μέσω TAXISnet").click()
    page.wait_for_url("**/sandbox/gsis/oauth2server/oauth/authorize**")
    page.get_by_label("Όνομα χρήστη").fill(username)
    page.get_by_label("Κωδικός πρόσβασης").fill(TAXISNET_PASSWORD)
    page.get_by_role("button", name="Σύνδεση").click()
    page.wait_for_url(f"{portal_url}/accounts/**")
    seen(page)


def open_payment_in_queue(page, portal_url: str, username: str, role: str, payment) -> None:
    """Log in as `username` and open `payment` from «Πληρωμές: έλεγχος και έγκριση» of `role`."""
    staff_login(page, portal_url, username)
    follow(page, page.locator(f"#role-{role}").get_by_role("link", name="Πληρωμές: έλεγχος και έγκριση"))
    page.get_by_label("Αναζήτηση (κωδικός, πράξη, δικαιούχος, ΑΦΜ)").fill(payment.code)
    follow(page, page.get_by_role("button", name="Φίλτρα"))
    row = page.locator(f"#payment-row-{payment.pk}")
    follow(page, row.get_by_role("link", name=payment.code))
