"""Single sign-on against real servers started here: Debian's slapd (python-ldap's slapdtest
gives it a temporary configuration) and panva's oidc-provider on node (tests/oidc/). A first
login places the person by the directory's unit and role, or leaves them without access; later
logins refresh the name and e-mail and leave the office's placement alone."""

import dataclasses
import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import Client
from django.urls import NoReverseMatch, reverse

from org import sso
from org.admin import ExternalIdentityInline
from org.models import ExternalIdentity, User
from org.services import add_alias, save_person
from tasks.permissions import visible_assignments
from tests.conftest import ROOT
from tests.factories import PASSWORD, UserFactory
from tests.loopback import OIDCProvider, missing
from tests.org.test_org_import import confirm, upload, workbook
from tests.test_permission_matrix import app_url_names

BASE_BACKENDS = list(settings.AUTHENTICATION_BACKENDS)
LDAP_BACKENDS = [*BASE_BACKENDS[:-1], "org.ldap_backend.LDAPBackend", BASE_BACKENDS[-1]]
OIDC_BACKENDS = [*BASE_BACKENDS[:-1], "org.backends.OIDCBackend", BASE_BACKENDS[-1]]
ROLE_VALUES = {"科长": User.Role.UNIT_HEAD, "科员": User.Role.UNIT_STAFF}


def log_in(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


# --- Off by default ------------------------------------------------------------------------


def test_single_sign_on_is_off_unless_turned_on(client, db):
    assert settings.AUTHENTICATION_BACKENDS == [
        "axes.backends.AxesStandaloneBackend",
        "org.backends.ModelBackend",
        "guardian.backends.ObjectPermissionBackend",
    ]
    assert "Log in with" not in client.get(reverse("login")).content.decode()
    assert client.get(reverse("oidc_login")).status_code == 404
    assert client.get(reverse("oidc_callback"), {"code": "x", "state": "y"}).status_code == 404


def test_the_environment_turns_each_on(tmp_path):
    """As deploy/sso.md has one turn them on: environment variables, read by config/settings."""
    required = {
        "OIDC_RP_CLIENT_ID": "worktracker",
        "OIDC_RP_CLIENT_SECRET": "secret",
        **{
            f"OIDC_OP_{part}_ENDPOINT": f"https://sso.example.gov.cn/{part.lower()}"
            for part in ("AUTHORIZATION", "TOKEN", "USER", "JWKS")
        },
        "LDAP_SERVER_URI": "ldaps://ldap.example.gov.cn",
        "LDAP_USER_SEARCH_BASE": "ou=people,dc=example,dc=gov,dc=cn",
    }
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "OIDC_ENABLED": "true",
        "LDAP_ENABLED": "yes",
        "SSO_ROLE_VALUES": "科长=unit_head,局领导=leader",
        "LDAP_USER_FILTER": "(sAMAccountName=%(user)s)",
    }
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.AUTHENTICATION_BACKENDS); print(s.SSO_ROLE_VALUES); print(s.LDAP_USER_FILTER)"
    )

    def run(**more: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env={**env, **more},
            capture_output=True,
            text=True,
        )

    # turned on without what it needs: refused at start, naming the variable
    out = run(**{name: value for name, value in required.items() if name != "OIDC_RP_CLIENT_ID"})
    assert out.returncode != 0
    assert "Set the OIDC_RP_CLIENT_ID environment variable" in out.stderr
    out = run(**required)
    assert out.returncode == 0, out.stderr
    backends, roles, search = out.stdout.splitlines()
    sso_backends = ["org.ldap_backend.LDAPBackend", "org.backends.OIDCBackend"]
    assert backends == str([*BASE_BACKENDS[:-1], *sso_backends, BASE_BACKENDS[-1]])
    assert roles == str({"科长": "unit_head", "局领导": "leader"})
    assert search == "(sAMAccountName=%(user)s)"


# --- LDAP ----------------------------------------------------------------------------------

PEOPLE_OU = "ou=people,dc=edu,dc=example,dc=cn"


