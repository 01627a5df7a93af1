"""``typo.edit_distance`` against the textbook table, on generated pairs of names.

The table (optimal string alignment: insertions, deletions, replacements and swaps of
two adjacent letters, each counting one) is written out here in full, without the
cut-off or the one-edit shortcut the rules use, so the two are checked against a
definition rather than against themselves.
"""

from __future__ import annotations

import random

import pytest

from nbscope.rules.typo import edit_distance


def table_distance(a: str, b: str) -> int:
    rows = [[i + j if i == 0 or j == 0 else 0 for j in range(len(b) + 1)]
            for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1,
                             rows[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
    return rows[len(a)][len(b)]


def slipped(name: str, rng: random.Random, letters: str) -> str:
    """``name`` after up to three random slips of the kinds the distance counts."""
    chars = list(name)
    for _ in range(rng.randint(0, 3)):
        kind = rng.randrange(4)
        if kind == 0 and chars:
            del chars[rng.randrange(len(chars))]
        elif kind == 1:
            chars.insert(rng.randint(0, len(chars)), rng.choice(letters))
        elif kind == 2 and chars:
            chars[rng.randrange(len(chars))] = rng.choice(letters)
        elif len(chars) > 1:
            at = rng.randrange(len(chars) - 1)
            chars[at], chars[at + 1] = chars[at + 1], chars[at]
    return "".join(chars)


@pytest.mark.parametrize("seed", range(4))
def test_agrees_with_the_table_up_to_the_limit(seed):
    # Few letters, so that slips often cancel out or land next to a same letter.
    rng = random.Random(seed)
    for _ in range(5_000):
        a = "".join(rng.choice("ab_") for _ in range(rng.randint(0, 7)))
        b = slipped(a, rng, "ab_")
        exact = table_distance(a, b)
        for limit in (0, 1, 2):
            assert edit_distance(a, b, limit) == min(exact, limit + 1), (a, b, limit)


@pytest.mark.parametrize(("a", "b", "distance"), [
    ("data", "data", 0),
    ("dat", "data", 1),       # a letter added at the end
    ("dtaa", "data", 1),      # two letters swapped
    ("dsta", "data", 1),      # one replaced
    ("daat", "data", 1),      # swapped at the end
    ("ata", "data", 1),       # the first letter missing
    ("atad", "data", 2),      # more than one edit: cut off at the limit
    ("df", "pd", 2),
])
def test_one_edit_cases(a, b, distance):
    assert edit_distance(a, b, 1) == distance
    assert edit_distance(b, a, 1) == distance
