"""Accounts: the rules for names, passwords and roles, hashing, sessions and local mode."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.auth.accounts import SCRYPT_N, Accounts, hash_password, verify_password
from assistant.core.errors import AuthenticationError, InvalidInputError, NotFoundError
from assistant.core.settings import Settings
from assistant.store.sql import Store
from tests.api.conftest import FAST_SCRYPT_N


@pytest.fixture
def accounts(tmp_path: Path) -> Accounts:
    settings = Settings(data_dir=tmp_path, embedder="hash")
    return Accounts(Store.open(settings.sqlite_path), settings, scrypt_n=FAST_SCRYPT_N)


@pytest.mark.parametrize("name", ["a", "-alice", "_x", "has space", "x" * 33, "名字/斜杠", ""])
def test_bad_usernames_are_refused_in_chinese(accounts: Accounts, name: str) -> None:
    with pytest.raises(InvalidInputError, match="用户名须为2–32个字符"):
        accounts.add_user(name, "long-enough-1", "applicant")


@pytest.mark.parametrize("name", ["alice", "张三", "li.si-2", "渝北区数据局_01"])
def test_good_usernames_are_accepted(accounts: Accounts, name: str) -> None:
    assert accounts.add_user(name, "long-enough-1", "staff").username == name


def test_passwords_need_eight_characters_and_roles_must_be_known(accounts: Accounts) -> None:
    with pytest.raises(InvalidInputError, match="密码至少需要8个字符"):
        accounts.add_user("alice", "1234567", "applicant")
    with pytest.raises(InvalidInputError, match="角色须为以下之一"):
        accounts.add_user("alice", "12345678", "root")
    assert accounts.count_users() == 0


def test_usernames_are_unique_regardless_of_case(accounts: Accounts) -> None:
    accounts.add_user("Alice", "12345678", "applicant")
    with pytest.raises(InvalidInputError, match="已存在") as caught:
        accounts.add_user("ALICE", "12345678", "admin")
    assert caught.value.code == "user_exists"
    assert [u.username for u in accounts.list_users()] == ["alice"]


def test_production_hashes_use_the_full_scrypt_cost_and_verify() -> None:
    stored = hash_password("密码也可以是中文12")
    assert stored.startswith(f"scrypt$n={SCRYPT_N},r=8,p=1$") and SCRYPT_N >= 2**15
    assert verify_password("密码也可以是中文12", stored)
    assert not verify_password("密码也可以是中文13", stored)
    assert not verify_password("x", "md5$abc")
    assert not verify_password("x", "scrypt$n=3,r=8,p=1$AAAA$AAAA")  # invalid cost: no match, no crash


def test_hashes_made_at_another_cost_still_log_in(tmp_path: Path, accounts: Accounts) -> None:
    accounts.add_user("alice", "12345678", "applicant")
    stronger = Accounts(accounts.store, accounts.settings)  # production cost
    assert stronger.authenticate("alice", "12345678").username == "alice"


def test_disabling_an_unknown_user_says_so(accounts: Accounts) -> None:
    with pytest.raises(NotFoundError, match="没有名为“ghost”的用户"):
        accounts.disable_user("ghost")


def test_disabled_accounts_are_refused_only_after_the_right_password(accounts: Accounts) -> None:
    accounts.add_user("alice", "12345678", "applicant")
    accounts.disable_user("alice")
    with pytest.raises(AuthenticationError) as wrong:
        accounts.authenticate("alice", "wrong-password")
    assert wrong.value.code == "bad_credentials"  # a guesser learns nothing about the account
    with pytest.raises(AuthenticationError) as right:
        accounts.authenticate("alice", "12345678")
    assert right.value.code == "account_disabled"


def test_sessions_end_and_unknown_tokens_are_none(accounts: Accounts) -> None:
    token = accounts.create_session(accounts.add_user("alice", "12345678", "applicant"))
    assert accounts.principal_for_token(token).username == "alice"
    assert accounts.principal_for_token("made-up") is None and accounts.principal_for_token(None) is None
    accounts.end_session(token)
    assert accounts.principal_for_token(token) is None


@pytest.mark.parametrize(
    ("host", "users", "expected"),
    [
        ("127.0.0.1", 0, True),
        ("localhost", 0, True),
        ("::1", 0, True),
        ("0.0.0.0", 0, False),
        ("192.168.1.5", 0, False),
        ("127.0.0.1", 1, False),
    ],
)
def test_local_mode_only_on_loopback_with_no_accounts(
    accounts: Accounts, host: str, users: int, expected: bool
) -> None:
    if users:
        accounts.add_user("alice", "12345678", "applicant")
    assert accounts.local_mode(accounts.settings.model_copy(update={"host": host})) is expected
