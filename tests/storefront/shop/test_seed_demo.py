"""The demo data command gives every demo login its own random password, shown once
(issue 12: the demo superuser shared the demo shopper's printed password)."""

import io
import re

from django.contrib.auth import get_user_model
from django.core.management import call_command

DEMO_USERS = {"demo-merchant", "operator", "demo-shopper"}


def _seed(*args: str) -> tuple[str, dict[str, str]]:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    text = out.getvalue()
    return text, dict(re.findall(r"user: (\S+)\s+password: (\S+)", text))


def test_every_demo_login_has_its_own_password_shown_once(db, monkeypatch) -> None:
    monkeypatch.delenv("FITTINGROOM_DEMO_PASSWORD", raising=False)
    _text, issued = _seed()
    assert set(issued) == DEMO_USERS
    assert len(set(issued.values())) == len(DEMO_USERS)  # all different
    users = {user.username: user for user in get_user_model().objects.filter(username__in=issued)}
    for username, password in issued.items():
        assert users[username].check_password(password), username
        for other in DEMO_USERS - {username}:
            assert not users[other].check_password(password), (username, other)
    assert users["operator"].is_superuser

    # Again: nothing is shown and every password still works.
    text, again = _seed()
    assert again == {} and "password" not in text
    for username, password in issued.items():
        assert get_user_model().objects.get(username=username).check_password(password)

    # A laptop set up before this change: every demo login on the one password of its .env.
    # Each gets its own again. (Each run imports the catalogue: three runs are enough.)
    shared = "try-0123abcd"
    for user in get_user_model().objects.filter(username__in=DEMO_USERS):
        user.set_password(shared)
        user.save()
    monkeypatch.setenv("FITTINGROOM_DEMO_PASSWORD", shared)
    _text, reissued = _seed()
    assert set(reissued) == DEMO_USERS and len(set(reissued.values())) == len(DEMO_USERS)
    for user in get_user_model().objects.filter(username__in=DEMO_USERS):
        assert not user.check_password(shared)
