"""A tiny OpenID Connect provider on a real local HTTP port: the external edge the sign-in tests talk to.

It implements the authorization-code flow with PKCE the way Microsoft Entra ID answers it: `/authorize` redirects
back with a code, `/token` checks the client secret (client_secret_post, or client_secret_basic) and the PKCE verifier
and returns an RS256-signed ID token (carrying the `roles` app-role claim), `/jwks` publishes the key, `/userinfo`
answers for the access token, `/logout` is the end-session endpoint (RP-initiated logout).
A test says who signs in next by setting `idp.next_claims`; `idp.next_error` makes `/authorize` answer with an error
(the user cancelled); `idp.token_overrides` changes the ID token's claims (a wrong `aud` or `iss`);
`idp.roles_in = "userinfo"` moves the roles from the ID token to userinfo; `idp.token_auth = "basic"` requires
client_secret_basic at the token endpoint.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

CLIENT_ID = "vaelgklogt-test"
CLIENT_SECRET = "stub-secret"


def _new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class StubIdentityProvider:
    def __init__(self, port: int = 0):
        self.key = _new_key()
        self.kid = "stub-key-1"
        self.signing_key = self.key  # a test may swap in another key to forge a token
        self.next_claims: dict = {}
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        self.fail_token_endpoint = False
        self.requests: list[str] = []
        self.reset()
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def reset(self):
        """The per-test switches, back to a well-behaved provider."""
        self.signing_key = self.key
        self.fail_token_endpoint = False
        self.next_error = ""
        self.token_overrides: dict = {}
        self.roles_in = "id_token"
        self.token_auth = "post"
        self.token_auth_used: list[str] = []
        self.end_sessions: list[dict] = []

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def settings(self, **extra) -> dict:
        values = {
            "OIDC_ENABLED": True,
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_RP_SIGN_ALGO": "RS256",
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.base_url}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.base_url}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.base_url}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.base_url}/jwks",
            "OIDC_OP_ISSUER": self.base_url,
            "OIDC_OP_END_SESSION_ENDPOINT": f"{self.base_url}/logout",
            "OIDC_STORE_ID_TOKEN": True,
            "OIDC_TOKEN_USE_BASIC_AUTH": False,
            "AUTHENTICATION_BACKENDS": [
                "axes.backends.AxesStandaloneBackend",
                "django.contrib.auth.backends.ModelBackend",
                "departments.oidc.RoleMappingOIDCBackend",
            ],
        }
        values.update(extra)
        return values

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    # --- protocol -------------------------------------------------------------------------------------------------

    def jwks(self) -> dict:
        public = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        public.update({"kid": self.kid, "alg": "RS256", "use": "sig"})
        return {"keys": [public]}

    def id_token(self, claims: dict, nonce: str) -> str:
        now = int(time.time())
        payload = {"iss": self.base_url, "aud": CLIENT_ID, "iat": now, "exp": now + 300, "nonce": nonce, **claims}
        if self.roles_in != "id_token":
            payload.pop("roles", None)
        payload.update(self.token_overrides)
        return jwt.encode(payload, self.signing_key, algorithm="RS256", headers={"kid": self.kid})

    def _handler(self):
        idp = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def _json(self, status: int, body: dict):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                idp.requests.append(f"GET {url.path}")
                if url.path == "/authorize":
                    if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
                        return self._json(400, {"error": "invalid_request"})
                    if idp.next_error:
                        answer = {
                            "error": idp.next_error,
                            "error_description": "The user cancelled",
                            "state": query["state"],
                        }
                        self.send_response(302)
                        self.send_header("Location", f"{query['redirect_uri']}?{urlencode(answer)}")
                        self.end_headers()
                        return None
                    code = secrets.token_urlsafe(16)
                    idp.codes[code] = {
                        "nonce": query.get("nonce", ""),
                        "challenge": query.get("code_challenge"),
                        "redirect_uri": query["redirect_uri"],
                        "claims": dict(idp.next_claims),
                    }
                    self.send_response(302)
                    self.send_header(
                        "Location", f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
                    )
                    self.end_headers()
                    return None
                if url.path == "/jwks":
                    return self._json(200, idp.jwks())
                if url.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    claims = idp.tokens.get(token)
                    if claims is None:
                        return self._json(401, {"error": "invalid_token"})
                    # userinfo carries the profile, not the app roles (as Entra ID), unless a test moves them there
                    if idp.roles_in == "userinfo":
                        return self._json(200, claims)
                    return self._json(200, {k: v for k, v in claims.items() if k != "roles"})
                if url.path == "/logout":
                    idp.end_sessions.append(query)
                    self.send_response(302)
                    self.send_header("Location", query.get("post_logout_redirect_uri", "/"))
                    self.end_headers()
                    return None
                return self._json(404, {"error": "not_found"})

            def do_POST(self):
                idp.requests.append(f"POST {self.path}")
                if self.path != "/token":
                    return self._json(404, {"error": "not_found"})
                if idp.fail_token_endpoint:
                    return self._json(500, {"error": "server_error"})
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                grant = idp.codes.pop(form.get("code", ""), None)
                basic = self.headers.get("Authorization", "")
                if basic.startswith("Basic "):
                    client_id, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
                    idp.token_auth_used.append("basic")
                else:
                    client_id, secret = form.get("client_id"), form.get("client_secret")
                    idp.token_auth_used.append("post")
                    if idp.token_auth == "basic":
                        return self._json(401, {"error": "invalid_client"})
                if grant is None or secret != CLIENT_SECRET or client_id != CLIENT_ID:
                    return self._json(400, {"error": "invalid_grant"})
                if form.get("redirect_uri") != grant["redirect_uri"]:
                    return self._json(400, {"error": "invalid_grant"})
                verifier = form.get("code_verifier", "")
                challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                if challenge != grant["challenge"]:
                    return self._json(400, {"error": "invalid_grant", "error_description": "PKCE"})
                access_token = secrets.token_urlsafe(24)
                idp.tokens[access_token] = grant["claims"]
                return self._json(
                    200,
                    {
                        "access_token": access_token,
                        "token_type": "Bearer",
                        "expires_in": 300,
                        "id_token": idp.id_token(grant["claims"], grant["nonce"]),
                    },
                )

        return Handler
