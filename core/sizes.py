"""File sizes as people read them in messages."""

import math


def megabytes(size: int) -> str:
    """``size`` bytes in MB, rounded up to a tenth: a file over a 20 MB limit reads "20.1 MB",
    never "20.0 MB" beside "at most 20 MB"; a whole number reads without decimals ("20")."""
    tenths = math.ceil(size * 10 / 2**20)
    return str(tenths // 10) if tenths % 10 == 0 else f"{tenths / 10:.1f}"
