"""Keys for Django's ``{% cache %}`` tag made of public values only: what a fragment shows.

A page keeps a fragment whose rendering costs more than the values it is rendered from (the
dashboard's table of 210 units, whose every count links to a list): the values are read on
every request anyway, and the key is a hash of them, so changed figures are a new key and
nothing needs invalidating. The values are plain data: numbers, strings, dates, lists, dicts
and dataclasses of them. Model instances and querysets are refused: their loaded state is
Django's private business, and a key made of it broke with Django's internals.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
from typing import Any

from django.utils import translation


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [type(value).__qualname__, dataclasses.asdict(value)]
    if isinstance(value, datetime.date):  # and datetime
        return value.isoformat()
    raise TypeError(f"A fragment key is made of plain values, not {type(value).__name__}.")


def fragment_key(*parts: Any) -> str:
    """A hash of ``parts`` with the active language (the fragment's labels are in it)."""
    state = json.dumps(
        [translation.get_language(), *parts], default=_plain, sort_keys=True, ensure_ascii=False
    )
    return hashlib.blake2b(state.encode(), digest_size=16).hexdigest()
