"""Who may see what: optional sign-in (Streamlit's OIDC, `st.login`) and roles from a file.

Off by default, so the demo opens without signing in and everyone is a specialist. When the
access file (data/access.toml, or ESCALATION_RADAR_ACCESS_FILE) says `require_sign_in = true`,
every visitor signs in through the provider under [auth] in .streamlit/secrets.toml (see
.streamlit/secrets.example.toml) and gets the role the file gives their e-mail address.
Specialists and managers see everything; partners see aggregated pages only, never case text or
case ids: pages that show cases are left out of the navigation and every case section asks
`can_see_cases()` first. Anything unclear (unknown user, unknown role) means no access.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

from analytics import settings

ROLES = ("specialist", "manager", "partner")
SEES_CASES = ("specialist", "manager")
CASE_PAGES = ("cases", "data")  # url paths of the pages that list cases or rejected rows


@dataclass(frozen=True)
class AccessConfig:
    require_sign_in: bool = False
    users: dict[str, str] = field(default_factory=dict)  # lower-case e-mail -> role
    default_role: str = ""  # the role of a signed-in user not listed; "" lets no one else in


def load(path: Path) -> AccessConfig:
    """The access file's settings; a missing file means sign-in is off."""
    if not path.exists():
        return AccessConfig()
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    users = {str(k).strip().lower(): str(v) for k, v in raw.get("users", {}).items()}
    default_role = str(raw.get("default_role", ""))
    unknown = sorted({*users.values(), default_role} - {*ROLES, ""})
    if unknown:
        raise ValueError(f"{path}: unknown role(s) {unknown}; roles are {', '.join(ROLES)}")
    return AccessConfig(bool(raw.get("require_sign_in", False)), users, default_role)


def config() -> AccessConfig:
    return load(Path(settings.get("ESCALATION_RADAR_ACCESS_FILE")))


def role() -> str | None:
    """The visitor's role, or None when they are not (yet) let in."""
    access = config()
    if not access.require_sign_in:
        return "specialist"
    if not st.user.is_logged_in:
        return None
    email = str(st.user.get("email") or "").strip().lower()
    return access.users.get(email, access.default_role) or None


def can_see_cases() -> bool:
    """Whether this visitor may see case ids and case text (not a partner)."""
    return role() in SEES_CASES


def require_sign_in() -> None:
    """Before navigation: stop with a sign-in button unless sign-in is off or the visitor has
    a role; show who is signed in, with a sign-out button, in the sidebar."""
    if not config().require_sign_in:
        return
    if not st.user.is_logged_in:
        st.title("Escalation Radar")
        st.write("Sign in to see the dashboard.")
        st.button("Sign in", key="access_login", type="primary", on_click=st.login)
        st.stop()
    current = role()
    if current is None:
        st.error(f"{st.user.get('email') or 'This account'} has no access to Escalation Radar. "
                 "Ask an administrator to add it to the access file.")
        st.button("Sign out", key="access_logout", on_click=st.logout)
        st.stop()
    with st.sidebar:
        st.caption(f"Signed in as {st.user.get('email')} ({current})")
        st.button("Sign out", key="access_logout", on_click=st.logout)


def visible(pages: list) -> list:
    """The pages this visitor may open (partners: none that show cases)."""
    return pages if can_see_cases() else [p for p in pages if p.url_path not in CASE_PAGES]
