"""The packed road of convoy's state files: cell i is bit (i mod 64) of 64-bit word i // 64, words
stored little-endian; NaSch velocities are bit-planes in the same layout (velocity = sum 2^b bit_b)."""

import numpy as np

CELLS_PER_WORD = 64


def words_for(cells):
    return -(-int(cells) // CELLS_PER_WORD)


def word_range(start, stop):
    """The words [first, last) holding the cells [start, stop)."""
    return start // CELLS_PER_WORD, words_for(stop)


def unpack(words, start, stop, first_word):
    """The cells [start, stop) as uint8 0/1 from the words read from `first_word` on."""
    cells = np.unpackbits(np.asarray(words, dtype="<u8").view(np.uint8), bitorder="little")
    offset = start - first_word * CELLS_PER_WORD
    return cells[offset:offset + (stop - start)]


def pack(cells):
    """uint8 0/1 per cell -> uint64 words, bits past the last cell 0."""
    padded = np.zeros(words_for(len(cells)) * CELLS_PER_WORD, dtype=np.uint8)
    padded[:len(cells)] = cells
    return np.packbits(padded, bitorder="little").view("<u8").astype(np.uint64)


def velocity_from_planes(planes):
    """Bit-planes (uint8 0/1 per cell, plane b first at index b) -> the velocity per cell, uint8."""
    velocity = np.zeros(len(planes[0]) if planes else 0, dtype=np.uint8)
    for b, plane in enumerate(planes):
        velocity |= (plane.astype(np.uint8) << b)
    return velocity


def planes_from_velocity(velocity, planes):
    """The velocity per cell -> `planes` packed bit-planes (uint64 words each)."""
    velocity = np.asarray(velocity, dtype=np.uint8)
    return [pack((velocity >> b) & 1) for b in range(planes)]