@pytest.fixture(scope="module")
def slapd(tmp_path_factory) -> Iterator:
    """A slapd of the module's own with three people: 张三 of 社管办 (a 科长), 李四 of a unit we
    do not have, and someone who calls themselves admin."""
    if shutil.which("slapd", path="/usr/sbin:/usr/local/sbin:/sbin") is None:
        missing("slapd is not installed (apt-get install slapd ldap-utils)")
    if importlib.util.find_spec("slapdtest") is None:
        missing("python-ldap is not installed (requirements-ldap.txt)")
    from slapdtest import SlapdObject

    class Directory(SlapdObject):
        TMPDIR = str(tmp_path_factory.mktemp("slapd"))
        suffix = "dc=edu,dc=example,dc=cn"
        openldap_schema_files = ("core.ldif", "cosine.ldif", "inetorgperson.ldif")
        slapd_loglevel = "none"

    server = Directory()
    server.start()
    server.ldapadd(
        f"""dn: {server.suffix}
objectClass: dcObject
objectClass: organization
dc: edu
o: 教育局

dn: {PEOPLE_OU}
objectClass: organizationalUnit
ou: people
"""
    )
    for uid, name, unit, role in [
        ("zhangsan", "张三", "社管办", "科长"),
        ("lisi", "李四", "不存在的股", "科员"),
        ("admin", "冒名者", "办公室", "科长"),
    ]:
        add_person(server, uid, name=name, unit=unit, role=role)
    yield server
    server.stop()


def add_person(server, uid: str, *, name: str, unit: str, role: str) -> None:
    server.ldapadd(
        f"""dn: uid={uid},{PEOPLE_OU}
objectClass: inetOrgPerson
uid: {uid}
cn: {name}
sn: {name[0]}
mail: {uid}@edu.example.cn
ou: {unit}
employeeType: {role}
userPassword: directory-{uid}
"""
    )


def change_person(server, uid: str, **values: str) -> None:
    lines = [f"dn: uid={uid},{PEOPLE_OU}", "changetype: modify"]
    for attribute, value in values.items():
        lines += [f"replace: {attribute}", f"{attribute}: {value}", "-"]
    server.ldapmodify("\n".join(lines) + "\n")


@pytest.fixture
def ldap_on(settings, slapd, world):
    settings.LDAP_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = LDAP_BACKENDS
    settings.AUTH_LDAP_SERVER_URI = slapd.ldap_uri
    settings.AUTH_LDAP_BIND_DN = slapd.root_dn
    settings.AUTH_LDAP_BIND_PASSWORD = slapd.root_pw
    settings.LDAP_USER_SEARCH_BASE = PEOPLE_OU
    settings.LDAP_UNIT_ATTRIBUTE = "ou"
    settings.LDAP_ROLE_ATTRIBUTE = "employeeType"
    settings.SSO_ROLE_VALUES = ROLE_VALUES
    return slapd


def test_a_first_ldap_login_places_the_person_in_the_unit_the_directory_names(
    client, ldap_on, world
):
    # when: 张三 logs in on the ordinary login form with the directory's password
    response = log_in(client, "zhangsan", "directory-zhangsan")
    # then: a person of 社管办 (its short name in the directory), head as 科长 maps to
    assert response.status_code == 302
    user = User.objects.get(username="zhangsan")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert (user.full_name, user.email) == ("张三", "zhangsan@edu.example.cn")
    assert (user.department, user.unit, user.role) == (
        world.department,
        world.own_unit,
        User.Role.UNIT_HEAD,
    )
    assert not user.has_usable_password()
    assert list(visible_assignments(user)) == [world.own_assignment]
    assert client.get(reverse("home")).url == reverse("tasks:assignment_list")
    identity = user.external_identities.get()
    assert (identity.source, identity.subject) == (ExternalIdentity.Source.LDAP, "zhangsan")


