"""The test OpenID provider (tests/idp) works as the single sign-on tests will need it: the
authorization code flow with PKCE through its own login and consent pages, a token for the
code, and an ID token naming the person with the claims given. (The SSO tests of issue 18
then put Highlight in place of this test's hand-made client.)"""

import base64
import hashlib
import json
import secrets
from urllib.parse import parse_qs, urlencode, urlparse

import requests

from tests.idp import CLIENT_ID, CLIENT_SECRET, running_provider, sign_in_at_provider

CALLBACK = "http://127.0.0.1:8000/accounts/oidc/idp/login/callback/"
LIZ = {"email": "liz@example.org", "email_verified": True, "name": "Liz Sanderson",
       "groups": ["highlight-pmo"]}  # fmt: skip


def _claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_the_provider_signs_a_person_in_through_its_own_pages(tmp_path):
    with running_provider(tmp_path, {"liz": LIZ}, [CALLBACK]) as issuer:
        discovery = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=5).json()
        assert (
            discovery["issuer"] == issuer
            and "S256" in discovery["code_challenge_methods_supported"]
        )
        verifier, state, nonce = (secrets.token_urlsafe(32) for _ in range(3))
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        query = {
            "client_id": CLIENT_ID, "response_type": "code", "redirect_uri": CALLBACK,
            "scope": "openid email profile groups", "state": state, "nonce": nonce,
            "code_challenge": challenge.decode().rstrip("="), "code_challenge_method": "S256",
        }  # fmt: skip
        back = sign_in_at_provider(
            requests.Session(), f"{discovery['authorization_endpoint']}?{urlencode(query)}",
            "liz", CALLBACK,
        )  # fmt: skip
        answer = parse_qs(urlparse(back).query)
        assert answer["state"] == [state]
        tokens = requests.post(
            discovery["token_endpoint"],
            data={"grant_type": "authorization_code", "code": answer["code"][0],
                  "redirect_uri": CALLBACK, "code_verifier": verifier},
            auth=(CLIENT_ID, CLIENT_SECRET), timeout=5,
        ).json()  # fmt: skip
        claims = _claims(tokens["id_token"])
        assert (claims["iss"], claims["aud"], claims["sub"]) == (issuer, CLIENT_ID, "liz")
        assert claims["nonce"] == nonce
        bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
        userinfo = requests.get(discovery["userinfo_endpoint"], headers=bearer, timeout=5)
        assert userinfo.json() | {"sub": "liz"} == {"sub": "liz", **LIZ}


def test_the_provider_refuses_a_code_without_its_verifier(tmp_path):
    """PKCE: a stolen code is worth nothing without the verifier."""
    with running_provider(tmp_path, {"liz": LIZ}, [CALLBACK]) as issuer:
        discovery = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=5).json()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(b"x" * 43).digest()).decode()
        query = {
            "client_id": CLIENT_ID, "response_type": "code", "redirect_uri": CALLBACK,
            "scope": "openid", "state": "s", "nonce": "n",
            "code_challenge": challenge.rstrip("="), "code_challenge_method": "S256",
        }  # fmt: skip
        back = sign_in_at_provider(requests.Session(),
                                   f"{discovery['authorization_endpoint']}?{urlencode(query)}",
                                   "liz", CALLBACK)  # fmt: skip
        code = parse_qs(urlparse(back).query)["code"][0]
        refused = requests.post(discovery["token_endpoint"], timeout=5,
                                data={"grant_type": "authorization_code", "code": code,
                                      "redirect_uri": CALLBACK, "code_verifier": "y" * 43},
                                auth=(CLIENT_ID, CLIENT_SECRET))  # fmt: skip
        assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
