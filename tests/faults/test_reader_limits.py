"""A reader that runs away costs its own process, never the web or Celery worker that asked:
stopped at its memory or time limit with a clear message, and the next upload is read."""

import pytest

from plans.parsing import PlanFormatError
from plans.readers import isolated

from .hostile import never_ends, reads, takes_all_memory


@pytest.mark.parametrize(
    ("reader", "code"), [(takes_all_memory, "too_complex"), (never_ends, "too_slow")]
)
def test_a_runaway_reader_is_stopped_and_the_caller_goes_on(reader, code):
    # when
    with pytest.raises(PlanFormatError) as caught:
        isolated.call(reader, b"PK", seconds=3, memory_mb=400)

    # then: the caller was not the one stopped, and the next file is read
    assert caught.value.code == code
    assert isolated.call(reads, b"plan", seconds=30, memory_mb=400) == 4


def test_a_reader_error_crosses_with_its_code_and_values():
    from plans.readers import read_document

    with pytest.raises(PlanFormatError) as caught:
        isolated.call(read_document, "plan.pages", b"x", seconds=30, memory_mb=400)

    assert (caught.value.code, caught.value.params) == ("unsupported_type", {"name": "plan.pages"})
