"""Readers gone wrong, as a parser library meeting an unforeseen file would: run by the reader
process (imported there by name, so nothing of Django here)."""

import time


def takes_all_memory(data: bytes) -> int:
    hoard = [bytearray(64 * 2**20) for _ in range(64)]  # 4 GB, 64 MB at a time
    return len(hoard) + len(data)


def never_ends(data: bytes) -> None:
    while True:
        time.sleep(0.05)


def reads(data: bytes) -> int:
    return len(data)
