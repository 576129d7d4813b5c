#!/usr/bin/env python3
"""Writes ed25519-strict.json: Ed25519 signatures on which strict verification (the rules of
ed25519-dalek's `verify_strict`, which every NMP signature check uses) and permissive ZIP-215
verification disagree, plus controls on which they agree.

Run from this directory: `python3 ed25519-strict.py > ed25519-strict.json`. Pure Python 3, no
packages; every key, nonce and message comes from fixed labels, so the output is the same on
every run. The expected answers are computed here from the two rule sets, independently of any
Ed25519 library; `tests/it/ed25519_strict.rs` proves ed25519-dalek gives each `strict` answer,
and the TypeScript SDK checks its own verifier against the same file.

`verify_strict` (ed25519-dalek 3): S must be below L; R and A must decompress (a y coordinate
at or above p is reduced, the sign bit of x = 0 is ignored); neither R nor A may be of small
order (8·P = identity); then R' = [S]B - [k]A with k = SHA-512(R ‖ A ‖ M) mod L over the bytes
as given, and the signature is valid only when the canonical encoding of R' equals the 32 bytes
of R (so a non-canonical R never passes). The equation has no cofactor: a mixed-order A passes
only when its torsion part vanishes from [k]A.

ZIP-215: S below L; R and A decompress as above (non-canonical encodings allowed); valid when
[8]([S]B - R - [k]A) is the identity (the cofactored equation).
"""

import hashlib
import json

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)
IDENTITY = (0, 1)


def inv(x):
    return pow(x, P - 2, P)


def add(a, b):
    (x1, y1), (x2, y2) = a, b
    t = D * x1 * x2 * y1 * y2 % P
    return ((x1 * y2 + x2 * y1) * inv(1 + t) % P, (y1 * y2 + x1 * x2) * inv(1 - t) % P)


def neg(a):
    return ((-a[0]) % P, a[1])


def mul(n, a):
    result = IDENTITY
    while n > 0:
        if n & 1:
            result = add(result, a)
        a = add(a, a)
        n >>= 1
    return result


def recover_x(y, sign):
    """The x of y with the given sign bit, or None; x = 0 takes either sign (as dalek does)."""
    x2 = (y * y - 1) * inv(D * y * y + 1) % P
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P != 0:
        x = x * SQRT_M1 % P
    if (x * x - x2) % P != 0:
        return None
    if x & 1 != sign:
        x = (-x) % P
    return x


B = (recover_x(4 * inv(5) % P, 0), 4 * inv(5) % P)


def encode(point):
    x, y = point
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def decode(data):
    """Permissive decoding: y is reduced mod p, a negative zero x is accepted."""
    n = int.from_bytes(data, "little")
    y = (n & ((1 << 255) - 1)) % P
    x = recover_x(y, n >> 255)
    return None if x is None else (x, y)


def small_order(point):
    return mul(8, point) == IDENTITY


def h(*parts):
    return int.from_bytes(hashlib.sha512(b"".join(parts)).digest(), "little")


def strict(public, message, signature):
    s = int.from_bytes(signature[32:], "little")
    r, a = decode(signature[:32]), decode(public)
    if s >= L or r is None or a is None or small_order(r) or small_order(a):
        return False
    k = h(signature[:32], public, message) % L
    return encode(add(mul(s, B), neg(mul(k, a)))) == signature[:32]


def zip215(public, message, signature):
    s = int.from_bytes(signature[32:], "little")
    r, a = decode(signature[:32]), decode(public)
    if s >= L or r is None or a is None:
        return False
    k = h(signature[:32], public, message) % L
    check = add(add(mul(s, B), neg(r)), neg(mul(k, a)))
    return mul(8, check) == IDENTITY


def secret(label):
    """An RFC 8032 key from a 32-byte seed: (scalar, prefix, public key bytes)."""
    digest = hashlib.sha512(hashlib.sha256(label.encode()).digest()).digest()
    scalar = int.from_bytes(digest[:32], "little")
    scalar &= (1 << 254) - 8
    scalar |= 1 << 254
    return scalar, digest[32:], encode(mul(scalar, B))


def sign(scalar, prefix, public, message):
    r = h(prefix, message) % L
    big_r = encode(mul(r, B))
    k = h(big_r, public, message) % L
    return big_r + ((r + k * scalar) % L).to_bytes(32, "little")


def sign_with_r(scalar, public, message, r_bytes, r_scalar=0):
    """A signature with a chosen R encoding whose discrete log is `r_scalar` (0: R is a
    small-order point)."""
    k = h(r_bytes, public, message) % L
    return r_bytes + ((r_scalar + k * scalar) % L).to_bytes(32, "little")


def order_8_point():
    """A point of order exactly 8 (y is a root of the order-8 equation)."""
    for y in range(2, 1000):
        for sign in (0, 1):
            x = recover_x(y, sign)
            if x is None:
                continue
            point = mul(L, (x, y))  # clear the prime-order part
            if point != IDENTITY and mul(4, point) != IDENTITY:
                return point
    raise RuntimeError("no order-8 point found")


