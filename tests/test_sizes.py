"""Sizes in messages: a file over a limit never reads as the limit itself (issue 18)."""

import pytest

from core.sizes import megabytes

MB = 2**20


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        (20 * MB, "20"),
        (20 * MB + 1, "20.1"),
        (int(20.04 * MB), "20.1"),
        (5 * MB // 2, "2.5"),
        (1, "0.1"),
    ],
)
def test_sizes_are_rounded_up_to_a_tenth(size, shown):
    assert megabytes(size) == shown
