"""Issue 25, item 4: Gradio event results belong to the browser and the login that asked for them.

Gradio delivers every event's result on ``GET /gradio_api/queue/data?session_hash=…``,
keyed by the session hash alone. Someone who learnt a victim's session hash (a proxy
log, a shared screen) could read the victim's results with another cookie or none,
among them the one-time login ticket, and redeem it for the victim's session.
Now each session hash is bound to the page cookie and the login that opened it, and
a ticket can only be redeemed by the page it was issued to.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from .conftest import PASSWORD, Server, fn_index, gradio_config

pytestmark = pytest.mark.slow  # a served process, a shell run or an evaluation floor: make test, not make test-fast

VICTIM = "bind-victim"
SESSION_HASH = "victimsession0001"


def join(client: httpx.Client, index: int, data: list[Any], session_hash: str) -> httpx.Response:
    body = {"data": data, "fn_index": index, "session_hash": session_hash, "event_data": None, "trigger_id": None}
    return client.post("gradio_api/queue/join", json=body)


def read_result(client: httpx.Client, session_hash: str) -> tuple[int, dict | None]:
    """(status, the event's final message) from the result stream of ``session_hash``."""
    with client.stream("GET", "gradio_api/queue/data", params={"session_hash": session_hash}) as stream:
        if stream.status_code != 200:
            stream.read()
            return stream.status_code, None
        for line in stream.iter_lines():
            if line.startswith("data:"):
                message = json.loads(line[5:])
                if message.get("msg") in ("process_completed", "unexpected_error", "close_stream"):
                    return 200, message
    return 200, None


def test_another_cookie_or_none_cannot_read_a_victims_login_ticket(secure: Server) -> None:
    index = fn_index(gradio_config(secure), "login-button")
    with secure.client() as victim, secure.client() as nobody, secure.client(
        cookies={"case_assistant_session": secure.token("sec-bob")}
    ) as other_user:
        assert victim.get("").status_code == 200  # the page, as a browser opens it first
        assert join(victim, index, [VICTIM, PASSWORD], SESSION_HASH).status_code == 200
        for attacker in (nobody, other_user):
            status, message = read_result(attacker, SESSION_HASH)
            assert status == 403 and message is None, message
            assert join(attacker, index, ["sec-bob", "x"], SESSION_HASH).status_code == 403
        status, message = read_result(victim, SESSION_HASH)
        assert status == 200 and message is not None and message["success"], message
        ticket = message["output"]["data"][0]
        assert isinstance(ticket, str) and len(ticket) > 20

        stolen = nobody.post("api/session", json={"ticket": ticket})  # leaked some other way: still useless
        assert stolen.status_code == 401 and "case_assistant_session" not in stolen.headers.get("set-cookie", "")
        redeemed = victim.post("api/session", json={"ticket": ticket})
        assert redeemed.status_code == 200 and "case_assistant_session=" in redeemed.headers["set-cookie"]
        assert victim.get("api/me").json()["username"] == VICTIM


def test_a_logged_in_session_hash_is_not_readable_after_the_login_changes(secure: Server) -> None:
    """Bound to the login too: the same page cookie with another user's session is refused."""
    ask = fn_index(gradio_config(secure), "qa-ask")
    with secure.client(cookies={"case_assistant_session": secure.token("sec-alice")}) as alice:
        alice.get("")
        question = ["申报截止时间是哪天？", None]  # the question and the page's Q&A history (a gr.State: null)
        assert join(alice, ask, question, "alicesession0001").status_code == 200
        page = alice.cookies.get("case_assistant_page")
        assert page
        with secure.client(
            cookies={"case_assistant_page": page, "case_assistant_session": secure.token("sec-bob")}
        ) as same_page_other_login:
            status, _ = read_result(same_page_other_login, "alicesession0001")
            assert status == 403
        status, message = read_result(alice, "alicesession0001")
        assert status == 200 and message is not None and message["success"]