def k_of(r_bytes, public, message):
    return h(r_bytes, public, message) % L


def grind(r_bytes, public, label, multiple_of_8):
    """The first message `label/n` whose k is (or is not) a multiple of 8."""
    n = 0
    while True:
        message = f"{label}/{n}".encode()
        if (k_of(r_bytes, public, message) % 8 == 0) == multiple_of_8:
            return message
        n += 1


def vectors():
    out = []

    def case(name, reason, public, message, signature):
        out.append(
            {
                "name": name,
                "reason": reason,
                "public_key": public.hex(),
                "message": message.hex(),
                "signature": signature.hex(),
                "strict": "accept" if strict(public, message, signature) else "reject",
                "zip215": "accept" if zip215(public, message, signature) else "reject",
            }
        )

    scalar, prefix, public = secret("nmp/ed25519-strict/key")
    message = b"nmp ed25519 strict vectors"
    good = sign(scalar, prefix, public, message)
    case("valid", "an honest signature", public, message, good)

    # RFC 8032 section 7.1, TEST 1 (empty message).
    rfc_public = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    rfc_signature = bytes.fromhex(
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
        "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    )
    case("rfc8032_test_1", "RFC 8032 7.1 TEST 1", rfc_public, b"", rfc_signature)

    case("wrong_message", "the signature is over another message", public, b"other", good)

    s = int.from_bytes(good[32:], "little")
    case(
        "s_plus_l",
        "S not reduced: S + L (both rules require S < L)",
        public,
        message,
        good[:32] + (s + L).to_bytes(32, "little"),
    )
    case(
        "s_high_bit",
        "S with bit 255 set",
        public,
        message,
        good[:32] + (s | (1 << 255)).to_bytes(32, "little"),
    )

    not_a_point = next(
        y.to_bytes(32, "little") for y in range(2, 1000) if decode(y.to_bytes(32, "little")) is None
    )
    case("a_not_a_point", "A does not decompress", not_a_point, message, good)
    case("r_not_a_point", "R does not decompress", public, message, not_a_point + good[32:])

    identity = encode(IDENTITY)
    zero = (0).to_bytes(32, "little")
    case(
        "small_order_a_and_r_identity",
        "A and R are the identity, S = 0: every equation holds for any message",
        identity,
        message,
        identity + zero,
    )

    torsion = order_8_point()
    t_bytes = encode(torsion)
    r_scalar = h(b"nmp/ed25519-strict/r") % L
    r_bytes = encode(mul(r_scalar, B))
    small_a_message = grind(r_bytes, t_bytes, "small-order-a", True)
    case(
        "small_order_a",
        "A of order 8, R of prime order, k a multiple of 8: the cofactorless equation holds",
        t_bytes,
        small_a_message,
        r_bytes + r_scalar.to_bytes(32, "little"),
    )

    case(
        "small_order_r_identity",
        "R is the identity: the cofactorless equation holds",
        public,
        message,
        sign_with_r(scalar, public, message, identity),
    )
    case(
        "small_order_r_order_8",
        "R of order 8: only the cofactored equation holds",
        public,
        message,
        sign_with_r(scalar, public, message, t_bytes),
    )

    mixed = encode(add(mul(scalar, B), torsion))
    for multiple, name, reason in (
        (False, "mixed_order_a_k_not_multiple_of_8", "A = aB + T (T of order 8), 8 ∤ k: only the cofactored equation holds"),
        (True, "mixed_order_a_k_multiple_of_8", "A = aB + T (T of order 8), 8 | k: the cofactorless equation holds too"),
    ):
        mixed_message = grind(r_bytes, mixed, name, multiple)
        case(name, reason, mixed, mixed_message, sign_with_r(scalar, mixed, mixed_message, r_bytes, r_scalar))

    # Non-canonical encodings: y + p for the identity (y = 1) and an order-4 point (y = 0), and
    # the identity with the sign bit of x = 0 set.
    for name, encoded in (
        ("non_canonical_identity_y_plus_p", (1 + P).to_bytes(32, "little")),
        ("non_canonical_identity_negative_zero", (1 | (1 << 255)).to_bytes(32, "little")),
        ("non_canonical_order_4_y_plus_p", (0 + P).to_bytes(32, "little")),
    ):
        case(
            f"{name}_as_a",
            "non-canonical small-order A, R = identity, S = 0",
            encoded,
            message,
            identity + zero,
        )
        case(
            f"{name}_as_r",
            "non-canonical small-order R over an honest key",
            public,
            message,
            sign_with_r(scalar, public, message, encoded),
        )
    return out


def main():
    document = {
        "description": (
            "Ed25519 signatures where strict verification (ed25519-dalek verify_strict) and "
            "ZIP-215 differ, with controls. Hex fields; `strict` is what every NMP verifier "
            "must answer; `zip215` is informative."
        ),
        "generator": "crates/nmp-crypto/tests/vectors/ed25519-strict.py",
        "vectors": vectors(),
    }
    print(json.dumps(document, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
