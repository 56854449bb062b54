"""Access: sign-in through a real OIDC provider on 127.0.0.1 (oidc-provider-mock) in headless
Chromium, as a specialist, a manager and a partner. Every websocket frame the server sends the
browser is captured, and every download the pages offer is fetched (the Trends snapshot too,
made with example cases whenever the Share form offers them): a partner's frames, page text,
URLs and downloads hold no case id and none of the summaries the specialist is shown (the
example cases on the Spikes and Trends pages among them)."""
from __future__ import annotations

import asyncio
import base64
import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import duckdb
import pytest

from ui import access as _access

pytest.importorskip("oidc_provider_mock")
pytest.importorskip("authlib")

CASE_ID = re.compile(rb"C\\?-\d{7}")  # markdown text escapes the dash: C\-0001234
PAGES = ["", "markets", "kpis", "spikes", "trends", "vendors", "cases", "data", "alerts",
         "snapshots"]
SPECIALIST, MANAGER, PARTNER = ("aigerim@example.org", "daniyar@example.org",
                                "partner-desk@example.org")
EVERY_DAY = "from=2000-01-01&to=2100-01-01"  # clamped to the data: the demo's spike is in it
MEDIA = re.compile(rb"/media/[0-9a-f]+\.[a-z]+")


def test_access_file_roles(tmp_path):
    path = tmp_path / "access.toml"
    assert _access.load(path) == _access.AccessConfig()  # no file: sign-in off
    path.write_text('require_sign_in = true\n[users]\n"A@x.org" = "partner"\n')
    assert _access.load(path).users == {"a@x.org": "partner"}
    path.write_text('[users]\n"a@x.org" = "admin"\n')
    with pytest.raises(ValueError, match="unknown role"):
        _access.load(path)


@contextlib.contextmanager
def provider():
    from tools.screenshot import free_port
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "oidc_provider_mock", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"{base}/.well-known/openid-configuration", timeout=1)
                break
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def _frames(events: list[dict]) -> bytes:
    """Every websocket payload the page received, decoded."""
    out = []
    for event in events:
        if event.get("method") == "Network.webSocketFrameReceived":
            response = event["params"]["response"]
            data = response["payloadData"]
            out.append(base64.b64decode(data) if response["opcode"] == 2 else data.encode())
    return b"\n".join(out).replace(b"\\-", b"-")  # undo markdown escaping (C\-0001234)


@contextlib.contextmanager
def app_with_sign_in(db: Path, tmp_path: Path, issuer: str, users: dict[str, str]):
    """The real server with sign-in on: an access file giving these roles and a secrets file
    pointing [auth] at `issuer`. The app's port is chosen first because `redirect_uri` must
    name it: the provider sends the browser back there, and Streamlit takes the origin its
    auth cookie belongs to from it."""
    from tools.screenshot import ROOT, _wait_healthy, free_port

    port = free_port()
    access = tmp_path / "access.toml"
    access.write_text("require_sign_in = true\n[users]\n" +
                      "".join(f'"{email}" = "{role}"\n' for email, role in users.items()))
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        f'[auth]\nredirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{"s" * 48}"\nclient_id = "escalation-radar"\n'
        'client_secret = "test-secret"\n'
        f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n')
    env = os.environ | {"ESCALATION_RADAR_DB": str(db), "ESCALATION_RADAR_ACCESS_FILE": str(access)}
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--secrets.files", str(secrets)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        with contextlib.suppress(AttributeError):  # it exited; the log says why
            _wait_healthy(base, server, 90)
        assert server.poll() is None, (tmp_path / "server.log").read_text()
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _visit_signed_in(base: str, email: str, pages=PAGES) -> dict:
    """Sign in as `email` through the provider's form, then open every page and fetch every
    download the pages offer; what reached the browser."""
    from tools.screenshot import Chromium

    class Recording(Chromium):
        def on_event(self, message: dict) -> None:
            self.events.append(message)

        async def _settle(self, quiet_polls: int = 4) -> None:
            if self.signed_in:  # the sign-in page has no freshness line to wait for
                await super()._settle(quiet_polls)

    async def wait_for(browser, expression: str, tries: int = 300) -> None:
        for _ in range(tries):
            with contextlib.suppress(Exception):
                if await browser.evaluate(expression):
                    return
            await asyncio.sleep(0.2)
        raise TimeoutError(expression)

    async def fetch(browser, url: str) -> bytes:
        """A download as the browser gets it (its cookies), base64 through DevTools."""
        result = await browser.call("Runtime.evaluate", awaitPromise=True, returnByValue=True,
                                    expression=f"fetch({json.dumps(url)}).then(r => r.arrayBuffer())"
                                    ".then(b => { let s = ''; const a = new Uint8Array(b);"
                                    " for (const x of a) s += String.fromCharCode(x); return btoa(s); })")
        return base64.b64decode(result.get("result", {}).get("value") or "")

    def button(label: str) -> str:
        return (f"[...document.querySelectorAll('button')].find("
                f"b => b.innerText.split('\\n').includes({json.dumps(label)}))")  # icon names too

    async def make_snapshot(browser) -> dict:
        """On Trends: open Share, tick "Include example cases" if offered, make the snapshot
        and wait for its download (fetched with the other downloads)."""
        await browser.call("Page.navigate", url=f"{base}/trends?{EVERY_DAY}")
        await asyncio.sleep(1)
        await browser._settle()
        await browser.evaluate(f"{button('Share')}.click()")
        await wait_for(browser, f"!!{button('Make snapshot')}")
        # the form drawn and visible, to its last button (elements arrive in order)
        await wait_for(browser, "document.body.innerText.includes('Make snapshot')")
        box = "document.querySelector('input[aria-label^=\"Include example cases\"]')"
        offered = False
        for _ in range(50):   # up to 10 s: under load the form's widgets arrive over several
            offered = bool(await browser.evaluate(f"!!{box}"))   # deltas (a fixed 1 s once
            if offered:                                           # missed the box)
                break
            await asyncio.sleep(0.2)
        if offered:
            await browser.evaluate(f"{box}.click()")
            await wait_for(browser, f"{box}.checked")
            await asyncio.sleep(2)  # the rerun that records the tick
            await browser._settle()
        await browser.evaluate(f"{button('Make snapshot')}.click()")
        await wait_for(browser, f"!!{button('Download snapshot (.zip)')}", tries=600)
        return {"examples_offered": offered}

    async def steps(browser) -> dict:
        await browser.call("Network.enable")
        sign_in = "[...document.querySelectorAll('button')].find(b => b.innerText == 'Sign in')"
        await wait_for(browser, f"!!{sign_in}")  # the page's text comes before its button
        await browser.evaluate(f"{sign_in}.click()")
        await wait_for(browser, "!!document.querySelector('input[name=sub]')")
        seen = {"provider_url": await browser.evaluate("location.href"), "text": "", "urls": [],
                "downloads": 0}
        await browser.evaluate(f"document.querySelector('input[name=sub]').value = '{email}';"
                               "document.querySelector('input[name=sub]').form.submit()")
        await wait_for(browser, "document.body.innerText.includes('Data freshness')")
        browser.signed_in = True
        for page in pages:
            first = len(browser.events)
            await browser.call("Page.navigate", url=f"{base}/{page}?{EVERY_DAY}")
            await asyncio.sleep(1)
            await browser._settle()
            seen.setdefault("by_page", {})[page] = _frames(browser.events[first:])
            seen["text"] += await browser.evaluate("document.body.innerText") + "\n"
            seen["urls"].append(await browser.evaluate("location.href"))
            seen["downloads"] += await browser.evaluate(
                "document.querySelectorAll('[data-testid=stDownloadButton]').length")
        seen["snapshot"] = await make_snapshot(browser)
        frames = _frames(browser.events)
        files = {url.decode(): await fetch(browser, base + url.decode())
                 for url in sorted(set(MEDIA.findall(frames)))}
        return seen | {"frames": frames, "files": files}

    browser = Recording(base, timeout_s=300)
    browser.events, browser.signed_in = [], False
    return browser.run(steps)