def test_a_directory_unit_we_do_not_know_leaves_the_person_without_access(client, ldap_on, world):
    response = log_in(client, "lisi", "directory-lisi")
    assert response.status_code == 302
    user = User.objects.get(username="lisi")
    assert (user.department, user.unit) == (None, None)
    assert list(visible_assignments(user)) == []
    # the home page sends them to a page saying what to do
    assert client.get(reverse("home")).url == reverse("unit_pending")
    page = client.get(reverse("unit_pending")).content.decode()
    assert "请联系办公室为您分配科室" in page
    # every other page sends them there, the API refuses them; logging out still works
    for name in ("tasks:assignment_list", "plans:plan_list", "reporting:dashboard", "profile"):
        assert client.get(reverse(name)).url == reverse("unit_pending"), name
    assert client.get(reverse("api:assignment_list")).status_code == 403
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_once_the_office_assigns_a_unit_later_logins_keep_it_and_refresh_the_name(
    client, ldap_on, world
):
    # given: 张三 placed in 社管办 by the directory, then moved to 计财股 by the office
    log_in(client, "zhangsan", "directory-zhangsan")
    user = User.objects.get(username="zhangsan")
    user.unit = world.other_unit
    save_person(user)
    client.logout()
    # when: the directory renames them and names another unit, and they log in again
    change_person(ldap_on, "zhangsan", cn="张三丰", ou="办公室")
    try:
        assert log_in(client, "zhangsan", "directory-zhangsan").status_code == 302
    finally:
        change_person(ldap_on, "zhangsan", cn="张三", ou="社管办")
    # then: the new name, the office's unit
    user.refresh_from_db()
    assert user.full_name == "张三丰"
    assert (user.unit, user.role) == (world.other_unit, User.Role.UNIT_HEAD)
    assert list(visible_assignments(user)) == [world.foreign_assignment]


def test_the_directory_moves_a_person_whose_unit_it_set_itself(client, ldap_on, world):
    # given: 李四 signed in without a unit; the directory is then corrected to 社管办
    log_in(client, "lisi", "directory-lisi")
    client.logout()
    change_person(ldap_on, "lisi", ou="社会事业管理办公室")
    try:
        log_in(client, "lisi", "directory-lisi")
    finally:
        change_person(ldap_on, "lisi", ou="不存在的股")
    user = User.objects.get(username="lisi")
    assert (user.unit, user.role) == (world.own_unit, User.Role.UNIT_STAFF)
    assert client.get(reverse("home")).url == reverse("tasks:assignment_list")


def test_an_ldap_login_links_the_person_the_office_imported_under_it(client, ldap_on, world):
    # the directory's uid is the organisation's to give, so a person here under it is that person
    imported = UserFactory(
        username="zhangsan", department=world.department, unit=world.other_unit, role="unit_head"
    )
    assert log_in(client, "zhangsan", "directory-zhangsan").status_code == 302
    assert client.session["_auth_user_id"] == str(imported.pk)
    assert imported.external_identities.get().subject == "zhangsan"
    imported.refresh_from_db()
    assert imported.unit == world.other_unit  # the office's placement stays


def test_ldap_never_signs_in_a_system_administrator(client, ldap_on, sysadmin):
    response = log_in(client, "admin", "directory-admin")
    assert response.status_code == 200  # the form again
    assert "_auth_user_id" not in client.session
    assert not ExternalIdentity.objects.exists()
    # the administrator's own password still works
    assert log_in(client, "admin", PASSWORD).status_code == 302


def test_a_deactivated_person_stays_out_whatever_the_directory_says(client, ldap_on, world):
    log_in(client, "zhangsan", "directory-zhangsan")
    client.logout()
    User.objects.filter(username="zhangsan").update(is_active=False)
    assert log_in(client, "zhangsan", "directory-zhangsan").status_code == 200
    assert "_auth_user_id" not in client.session


