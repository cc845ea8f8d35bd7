"""convoy's state digest (docs/model.md, "State digest"), computed from the packed words. Used to
give a road written here the digest convoy checks (write_road), and to check one read here."""

import numpy as np

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
DIGEST_KEY = 0xD16E57C04E0AD184
PLANE_OFFSET = 1 << 57  # plane b's word j is coded as word (b + 1) 2^57 + j


def _mix(x):
    """SplitMix64's finaliser on a uint64 array (numpy arithmetic wraps modulo 2^64)."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _code_sum(first_index, words):
    """SUM over j of mix(bits(DIGEST_KEY, first_index + j) XOR w_j), modulo 2^64."""
    words = np.asarray(words, dtype=np.uint64)
    with np.errstate(over="ignore"):
        index = np.arange(len(words), dtype=np.uint64) + np.uint64(first_index)
        bits = _mix(np.uint64(DIGEST_KEY) + (index + np.uint64(1)) * np.uint64(GOLDEN))
        codes = _mix(bits ^ words)
    return int(codes.sum(dtype=np.uint64))


def state_digest(cells, road_words, plane_words=()):
    """The digest of a road of `cells` cells from its packed words (and its velocity planes')."""
    total = _code_sum(0, road_words)
    for b, words in enumerate(plane_words):
        total += _code_sum((b + 1) * PLANE_OFFSET, words)
    with np.errstate(over="ignore"):
        cells_mixed = int(_mix(np.array([cells], dtype=np.uint64))[0])
        return int(_mix(np.array([(total & MASK) ^ cells_mixed], dtype=np.uint64))[0])


def digest_hex(digest):
    """As convoy's log prints it: 16 hex digits."""
    return f"{digest:016x}"
