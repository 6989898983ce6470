"""Finding 4: behind a reverse proxy every visitor had the proxy's address, so the sign-in
limits applied to the whole town."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from palabre.core.client_address import client_address, trusted_networks

from ..factories import PASSWORD, UserFactory

PROXY = trusted_networks(["127.0.0.1", "10.0.0.0/8"])


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("127.0.0.1", "203.0.113.5", "203.0.113.5"),  # nginx on the same machine
        ("10.1.2.3", "203.0.113.5, 10.0.0.7", "203.0.113.5"),  # two proxies
        ("127.0.0.1", "1.1.1.1, 203.0.113.5", "203.0.113.5"),  # the visitor's own claim is ignored
        ("198.51.100.9", "203.0.113.5", "198.51.100.9"),  # not from a proxy: XFF ignored
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", "pas une adresse", "127.0.0.1"),
        ("127.0.0.1", "[2001:db8::1]:443", "2001:db8::1"),
        ("127.0.0.1", "203.0.113.5:51234", "203.0.113.5"),
    ],
)
def test_the_visitor_address_is_read_from_trusted_proxies_only(remote, forwarded, expected):
    assert client_address(remote, forwarded, PROXY) == expected
    assert client_address(remote, forwarded, []) == remote  # no proxy configured


def test_wrong_passwords_from_one_visitor_do_not_lock_out_the_town(db, settings):
    settings.PALABRE_TRUSTED_PROXIES = ["127.0.0.1"]
    resident = UserFactory()
    attacker, neighbour = Client(), Client()
    login = reverse("account_login")
    for n in range(6):  # wrong passwords on other accounts, from one address
        attacker.post(
            login,
            {"login": f"autre{n}@exemple.fr", "password": "mauvais"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.5",
        )
    # from that address, even the right password is refused for a while…
    attacker.post(
        login,
        {"login": resident.email, "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    assert "_auth_user_id" not in attacker.session
    # …but the resident, behind the same proxy from another address, signs in
    response = neighbour.post(
        login,
        {"login": resident.email, "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert response.status_code == 302
    assert neighbour.session["_auth_user_id"] == str(resident.pk)