def test_local_passwords_and_the_lockout_work_as_before_beside_the_directory(
    client, ldap_on, office_staff
):
    assert log_in(client, "office", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = log_in(client, "zhangsan", "not-the-directory-password")
    assert response.status_code == 429
    # locked: not even the directory's right password gets in from here now
    assert log_in(client, "zhangsan", "directory-zhangsan").status_code == 429
    assert not User.objects.filter(username="zhangsan").exists()


# --- OIDC ----------------------------------------------------------------------------------

CALLBACK = "http://testserver/accounts/oidc/callback/"
OIDC_ACCOUNTS = {
    "wang.wu": {
        "password": "provider-password",
        "claims": {
            "name": "王五",
            "preferred_username": "wangwu",
            "email": "wangwu@edu.example.cn",
            "email_verified": True,
            "unit": "社管",  # an alias the office added
            "role": "科员",
        },
    },
    "zhao.liu": {
        "password": "provider-password",
        "claims": {"name": "赵六", "preferred_username": "zhaoliu", "unit": "档案室"},
    },
    "intruder": {
        "password": "provider-password",
        "claims": {"name": "管理员", "preferred_username": "admin", "unit": "办公室"},
    },
    # someone who set their editable preferred_username to an office member's login
    "impostor": {
        "password": "provider-password",
        "claims": {
            "name": "冒名者",
            "preferred_username": "Office",
            "email": "impostor@example.cn",
            "email_verified": True,
            "unit": "计财股",
        },
    },
    # a provider that says nothing of whether it checked the address
    "sun.qi": {
        "password": "provider-password",
        "claims": {"name": "孙七", "preferred_username": "sunqi", "email": "sunqi@example.cn"},
    },
}


@pytest.fixture(scope="module")
def oidc_provider() -> Iterator[OIDCProvider]:
    if reason := OIDCProvider.unavailable():
        missing(reason)
    provider = OIDCProvider(CALLBACK, OIDC_ACCOUNTS)
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture
def oidc_on(settings, oidc_provider, world):
    settings.OIDC_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = OIDC_BACKENDS
    for name, value in oidc_provider.settings().items():
        setattr(settings, name, value)
    settings.OIDC_PROVIDER_NAME = "政务外网统一身份认证"
    settings.OIDC_RP_SCOPES = "openid email profile organisation"
    settings.OIDC_UNIT_CLAIM = "unit"
    settings.OIDC_ROLE_CLAIM = "role"
    settings.SSO_DEPARTMENT = world.department.name
    settings.SSO_ROLE_VALUES = ROLE_VALUES
    add_alias(world.department, name="社管", unit=world.own_unit)
    return oidc_provider


def oidc_log_in(client, provider: OIDCProvider, login: str, *, next_url: str = ""):
    """The whole code flow: the app's login link, the provider's form, the app's callback."""
    start = client.get(reverse("oidc_login"), {"next": next_url} if next_url else {})
    assert start.status_code == 302
    assert start.url.startswith(provider.issuer)
    callback = provider.log_in(start.url, login, OIDC_ACCOUNTS[login]["password"])
    assert callback.startswith(CALLBACK), callback
    return client.get(callback.removeprefix("http://testserver"))


def test_the_login_page_offers_the_provider_when_oidc_is_on(client, oidc_on):
    page = client.get(reverse("login")).content.decode()
    assert "政务外网统一身份认证" in page
    assert reverse("oidc_login") in page


def test_an_oidc_login_ends_logged_in_as_the_person_of_the_unit_the_claim_names(
    client, oidc_on, world
):
    response = oidc_log_in(client, oidc_on, "wang.wu", next_url=reverse("tasks:assignment_list"))
    assert response.status_code == 302
    assert response.url == reverse("tasks:assignment_list")
    user = User.objects.get(username="wangwu")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert (user.full_name, user.email) == ("王五", "wangwu@edu.example.cn")
    assert (user.department, user.unit, user.role) == (
        world.department,
        world.own_unit,
        User.Role.UNIT_STAFF,
    )
    assert user.external_identities.get().subject == "wang.wu"  # the provider's sub
    page = client.get(reverse("tasks:assignment_list"))
    assert page.status_code == 200
    assert world.own_assignment.task.text[:20] in page.content.decode()
    # a second login finds the same person by the subject
    client.logout()
    oidc_log_in(client, oidc_on, "wang.wu")
    assert User.objects.filter(full_name="王五").count() == 1


def test_an_oidc_person_of_an_unknown_unit_gets_the_waiting_page(client, oidc_on, world):
    response = oidc_log_in(client, oidc_on, "zhao.liu")
    assert response.status_code == 302
    user = User.objects.get(username="zhaoliu")
    assert (user.department, user.unit) == (None, None)
    assert client.get(reverse("home")).url == reverse("unit_pending")


def test_an_oidc_login_as_an_administrator_is_refused_and_said_so(client, oidc_on, sysadmin):
    response = oidc_log_in(client, oidc_on, "intruder")
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert "_auth_user_id" not in client.session
    page = client.get(reverse("login")).content.decode()
    assert "使用政务外网统一身份认证登录未成功" in page
    assert not ExternalIdentity.objects.exists()


def test_an_oidc_login_name_of_a_person_here_takes_over_nothing_and_is_said_so(
    client, oidc_on, office_staff
):
    # when: someone logs in at the provider under the office member's login (another case)
    response = oidc_log_in(client, oidc_on, "impostor")
    # then: not signed in, nobody linked, the office member untouched
    assert (response.status_code, response.url) == (302, reverse("login"))
    assert "_auth_user_id" not in client.session
    assert not ExternalIdentity.objects.exists()
    office_staff.refresh_from_db()
    assert office_staff.full_name != "冒名者"
    assert office_staff.email != "impostor@example.cn"
    assert User.objects.filter(username__iexact="office").count() == 1
    # and the login page says why, with the identifier the office needs to link the account
    page = client.get(reverse("login")).content.decode()
    assert "登录名 Office 已被本系统的账号使用" in page
    assert "（impostor）" in page


def test_a_person_the_admin_linked_signs_in_through_oidc_as_themselves(
    client, rf, oidc_on, office_staff, sysadmin, world
):
    # given: the admin adds the provider's identifier to the office member (the person's page)
    request = rf.post("/")
    request.user = sysadmin
    inline = ExternalIdentityInline(User, admin.site)
    formset = inline.get_formset(request, office_staff)(
        {
            "external_identities-TOTAL_FORMS": "1",
            "external_identities-INITIAL_FORMS": "0",
            "external_identities-0-source": ExternalIdentity.Source.OIDC,
            "external_identities-0-subject": "impostor",
        },
        instance=office_staff,
    )
    assert formset.is_valid(), formset.errors
    formset.save()
    assert office_staff.external_identities.get().subject == "impostor"
    # when: that identity logs in
    response = oidc_log_in(client, oidc_on, "impostor")
    # then: signed in as the office member, who stays where the office put them
    assert response.url == reverse("home")
    assert client.session["_auth_user_id"] == str(office_staff.pk)
    office_staff.refresh_from_db()
    assert (office_staff.unit, office_staff.role) == (world.office_unit, User.Role.OFFICE)
    assert office_staff.full_name == "冒名者"  # the provider's name, refreshed


def test_an_operator_may_link_by_a_login_claim_people_cannot_change(
    client, oidc_on, office_staff, settings
):
    settings.OIDC_LINK_EXISTING_BY_USERNAME = True
    oidc_log_in(client, oidc_on, "impostor")
    assert client.session["_auth_user_id"] == str(office_staff.pk)
    assert office_staff.external_identities.get().subject == "impostor"


def test_an_address_the_provider_does_not_say_it_checked_is_not_taken(client, oidc_on):
    oidc_log_in(client, oidc_on, "sun.qi")
    assert User.objects.get(username="sunqi").email == ""


def test_failed_oidc_callbacks_lock_nobody_out(client, oidc_on, sysadmin, world):
    # the provider throttles its own logins; ours count only what our login form checks
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        oidc_log_in(client, oidc_on, "intruder")
    assert oidc_log_in(client, oidc_on, "wang.wu").url == reverse("home")
    assert client.session["_auth_user_id"] == str(User.objects.get(username="wangwu").pk)


# --- Placement rules (the service, without a directory) -------------------------------------


def entry(**values: str) -> sso.DirectoryEntry:
    return sso.DirectoryEntry(
        source=ExternalIdentity.Source.OIDC, subject="s-1", username="someone", **values
    )


def test_a_unit_name_two_departments_share_places_nobody_without_a_department(world, settings):
    settings.SSO_DEPARTMENT = ""
    # 办公室 is a unit of both bureaus
    assert sso.place(entry(unit="办公室")) == sso.NO_ACCESS
    assert sso.place(entry(unit="办公室", department=world.department.name)).unit == (
        world.office_unit
    )
    assert sso.place(entry(unit="计财股")).unit == world.other_unit  # only one has it


def test_a_leader_needs_a_department_not_a_unit(world, settings):
    settings.SSO_DEPARTMENT = world.department.name
    placement = sso.place(entry(role="leader"))
    assert (placement.department, placement.unit, placement.role) == (
        world.department,
        None,
        User.Role.LEADER,
    )
    # a directory cannot make anyone an administrator
    assert sso.place(entry(role="admin", unit="计财股")).role == User.Role.UNIT_STAFF


def test_a_person_the_office_imported_is_linked_and_keeps_the_office_placement(world, settings):
    settings.SSO_DEPARTMENT = world.department.name
    imported = UserFactory(
        username="someone", department=world.department, unit=world.other_unit, role="unit_head"
    )
    with pytest.raises(sso.LoginTaken):  # not by a login the person may have chosen
        sso.sign_in(entry(unit="社管办"))
    user = sso.sign_in(
        dataclasses.replace(
            entry(unit="社管办", role="unit_staff", full_name="某人"), links_by_login=True
        )
    )
    assert user == imported
    assert (user.unit, user.role, user.full_name) == (world.other_unit, "unit_head", "某人")
    assert user.has_usable_password()  # their local password is theirs to keep


def test_a_login_that_is_no_login_of_ours_or_a_bad_address_is_handled(world):
    with pytest.raises(sso.SignInRefused):
        sso.sign_in(sso.DirectoryEntry(ExternalIdentity.Source.OIDC, "s-2", "has space"))
    user = sso.sign_in(entry(email="not an address", unit="计财股"))
    assert (user.email, user.unit) == ("", world.other_unit)


def test_the_office_places_a_person_the_directory_could_not_by_importing_them(
    client, office_staff, ldap_on, world
):
    # given: 李四 signed in through the directory without a unit
    log_in(client, "lisi", "directory-lisi")
    office_client = Client()
    office_client.force_login(office_staff)
    # when: the office imports them into 社管办 (the organisation import's people sheet)
    people = [["姓名", "登录名", "单位", "角色"], ["李四", "lisi", "社管办", "单位负责人"]]
    units = [["名称", "简称", "类型"], ["社会事业管理办公室", "社管办", "股室"]]
    upload(office_client, ("机构.xlsx", workbook(units=units, people=people)))
    assert confirm(office_client).status_code == 200
    # then: placed, and the next directory login (still naming a unit we lack) keeps it
    user = User.objects.get(username="lisi")
    assert (user.department, user.unit, user.role) == (
        world.department,
        world.own_unit,
        User.Role.UNIT_HEAD,
    )
    client.logout()
    log_in(client, "lisi", "directory-lisi")
    user.refresh_from_db()
    assert (user.unit, user.role) == (world.own_unit, User.Role.UNIT_HEAD)
    assert client.get(reverse("home")).url == reverse("tasks:assignment_list")


def test_every_url_of_the_app_keeps_an_unplaced_person_to_the_waiting_page(client, world):
    user = sso.sign_in(entry(unit="档案室"))
    client.force_login(user)
    for name in sorted(app_url_names()):
        url = next(_reversed(name))
        response = client.get(url)
        if name in ("unit_pending", "healthz"):
            assert response.status_code == 200, url
        elif name.startswith("api:"):
            assert response.status_code == 403, url
        else:
            assert (response.status_code, response.url) == (302, reverse("unit_pending")), url


def _reversed(name: str) -> Iterator[str]:
    """The URL of ``name`` with whatever arguments it takes (the middleware answers before any
    object is looked up)."""
    for args in ([], [1], [1, "docx"]):
        try:
            yield reverse(name, args=args)
        except NoReverseMatch:
            continue
