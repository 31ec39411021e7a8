"""Single sign-on in a real Chromium: the login page's provider button, the provider's own login
form (oidc-provider on node, tests/oidc/), and back in the app as the person of the unit the
provider's claim names."""

import pytest

from org.models import User
from tasks.demo import DEPARTMENT
from tests.loopback import OIDCProvider, missing

from .conftest import screenshot


@pytest.fixture
def provider(live_server):
    if reason := OIDCProvider.unavailable():
        missing(reason)
    accounts = {
        "wang.wu": {
            "password": "provider-password",
            "claims": {"name": "王五", "preferred_username": "wangwu", "unit": "社管办"},
        }
    }
    provider = OIDCProvider(f"{live_server.url}/accounts/oidc/callback/", accounts)
    provider.start()
    yield provider
    provider.stop()


def test_a_person_logs_in_with_the_provider_and_lands_on_their_units_work(
    demo, browser, live_server, provider, settings
):
    # given: OIDC turned on for the demo bureau
    settings.OIDC_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS[:-1],
        "org.backends.OIDCBackend",
        settings.AUTHENTICATION_BACKENDS[-1],
    ]
    for name, value in provider.settings().items():
        setattr(settings, name, value)
    settings.OIDC_PROVIDER_NAME = "政务外网统一身份认证"
    settings.OIDC_RP_SCOPES = "openid profile organisation"
    settings.OIDC_UNIT_CLAIM = "unit"
    settings.SSO_DEPARTMENT = DEPARTMENT
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    try:
        # when: they choose the provider on the login page and log in there
        page.goto(f"{live_server.url}/accounts/login/")
        screenshot(page, "sso-login-page")
        page.click("text=使用政务外网统一身份认证登录")
        page.wait_for_url(f"{provider.issuer}/interaction/**")
        page.fill("input[name=login]", "wang.wu")
        page.fill("input[name=password]", "provider-password")
        page.click("button")
        page.wait_for_url(f"{live_server.url}/assignments/**")
        # then: back in the app as 王五 of 社管办, on their unit's work
        screenshot(page, "sso-oidc-landed")
        assert "王五 · 社管办" in page.locator(".who").inner_text()
        assert User.objects.filter(username="wangwu", unit__short_name="社管办").exists()
    finally:
        context.close()
