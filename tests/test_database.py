import pytest
from django.db import connection


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_postgresql_connections_compile_no_query_plans_just_in_time():
    # JIT compiling spent 50 ms on a task list page whose queries run in 5 (bench/README.md).
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_a_filter_s_choice_list_is_read_in_one_statement_not_through_a_cursor():
    # ModelChoiceField reads its choices with iterator(): a server-side cursor would be three
    # round trips (DECLARE, FETCH, CLOSE) for every choice list of every list page.
    from django.test.utils import CaptureQueriesContext

    from org.models import Unit

    with CaptureQueriesContext(connection) as queries:
        list(Unit.objects.iterator())
    [query] = queries.captured_queries
    assert query["sql"].startswith("SELECT")
