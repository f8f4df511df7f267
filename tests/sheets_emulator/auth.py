"""OAuth2 for service accounts: the emulator mints RSA key pairs, writes key files whose token_uri
points at itself, verifies RS256 JWT-bearer assertions and issues bearer tokens."""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
ACCEPTED_SCOPES = {
    "https://www.googleapis.com/auth/spreadsheets",
    "https://www.googleapis.com/auth/spreadsheets.readonly",
    "https://www.googleapis.com/auth/drive",
    "https://www.googleapis.com/auth/drive.file",
    "https://www.googleapis.com/auth/drive.readonly",
}
# google-auth always signs for Google's own token endpoint, whatever the key file's token_uri says.
GOOGLE_TOKEN_AUDIENCES = ("https://oauth2.googleapis.com/token", "https://www.googleapis.com/oauth2/v4/token")
UNAUTHENTICATED_MISSING = (
    "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or "
    "other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project."
)
UNAUTHENTICATED_INVALID = (
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other "
    "valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project."
)


class TokenError(Exception):
    def __init__(self, error: str, description: str):
        super().__init__(description)
        self.error, self.description = error, description


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


@dataclass
class Token:
    email: str
    scopes: list[str]
    expires_at: float


@dataclass
class AuthServer:
    token_lifetime: int = 3600
    # email -> {key id: public key}: like Google, a service account may have several keys at once, and a
    # token request is checked against the key its JWT names (header "kid"), so a new key file written
    # for an account leaves the others valid.
    keys: dict[str, dict[str, rsa.RSAPublicKey]] = field(default_factory=dict)
    tokens: dict[str, Token] = field(default_factory=dict)
    scope_log: list[tuple[str, list[str]]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def register_key(self, email: str, public_key: rsa.RSAPublicKey, key_id: str | None = None) -> str:
        key_id = key_id or secrets.token_hex(20)
        with self._lock:
            self.keys.setdefault(email, {})[key_id] = public_key
        return key_id

    def new_key_file(self, path: Path, email: str, token_uri: str, project_id: str = "test-proj") -> Path:
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        key_id = self.register_key(email, private.public_key())
        pem = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        info = {
            "type": "service_account",
            "project_id": project_id,
            "private_key_id": key_id,
            "private_key": pem,
            "client_email": email,
            "client_id": str(secrets.randbits(64)),
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": token_uri,
            "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/" + email,
            "universe_domain": "googleapis.com",
        }
        path = Path(path)
        path.write_text(json.dumps(info, indent=2))
        return path

    def issue(self, email: str, scopes: list[str] | None = None, lifetime: int | None = None) -> str:
        token = "ya29.emu-" + secrets.token_urlsafe(24)
        with self._lock:
            self.tokens[token] = Token(
                email,
                list(scopes or sorted(ACCEPTED_SCOPES)),
                time.time() + (lifetime if lifetime is not None else self.token_lifetime),
            )
        return token

    def revoke_all(self) -> None:
        with self._lock:
            self.tokens.clear()

    def exchange(self, form_body: bytes, token_uri: str) -> dict:
        form = {k: v[0] for k, v in parse_qs(form_body.decode()).items()}
        if form.get("grant_type") != JWT_GRANT:
            raise TokenError("unsupported_grant_type", "Invalid grant_type: " + form.get("grant_type", ""))
        assertion = form.get("assertion", "")
        try:
            head_b64, claims_b64, sig_b64 = assertion.split(".")
            header = json.loads(_b64decode(head_b64))
            claims = json.loads(_b64decode(claims_b64))
            signature = _b64decode(sig_b64)
        except (ValueError, json.JSONDecodeError):
            raise TokenError(
                "invalid_grant",
                "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe.",
            ) from None
        if header.get("alg") != "RS256":
            raise TokenError("invalid_grant", "Invalid JWT Signature.")
        email = claims.get("iss")
        registered = self.keys.get(email)
        if registered is None:
            raise TokenError("invalid_grant", "Invalid grant: account not found")
        candidates = [registered[header["kid"]]] if header.get("kid") in registered else []
        if "kid" not in header:
            candidates = list(registered.values())
        if not any(_signed_by(key, signature, f"{head_b64}.{claims_b64}".encode()) for key in candidates):
            raise TokenError("invalid_grant", "Invalid JWT Signature.")
        now = time.time()
        if claims.get("aud") not in (token_uri, *GOOGLE_TOKEN_AUDIENCES):
            raise TokenError("invalid_grant", "Invalid JWT: Failed audience check.")
        exp, iat = claims.get("exp", 0), claims.get("iat", 0)
        if exp < now or iat > now + 300 or exp - iat > 3600:
            raise TokenError(
                "invalid_grant",
                "Invalid JWT: Token must be a short-lived token (60 minutes) and in "
                "a reasonable timeframe. Check your iat and exp values in the JWT "
                "claim.",
            )
        scopes = (claims.get("scope") or "").split()
        with self._lock:
            self.scope_log.append((email, scopes))
        if not scopes:
            raise TokenError("invalid_scope", "Invalid OAuth scope or ID token audience provided.")
        token = self.issue(email, scopes)
        return {"access_token": token, "expires_in": self.token_lifetime, "token_type": "Bearer"}

    def identify(self, authorization: str | None) -> tuple[str | None, str | None]:
        """(email, None) for a valid bearer token, else (None, error message)."""
        if not authorization or not authorization.lower().startswith("bearer "):
            return None, UNAUTHENTICATED_MISSING
        token = self.tokens.get(authorization.split(" ", 1)[1].strip())
        if token is None or token.expires_at < time.time():
            return None, UNAUTHENTICATED_INVALID
        if not ACCEPTED_SCOPES.intersection(token.scopes):
            return None, "Request had insufficient authentication scopes."
        return token.email, None

    def can_write(self, authorization: str | None) -> bool:
        token = self.tokens.get((authorization or " ").split(" ", 1)[-1].strip())
        return token is not None and any(not s.endswith(".readonly") for s in token.scopes)


def _signed_by(key: rsa.RSAPublicKey, signature: bytes, message: bytes) -> bool:
    try:
        key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True