def _unzipped(data: bytes) -> bytes:
    """A download's bytes; a zip (the snapshot) as its members' bytes, one after another."""
    if not data.startswith(b"PK"):
        return data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return b"\n".join(archive.read(name) for name in archive.namelist())


@pytest.mark.slow   # headless Chromium: the slow tier (DEVELOPERS.md)
def test_each_role_signs_in_through_oidc_and_a_partner_never_receives_cases(demo_db, tmp_path):
    users = {SPECIALIST: "specialist", MANAGER: "manager", PARTNER: "partner"}
    db = tmp_path / "radar.duckdb"  # the snapshots made here are recorded in the database
    shutil.copy(demo_db, db)
    with provider() as issuer, app_with_sign_in(db, tmp_path, issuer, users) as base:
        # the partner visits every page (nothing may leak anywhere); the specialist and the
        # manager visit the pages with case ids, downloads and example cases the assertions read
        seen = {role: _visit_signed_in(base, email, PAGES if role == "partner"
                                       else ("cases", "spikes", "trends"))
                for email, role in users.items()}
    specialist, manager, partner = seen["specialist"], seen["manager"], seen["partner"]
    assert specialist["provider_url"].startswith(issuer)  # the form was the provider's own
    for email, role in users.items():
        assert f"Signed in as {email} ({role})" in seen[role]["text"]
    files = {role: [_unzipped(data) for data in seen[role]["files"].values()] for role in seen}
    shown = set(CASE_ID.findall(specialist["frames"]))
    for role in ("specialist", "manager"):  # both see case ids, download them, may share them
        assert all(CASE_ID.search(seen[role]["by_page"][page]) for page in ("spikes", "trends"))
        assert CASE_ID.findall(seen[role]["frames"]) and seen[role]["downloads"] >= 1
        assert seen[role]["snapshot"]["examples_offered"]
        assert sum(bool(CASE_ID.search(data)) for data in files[role]) >= 2  # CSV, snapshot
    assert not CASE_ID.findall(partner["frames"])
    leak = CASE_ID.search(partner["text"].encode())
    assert not leak, partner["text"].encode()[max(leak.start() - 400, 0):leak.end() + 100]
    assert not any(CASE_ID.search(u.encode()) for u in partner["urls"])
    assert partner["downloads"] == 0 and not partner["snapshot"]["examples_offered"]
    assert len(files["partner"]) == 1  # the snapshot a partner may make: aggregates only
    assert not any(CASE_ID.search(data) for data in files["partner"])
    with duckdb.connect(str(db), read_only=True) as con:
        summaries = [r[0] for r in con.execute(
            "select summary from cases where list_contains($ids, case_id)",
            {"ids": sorted(i.decode() for i in shown)}).fetchall() if r[0]]
    assert summaries  # the specialist was shown example cases (Spikes, Trends, Cases)
    received = b"\n".join([partner["frames"], partner["text"].encode(), *files["partner"]])
    plain = received.replace(b"\\", b"")  # markdown escapes
    assert not [s for s in summaries if s.replace("\\", "").encode() in plain
                or json.dumps(s)[1:-1].encode() in received]  # JSON: \\u0430 ...
