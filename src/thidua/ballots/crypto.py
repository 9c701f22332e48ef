"""Exponential ElGamal with zero-knowledge proofs and a threshold key, as Helios does.

The group is the prime-order subgroup of edwards25519 (order L), used through libsodium's
point and scalar operations (PyNaCl). Scalars are Python ints taken modulo L; points are their
32-byte encodings, written as hex in stored JSON.

- ``keygen`` makes a key x, splits it by Shamir sharing (threshold t of n) and returns the
  public key Y = x·B, Feldman commitments to the polynomial and the n shares. Nothing here
  keeps x: the caller hands each share to its trustee and stores only the commitments.
- ``encrypt`` gives Enc(m) = (r·B, m·B + r·Y) for m in {0, 1}, with a disjunctive
  Chaum–Pedersen (CDS) proof that m is 0 or 1; ``prove_range`` proves the sum of a ballot's
  ciphertexts encrypts 0..k (Helios's "overall proof"). Challenges are Fiat–Shamir hashes that
  bind a context (the session, its public key and the candidate) and the ciphertext.
- ``partial_decrypt`` is a trustee's share applied to a ciphertext, with a Chaum–Pedersen proof
  that the same share is behind the trustee's verification key; ``combine`` Lagrange-combines
  t partial decryptions and solves the small discrete logarithm of the total.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from nacl import bindings as _na

L = 2**252 + 27742317777372353535851937790883648493
IDENTITY = b"\x01" + b"\x00" * 31
SHARE_PREFIX = "TDK"


class CryptoError(ValueError):
    """A point, proof or share that does not check."""


def _sb(k: int) -> bytes:
    return (k % L).to_bytes(32, "little")


def mul(k: int, point: bytes) -> bytes:
    k %= L
    if k == 0 or point == IDENTITY:
        return IDENTITY
    return _na.crypto_scalarmult_ed25519_noclamp(_sb(k), point)


def base(k: int) -> bytes:
    k %= L
    if k == 0:
        return IDENTITY
    return _na.crypto_scalarmult_ed25519_base_noclamp(_sb(k))


def add(p: bytes, q: bytes) -> bytes:
    if p == IDENTITY:
        return q
    if q == IDENTITY:
        return p
    return _na.crypto_core_ed25519_add(p, q)


def sub(p: bytes, q: bytes) -> bytes:
    if q == IDENTITY:
        return p
    if p == IDENTITY:
        return _na.crypto_core_ed25519_sub(IDENTITY, q)
    return _na.crypto_core_ed25519_sub(p, q)


def point(text: str) -> bytes:
    """A point read from outside: a valid element of the prime-order subgroup."""
    try:
        raw = bytes.fromhex(text)
    except (TypeError, ValueError) as exc:
        raise CryptoError("not hex") from exc
    if len(raw) != 32 or not _na.crypto_core_ed25519_is_valid_point(raw):
        raise CryptoError("not a point of the group")
    return raw


def rand() -> int:
    return secrets.randbelow(L - 1) + 1


def challenge(*parts: bytes | str) -> int:
    h = hashlib.sha512(b"thidua-ballot-v1")
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(4, "big") + data)
    return int.from_bytes(h.digest(), "little") % L


# Keys


@dataclass
class KeySet:
    public: bytes
    commitments: list[bytes]
    shares: list[tuple[int, int]]  # (trustee index from 1, share)


def keygen(threshold: int, trustees: int) -> KeySet:
    if not 1 <= threshold <= trustees:
        raise ValueError("threshold must be 1..trustees")
    coeffs = [rand() for _ in range(threshold)]
    shares = [(i, _poly(coeffs, i)) for i in range(1, trustees + 1)]
    commitments = [base(c) for c in coeffs]
    return KeySet(commitments[0], commitments, shares)


def _poly(coeffs: list[int], x: int) -> int:
    return sum(c * pow(x, k, L) for k, c in enumerate(coeffs)) % L


def verification_key(commitments: list[bytes], index: int) -> bytes:
    """Feldman: share_i·B = Σ index^k · C_k, computed from the public commitments alone."""
    acc = IDENTITY
    for k, c in enumerate(commitments):
        acc = add(acc, mul(pow(index, k, L), c))
    return acc


def check_share(commitments: list[bytes], index: int, share: int) -> bool:
    return 0 < share < L and base(share) == verification_key(commitments, index)


def share_code(session_id: int, index: int, share: int) -> str:
    """What a trustee keeps: session, index and the share, with a check of its own."""
    body = f"{SHARE_PREFIX}-{session_id}-{index}-{share:064x}"
    check = hashlib.sha256(body.encode()).hexdigest()[:6]
    return f"{body}-{check}"


def parse_share(code: str) -> tuple[int, int, int]:
    """(session id, index, share) from a code as a trustee types it back (case, spaces)."""
    parts = "".join(code.split()).upper().split("-")
    if len(parts) != 5 or parts[0] != SHARE_PREFIX:
        raise CryptoError("not a share code")
    try:
        session_id, index, share = int(parts[1]), int(parts[2]), int(parts[3], 16)
    except ValueError as exc:
        raise CryptoError("not a share code") from exc
    if share_code(session_id, index, share).upper() != "-".join(parts):
        raise CryptoError("share code check fails")
    return session_id, index, share


# Encryption and proofs


@dataclass
class Ciphertext:
    a: bytes
    b: bytes

    def json(self) -> dict:
        return {"a": self.a.hex(), "b": self.b.hex()}

    @classmethod
    def load(cls, data: dict) -> Ciphertext:
        return cls(point(data["a"]), point(data["b"]))

    def __add__(self, other: Ciphertext) -> Ciphertext:
        return Ciphertext(add(self.a, other.a), add(self.b, other.b))


ZERO = Ciphertext(IDENTITY, IDENTITY)


def encrypt(public: bytes, m: int, r: int | None = None) -> tuple[Ciphertext, int]:
    r = rand() if r is None else r
    return Ciphertext(base(r), add(base(m), mul(r, public))), r


def prove_range(public: bytes, ct: Ciphertext, m: int, r: int, hi: int, context: str) -> list[dict]:
    """Disjunctive Chaum–Pedersen proof that ct encrypts one of 0..hi (the real one is m)."""
    commits: list[tuple[bytes, bytes]] = []
    sims: dict[int, tuple[int, int]] = {}
    w = rand()
    for k in range(hi + 1):
        if k == m:
            commits.append((base(w), mul(w, public)))
            continue
        c, s = rand(), rand()
        sims[k] = (c, s)
        commits.append(
            (sub(base(s), mul(c, ct.a)), sub(mul(s, public), mul(c, sub(ct.b, base(k)))))
        )
    total = _range_challenge(public, ct, commits, context)
    c_m = (total - sum(c for c, _s in sims.values())) % L
    proof = []
    for k, (ta, tb) in enumerate(commits):
        c, s = (c_m, (w + c_m * r) % L) if k == m else sims[k]
        proof.append({"ta": ta.hex(), "tb": tb.hex(), "c": f"{c:x}", "s": f"{s:x}"})
    return proof


def verify_range(public: bytes, ct: Ciphertext, proof: list[dict], hi: int, context: str) -> bool:
    if len(proof) != hi + 1:
        return False
    try:
        commits = [(point(p["ta"]), point(p["tb"])) for p in proof]
        cs = [int(p["c"], 16) % L for p in proof]
        ss = [int(p["s"], 16) % L for p in proof]
    except (CryptoError, KeyError, TypeError, ValueError):
        return False
    if sum(cs) % L != _range_challenge(public, ct, commits, context):
        return False
    for k in range(hi + 1):
        ta, tb = commits[k]
        if base(ss[k]) != add(ta, mul(cs[k], ct.a)):
            return False
        if mul(ss[k], public) != add(tb, mul(cs[k], sub(ct.b, base(k)))):
            return False
    return True


def _range_challenge(public, ct, commits, context) -> int:
    flat = [p for pair in commits for p in pair]
    return challenge("range", context, public, ct.a, ct.b, *flat)


# Threshold decryption


def partial_decrypt(share: int, index: int, ct: Ciphertext, context: str) -> dict:
    """D = share·a with a Chaum–Pedersen proof that log_B(V) = log_a(D)."""
    d = mul(share, ct.a)
    w = rand()
    t1, t2 = base(w), mul(w, ct.a)
    c = challenge("decrypt", context, str(index), base(share), ct.a, d, t1, t2)
    return {"d": d.hex(), "t1": t1.hex(), "t2": t2.hex(), "s": f"{(w + c * share) % L:x}"}


def verify_partial(vkey: bytes, index: int, ct: Ciphertext, part: dict, context: str) -> bool:
    try:
        d, t1, t2 = point(part["d"]), point(part["t1"]), point(part["t2"])
        s = int(part["s"], 16) % L
    except (CryptoError, KeyError, TypeError, ValueError):
        return False
    c = challenge("decrypt", context, str(index), vkey, ct.a, d, t1, t2)
    return base(s) == add(t1, mul(c, vkey)) and mul(s, ct.a) == add(t2, mul(c, d))


def lagrange(index: int, indices: list[int]) -> int:
    num, den = 1, 1
    for j in indices:
        if j != index:
            num = num * j % L
            den = den * (j - index) % L
    return num * pow(den, -1, L) % L


def combine(ct: Ciphertext, partials: dict[int, bytes], most: int) -> int:
    """The plaintext total of ct from t partial decryptions (index → D), searched in 0..most."""
    indices = sorted(partials)
    xa = IDENTITY
    for i in indices:
        xa = add(xa, mul(lagrange(i, indices), partials[i]))
    target = sub(ct.b, xa)
    acc = IDENTITY
    g = base(1)
    for m in range(most + 1):
        if acc == target:
            return m
        acc = add(acc, g)
    raise CryptoError(f"the total is outside 0..{most}")


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
