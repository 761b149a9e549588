"""The double as a GitHub App's API: JWTs signed with the App's key, installations, and the
installation tokens it issues (see README.md, "App mode").

GitHub's rules for an App's JWT (docs: "Generating a JSON Web Token for a GitHub App"): RS256,
`iss` the App's id, `exp` in the future and at most ten minutes ahead, `iat` not in the future
(60 s of clock drift allowed here)."""

import base64
import binascii
import datetime
import hashlib
import json
import secrets
import time

k_max_lifetime = 600   # exp - iat, and exp - now
k_clock_drift = 60     # how far iat may be ahead of the double's clock

# GitHub's answers (401) to the ways a JWT goes wrong.
UNDECODABLE = "A JSON web token could not be decoded"
BAD_EXP = ("'Expiration time' claim ('exp') must be a numeric value representing the future time "
           "at which the assertion expires")
FAR_EXP = "'Expiration time' claim ('exp') is too far in the future"
BAD_IAT = "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued"

# What an installation grants when a seed names no permissions.
DEFAULT_PERMISSIONS = {"checks": "write", "contents": "read", "issues": "write", "members": "read",
                       "metadata": "read", "pull_requests": "write", "statuses": "write"}

# The permission an operation needs, by operationId or its prefix (any one of a tuple will do;
# GitHub lets either issues or pull_requests write a pull request's conversation).
_PERMISSION_OF = {
    "checks/": ("checks",), "issues/": ("issues", "pull_requests"), "reactions/": ("issues", "pull_requests"),
    "pulls/": ("pull_requests",), "code-scanning/": ("security_events",), "repos/get-content": ("contents",),
    "repos/create-commit-status": ("statuses",), "repos/get-collaborator-permission-level": ("metadata",),
    "teams/": ("members",), "orgs/": ("members",),
}


class JwtError(Exception):
    """A refused JWT: `message` is GitHub's answer, `reason` what the log says."""

    def __init__(self, message, reason):
        super().__init__(reason)
        self.message = message
        self.reason = reason


def _b64url(segment):
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError) as e:
        raise JwtError(UNDECODABLE, f"segment is not base64url: {e}") from e


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def iso(epoch):
    return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def looks_like_jwt(credential):
    return credential.count(".") == 2 and credential.startswith("eyJ")


def needs_jwt(op):
    """The routes GitHub serves only to the App itself (a JWT), never to an installation token."""
    return op.template.startswith("/app") or op.id == "apps/get-repo-installation"


def permission_needed(op):
    """(alternatives, level) the operation needs of an installation token, or None."""
    for key, names in _PERMISSION_OF.items():
        if op.id == key or (key.endswith("/") and op.id.startswith(key)):
            return names, "read" if op.method == "GET" else "write"
    return None


def grants(permissions, names, level):
    return any(permissions.get(n) == "write" or (level == "read" and permissions.get(n) == "read")
               for n in names)


class App:
    """The App's identity, its key, and the tokens issued to its installations (kept by hash)."""

    def __init__(self, app_id, public_key_pem, slug, token_ttl):
        self.id = int(app_id)
        self.slug = slug
        self.token_ttl = int(token_ttl)
        # Imported here: only App mode needs Debian's python3-cryptography.
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        key = serialization.load_pem_public_key(public_key_pem)
        if not isinstance(key, rsa.RSAPublicKey):
            raise ValueError("--app-public-key is not an RSA public key")
        self.key = key
        self.tokens = {}  # sha256 hex -> record (see issue)

    def verify_jwt(self, credential, now=None):
        """The JWT's claims, or JwtError with GitHub's message and the reason."""
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding
        now = time.time() if now is None else now
        parts = credential.split(".")
        if len(parts) != 3:
            raise JwtError(UNDECODABLE, "not a JWT (three dot-separated segments)")
        try:
            header = json.loads(_b64url(parts[0]))
            claims = json.loads(_b64url(parts[1]))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise JwtError(UNDECODABLE, f"header or claims are not JSON: {e}") from e
        if not isinstance(header, dict) or not isinstance(claims, dict):
            raise JwtError(UNDECODABLE, "header or claims are not a JSON object")
        if header.get("alg") != "RS256":
            raise JwtError(UNDECODABLE, f"alg is {header.get('alg')!r}, not RS256")
        try:
            self.key.verify(_b64url(parts[2]), f"{parts[0]}.{parts[1]}".encode("ascii"),
                            padding.PKCS1v15(), hashes.SHA256())
        except (InvalidSignature, UnicodeEncodeError) as e:
            raise JwtError(UNDECODABLE, "signature does not verify with the App's public key") from e
        iss = claims.get("iss")
        if isinstance(iss, bool) or str(iss) != str(self.id):
            raise JwtError(UNDECODABLE, f"iss is {iss!r}, not the App id {self.id}")
        iat, exp = claims.get("iat"), claims.get("exp")
        if not _is_number(iat) or iat > now + k_clock_drift:
            raise JwtError(BAD_IAT, f"iat {iat!r} is missing or in the future (now {int(now)})")
        if not _is_number(exp) or exp <= now:
            raise JwtError(BAD_EXP, f"exp {exp!r} is missing or not in the future (now {int(now)})")
        if exp - iat > k_max_lifetime or exp - now > k_max_lifetime:
            raise JwtError(FAR_EXP, f"exp {exp} is more than {k_max_lifetime} s after iat {iat} or now")
        return claims

    def issue(self, installation, permissions, repositories, now=None):
        """A fresh ghs_ token for the installation; the double keeps only its SHA-256."""
        now = time.time() if now is None else now
        token = "ghs_" + secrets.token_urlsafe(27).replace("-", "A").replace("_", "B")[:36]
        record = {"installation": installation["id"], "token_sha256": hashlib.sha256(token.encode()).hexdigest(),
                  "expires_at": iso(now + self.token_ttl), "expires": now + self.token_ttl,
                  "permissions": permissions, "repositories": repositories}
        self.tokens[record["token_sha256"]] = record
        return token, record

    def token_record(self, credential):
        return self.tokens.get(hashlib.sha256(credential.encode()).hexdigest())

    def bot_login(self):
        return f"{self.slug}[bot]"
