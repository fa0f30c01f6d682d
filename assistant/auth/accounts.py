"""User accounts and login sessions, stored in the application database.

Why scrypt: it is in the standard library and deliberately slow and memory-hard,
so a stolen database does not give away passwords cheaply. The stored hash names
its own parameters (``scrypt$n=..,r=..,p=..$salt$hash``), so they can be raised
later without breaking existing accounts.

Why only a hash of the session token is stored: a copy of the database must not
let anyone act as a logged-in user. Tokens are random, so sha256 is enough.

Local mode (loopback address, no accounts yet) is decided here because it depends
on the user count; the API asks :meth:`Accounts.local_mode` on every request, so
adding the first account ends local mode without a restart.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from assistant.auth.exposure import is_loopback
from assistant.auth.lifecycle import AccountLifecycle
from assistant.auth.principal import Principal
from assistant.auth.rules import (  # noqa: F401 - re-exported: callers import the rules from here
    MAX_PASSWORD_CHARS,
    MIN_PASSWORD_CHARS,
    PASSWORD_RULES,
    ROLE_LABELS,
    ROLES,
    USERNAME_RE,
    UserInfo,
    check_password,
    check_role,
    check_username,
    normalise_username,
)
from assistant.auth.throttle import LoginThrottle, StoreCounter
from assistant.auth.tickets import TicketBook
from assistant.core.errors import AuthenticationError
from assistant.core.settings import Settings
from assistant.store.protocol import ApplicationStore
from assistant.store.rows import now_iso

# 2**15 × 8 × 1 ≈ 32 MiB and ~0.1 s per hash: slow for an attacker, fine for a login; the
# parameters are stored with each hash, so they can be raised later without a migration.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
SCRYPT_DKLEN = 32
_MAX_SCRYPT_MEM = 256 * 1024 * 1024


def hash_password(password: str, n: int = SCRYPT_N) -> str:
    """A self-describing scrypt hash with a fresh random salt."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, n, SCRYPT_R, SCRYPT_P, SCRYPT_DKLEN)
    return f"scrypt$n={n},r={SCRYPT_R},p={SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """Recompute with the stored parameters and compare in constant time."""
    try:
        scheme, params, salt_b64, digest_b64 = stored.split("$")
        values = dict(item.split("=") for item in params.split(","))
        n, r, p = int(values["n"]), int(values["r"]), int(values["p"])
        salt, expected = _unb64(salt_b64), _unb64(digest_b64)
    except (ValueError, KeyError):
        return False
    if scheme != "scrypt":
        return False
    try:
        actual = _scrypt(password, salt, n, r, p, len(expected))
    except ValueError:  # parameters outside what hashlib accepts (corrupt row): no match
        return False
    return hmac.compare_digest(actual, expected)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=dklen, maxmem=_MAX_SCRYPT_MEM)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Accounts(AccountLifecycle):
    """Accounts and sessions over the ``users`` and ``sessions`` tables (migration 0001).

    Changes after creation (password, role, disable/enable, delete, the log) are in
    ``assistant.auth.lifecycle``.

    ``scrypt_n`` is the cost of new hashes; tests pass a small one to stay fast. Stored
    hashes carry their own cost, so accounts made with any cost keep working.
    """

    def __init__(self, store: ApplicationStore, settings: Settings, *, scrypt_n: int = SCRYPT_N) -> None:
        self.store = store
        self.settings = settings
        self.scrypt_n = scrypt_n
        # On PostgreSQL every instance shares the login counts; on SQLite (one machine) process memory is enough.
        counter = StoreCounter(store) if getattr(store, "dialect", "") == "postgresql" else None
        self.throttle = LoginThrottle(settings, counter)
        # The UI's login event returns one of these instead of the token (see ``assistant.auth.web``).
        self.login_tickets: TicketBook[str] = TicketBook(ttl=60.0)
        self._users_exist = False
        # Checked when the username is unknown, so a wrong name costs as long as a wrong password.
        self._dummy_hash = (
            f"scrypt$n={scrypt_n},r={SCRYPT_R},p={SCRYPT_P}${_b64(bytes(16))}${_b64(bytes(SCRYPT_DKLEN))}"
        )

    # ---- users ----
    def add_user(self, username: str, password: str, role: str = "applicant", actor: str = "系统") -> Principal:
        name, checked_role = check_username(username), check_role(role)
        check_password(password, name)
        detail = f"创建账号，角色：{checked_role}（{ROLE_LABELS[checked_role]}）"
        # taken: UserExistsError (400, user_exists)
        user_id = self.store.add_user(name, checked_role, self.hash_new(password), actor=actor, detail=detail)
        self._users_exist = True
        return Principal(id=user_id, username=name, role=checked_role)

    def hash_new(self, password: str) -> str:
        """A hash for a new password, within the cap on parallel scrypt."""
        with self.throttle.hashing():
            return hash_password(password, self.scrypt_n)

    def list_users(self) -> list[UserInfo]:
        return [
            UserInfo(id=u.id, username=u.username, role=u.role, disabled=u.disabled, created_at=u.created_at)
            for u in self.store.list_users()
        ]

    def disable_user(self, username: str, actor: str = "系统") -> None:
        """Lock the account out: refuse logins and end every session it holds (logged)."""
        self.set_disabled(username, True, actor)

    def count_users(self) -> int:
        return self.store.count_users()

    @property
    def users_exist_known(self) -> bool:
        """True once an account has been seen: the last account cannot be deleted, so it stays true."""
        return self._users_exist

    def local_mode(self, settings: Settings | None = None) -> bool:
        """True when the app may run without login: loopback address and no account yet.

        Whether a given *request* may use it is ``assistant.api.local_guard``'s question.
        """
        settings = settings or self.settings
        if not is_loopback(settings.host):
            return False
        if not self._users_exist:
            self._users_exist = self.count_users() > 0
        return not self._users_exist

    # ---- login ----
    def login(self, username: str, password: str, client: str) -> Principal:
        """``authenticate`` behind the login throttle; every login path (API and UI) comes here."""
        name = normalise_username(username)[:64]
        self.throttle.begin(name, client)  # counted before the hash: parallel guesses cannot overtake the count
        principal = self.authenticate(name, password)
        self.throttle.succeeded(name)
        return principal

    def authenticate(self, username: str, password: str) -> Principal:
        """The account for this name and password; one vague error for any wrong pair (no throttle)."""
        name = normalise_username(username)
        row = self.store.get_user(name)
        with self.throttle.hashing():
            ok = verify_password(password or "", row.password_hash if row else self._dummy_hash)
        if row is None or not ok:
            raise AuthenticationError("用户名或密码错误。", code="bad_credentials")
        if row.disabled:
            raise AuthenticationError("该账号已被停用，请联系管理员。", code="account_disabled")
        return Principal(id=row.id, username=row.username, role=row.role)

    def create_session(self, principal: Principal) -> str:
        """A new random token; only its sha256 is stored, with an expiry."""
        token = secrets.token_urlsafe(32)
        expires = datetime.now(UTC) + timedelta(hours=self.settings.session_hours)
        self.store.create_session(token_hash(token), principal.id, expires.isoformat(timespec="seconds"))
        return token

    def principal_for_token(self, token: str | None) -> Principal | None:
        """The logged-in user for a token, or None if unknown, expired or disabled."""
        if not token:
            return None
        row = self.store.session(token_hash(token))
        if row is None or row.disabled or row.expires_at <= now_iso():
            return None
        return Principal(id=row.user_id, username=row.username, role=row.role)

    def end_session(self, token: str | None) -> None:
        if not token:
            return
        self.store.delete_session(token_hash(token))
