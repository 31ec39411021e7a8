"""The error page a person sees when the server fails (e.g. the database is down)."""

from django.test import RequestFactory
from django.views.defaults import server_error


def test_the_server_error_page_is_in_chinese_and_needs_no_database():
    # when: Django's own handler renders the project's 500.html, as it does with DEBUG off
    # (without the db fixture, any query here would fail the test)
    response = server_error(RequestFactory().get("/tasks/"))
    # then
    page = response.content.decode()
    assert response.status_code == 500
    assert "服务器出现问题" in page
    assert "Traceback" not in page
