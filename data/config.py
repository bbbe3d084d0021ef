"""Configuration from the environment: the one place that reads the database URL and the account settings.

Streamlit copies every root-level key of `.streamlit/secrets.toml` into the environment when the
server starts, so each setting here can live in that file or in the process environment
(`.streamlit/secrets.example.toml` lists them all).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "var" / "readiness.sqlite3"
MIN_SECRET_LENGTH = 32

_LOG = logging.getLogger(__name__)


def database_url() -> str:
    """Return the database URL: `DATABASE_URL` when set, else the embedded SQLite file."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return normalise_url(url)
    DEFAULT_SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def bases_dir() -> Path | None:
    """Return the folder where computed cycle bases are kept between restarts (`READINESS_BASES_DIR`, default
    `var/bases`); `off` keeps them in memory only."""
    raw = os.environ.get("READINESS_BASES_DIR", "").strip()
    if raw.lower() == "off":
        return None
    return Path(raw) if raw else PROJECT_ROOT / "var" / "bases"


def normalise_url(url: str) -> str:
    """Map plain `postgresql://` URLs to the psycopg 3 driver that the project installs."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


@dataclass(frozen=True)
class AccountPolicy:
    """How sign-in behaves: lockout after failures, session lifetime, password rules."""

    max_failures: int = 5
    lockout: dt.timedelta = dt.timedelta(minutes=15)
    idle_timeout: dt.timedelta = dt.timedelta(hours=8)
    max_session_age: dt.timedelta = dt.timedelta(hours=24)
    min_password_length: int = 12
    oidc_auto_create: bool = False


def _positive_number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, not {raw!r}") from None
    if value <= 0:
        raise ValueError(f"{name} must be positive, not {raw!r}")
    return value


def account_policy(env: Mapping[str, str] | None = None) -> AccountPolicy:
    """Return the account policy from `READINESS_*` settings, with the defaults of `AccountPolicy`."""
    env = os.environ if env is None else env
    base = AccountPolicy()
    return AccountPolicy(
        max_failures=int(_positive_number(env, "READINESS_LOCKOUT_ATTEMPTS", base.max_failures)),
        lockout=dt.timedelta(minutes=_positive_number(env, "READINESS_LOCKOUT_MINUTES", 15)),
        idle_timeout=dt.timedelta(hours=_positive_number(env, "READINESS_SESSION_IDLE_HOURS", 8)),
        max_session_age=dt.timedelta(hours=_positive_number(env, "READINESS_SESSION_MAX_HOURS", 24)),
        min_password_length=int(_positive_number(env, "READINESS_MIN_PASSWORD_LENGTH", base.min_password_length)),
        oidc_auto_create=env.get("READINESS_OIDC_AUTO_CREATE", "").strip().lower() in ("1", "true", "yes"),
    )


def session_secret(env: Mapping[str, str] | None = None) -> bytes:
    """Return the key that signs session tokens: `READINESS_SESSION_SECRET`, at least 32 characters.

    Without it, a random key for this process is used: sign-in works, but tokens die with the
    process and two app servers would reject each other's tokens.
    """
    env = os.environ if env is None else env
    value = env.get("READINESS_SESSION_SECRET", "").strip()
    if value:
        if len(value) < MIN_SECRET_LENGTH:
            raise ValueError(f"READINESS_SESSION_SECRET must have at least {MIN_SECRET_LENGTH} characters")
        return value.encode("utf-8")
    return _process_secret()


@lru_cache(maxsize=1)
def _process_secret() -> bytes:
    _LOG.warning("READINESS_SESSION_SECRET is not set: using a random key; sessions end when the process stops")
    return secrets.token_bytes(32)


def bootstrap_admin(env: Mapping[str, str] | None = None) -> tuple[str, str] | None:
    """Return (username, password) from `READINESS_ADMIN_USERNAME`/`READINESS_ADMIN_PASSWORD` when both are set."""
    env = os.environ if env is None else env
    username = env.get("READINESS_ADMIN_USERNAME", "").strip()
    password = env.get("READINESS_ADMIN_PASSWORD", "")
    return (username, password) if username and password else None
