"""The ballot cryptography: ElGamal in the exponent, its proofs and the 2-of-3 key."""

import pytest

from thidua.ballots import crypto


@pytest.fixture(scope="module")
def keys():
    return crypto.keygen(2, 3)


def test_shares_check_against_the_commitments(keys):
    for index, share in keys.shares:
        assert crypto.check_share(keys.commitments, index, share)
    index, share = keys.shares[0]
    assert not crypto.check_share(keys.commitments, index, share + 1)
    assert not crypto.check_share(keys.commitments, 2, share)


def test_a_share_code_reads_back_and_a_typo_is_caught(keys):
    code = crypto.share_code(7, 2, keys.shares[1][1])
    assert crypto.parse_share(code.lower()) == (7, 2, keys.shares[1][1])
    assert crypto.parse_share(" ".join([code[:20], code[20:]])) == (7, 2, keys.shares[1][1])
    broken = code[:-8] + ("0" if code[-8] != "0" else "1") + code[-7:]
    with pytest.raises(crypto.CryptoError):
        crypto.parse_share(broken)


def test_the_proofs_hold_for_0_and_1_and_fail_for_2_or_another_context(keys):
    for m in (0, 1):
        ct, r = crypto.encrypt(keys.public, m)
        proof = crypto.prove_range(keys.public, ct, m, r, 1, "s1|c1")
        assert crypto.verify_range(keys.public, ct, proof, 1, "s1|c1")
        assert not crypto.verify_range(keys.public, ct, proof, 1, "s2|c1")
    ct, r = crypto.encrypt(keys.public, 2)
    # An honest prover cannot prove 2 in {0, 1}: a forged proof uses a wrong branch and fails.
    forged = crypto.prove_range(keys.public, ct, 1, r, 1, "s1|c1")
    assert not crypto.verify_range(keys.public, ct, forged, 1, "s1|c1")
    wide = crypto.prove_range(keys.public, ct, 2, r, 2, "x")
    assert crypto.verify_range(keys.public, ct, wide, 2, "x")


def test_any_two_trustees_decrypt_the_sum_and_one_alone_cannot(keys):
    votes = [1, 0, 1, 1, 0]
    total = crypto.ZERO
    for v in votes:
        total = total + crypto.encrypt(keys.public, v)[0]
    for pair in ([1, 2], [1, 3], [2, 3]):
        parts = {}
        for index, share in keys.shares:
            if index in pair:
                part = crypto.partial_decrypt(share, index, total, "ctx")
                vkey = crypto.verification_key(keys.commitments, index)
                assert crypto.verify_partial(vkey, index, total, part, "ctx")
                parts[index] = bytes.fromhex(part["d"])
        assert crypto.combine(total, parts, len(votes)) == 3
    one = {1: crypto.mul(keys.shares[0][1], total.a)}
    with pytest.raises(crypto.CryptoError):
        crypto.combine(total, one, len(votes))


def test_a_wrong_partial_decryption_is_refused(keys):
    ct = crypto.encrypt(keys.public, 1)[0]
    index, share = keys.shares[0]
    part = crypto.partial_decrypt(share + 1, index, ct, "ctx")
    vkey = crypto.verification_key(keys.commitments, index)
    assert not crypto.verify_partial(vkey, index, ct, part, "ctx")


def test_a_total_of_zero_decrypts(keys):
    ct = crypto.encrypt(keys.public, 0)[0] + crypto.encrypt(keys.public, 0)[0]
    parts = {i: crypto.mul(s, ct.a) for i, s in keys.shares[:2]}
    assert crypto.combine(ct, parts, 2) == 0


def test_points_from_outside_are_checked():
    with pytest.raises(crypto.CryptoError):
        crypto.point(crypto.IDENTITY.hex())
    with pytest.raises(crypto.CryptoError):
        crypto.point("zz")
