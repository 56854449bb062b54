"""Access: sign-in through a real OIDC provider on 127.0.0.1 (oidc-provider-mock) in headless
Chromium, as a specialist and as a partner. Every websocket frame the server sends the browser
is captured: a partner's frames, page text and URLs hold no case id and none of the example
cases' summaries that the specialist is shown on the Spikes and Trends pages."""
from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import re
import subprocess
import sys
import time
import urllib.request

import duckdb
import pytest

from app_pages import _access

pytest.importorskip("oidc_provider_mock")
pytest.importorskip("authlib")

CASE_ID = re.compile(rb"C-\d{7}")
PAGES = ["", "markets", "kpis", "spikes", "trends", "vendors", "cases", "data"]
SPECIALIST, PARTNER = "aigerim@example.org", "partner-desk@example.org"


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
    return b"\n".join(out)


def _visit_signed_in(base: str, email: str) -> dict:
    """Sign in as `email`, then open every page; what reached the browser."""
    from tools.screenshot import Chromium

    class Recording(Chromium):
        async def call(self, method: str, **params) -> dict:
            self._next_id += 1
            await self._socket.send(json.dumps({"id": self._next_id, "method": method,
                                                "params": params}))
            while True:
                message = json.loads(await self._socket.recv())
                if message.get("id") == self._next_id:
                    return message.get("result", {})
                self.events.append(message)

        async def _settle(self, quiet_polls: int = 4) -> None:
            if not self.signed_in:  # the sign-in page has no freshness line to wait for
                return await wait_for(self, "document.body.innerText.includes('Sign in')")
            return await super()._settle(quiet_polls)

    async def wait_for(browser, expression: str) -> None:
        for _ in range(300):
            with contextlib.suppress(Exception):
                if await browser.evaluate(expression):
                    return
            await asyncio.sleep(0.2)
        raise TimeoutError(expression)

    async def steps(browser) -> dict:
        await browser.call("Network.enable")
        await browser.evaluate("[...document.querySelectorAll('button')].find("
                               "b => b.innerText.includes('Sign in')).click()")
        await wait_for(browser, "!!document.querySelector('input[name=sub]')")
        await browser.evaluate(f"document.querySelector('input[name=sub]').value = '{email}';"
                               "document.querySelector('input[name=sub]').form.submit()")
        await wait_for(browser, "document.body.innerText.includes('Data freshness')")
        browser.signed_in = True
        seen = {"text": "", "urls": []}
        for page in PAGES:
            await browser.call("Page.navigate", url=f"{base}/{page}")
            await asyncio.sleep(1)
            await browser._settle()
            seen["text"] += await browser.evaluate("document.body.innerText") + "\n"
            seen["urls"].append(await browser.evaluate("location.href"))
            seen.setdefault("downloads", 0)
            seen["downloads"] += await browser.evaluate(
                "document.querySelectorAll('[data-testid=stDownloadButton]').length")
        return seen | {"frames": _frames(browser.events)}

    browser = Recording(base, timeout_s=240)
    browser.events, browser.signed_in = [], False
    return browser.run(steps)


@pytest.mark.skip(reason="unfinished: Streamlit's /auth/login answers 302 to / instead of "
                  "redirecting to oidc-provider-mock (see docs/reliability.md, Access)")
def test_a_partner_signed_in_through_oidc_never_receives_cases(demo_db, tmp_path, monkeypatch):
    from tools.screenshot import serve

    access = tmp_path / "access.toml"
    access.write_text(f'require_sign_in = true\n[users]\n"{SPECIALIST}" = "specialist"\n'
                      f'"{PARTNER}" = "partner"\n')
    with provider() as issuer:
        secrets = tmp_path / "secrets.toml"
        secrets.write_text(
            '[auth]\nredirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            f'cookie_secret = "{"s" * 48}"\nclient_id = "escalation-radar"\n'
            f'client_secret = "test-secret"\n'
            f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n')
        monkeypatch.setenv("ESCALATION_RADAR_ACCESS_FILE", str(access))
        monkeypatch.setenv("STREAMLIT_SECRETS_FILES", str(secrets))
        with serve(demo_db) as base:
            specialist = _visit_signed_in(base, SPECIALIST)
            partner = _visit_signed_in(base, PARTNER)
    shown = set(CASE_ID.findall(specialist["frames"]))
    assert shown and specialist["downloads"] >= 1      # the specialist sees cases
    assert f"{SPECIALIST} (specialist)" in specialist["text"]
    assert f"{PARTNER} (partner)" in partner["text"]
    assert not CASE_ID.findall(partner["frames"])
    assert not CASE_ID.search(partner["text"].encode())
    assert not any(CASE_ID.search(u.encode()) for u in partner["urls"])
    assert partner["downloads"] == 0
    with duckdb.connect(str(demo_db), read_only=True) as con:
        summaries = [r[0] for r in con.execute(
            "select summary from cases where list_contains($ids, case_id)",
            {"ids": sorted(i.decode() for i in shown)}).fetchall() if r[0]]
    assert summaries and not [s for s in summaries if s.encode() in partner["frames"]]
