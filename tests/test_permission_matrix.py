"""Every URL of the app × every role × own and foreign object.

The URL list comes from the URL conf, so a new view that is not in ``EXPECTED`` fails the
coverage test instead of escaping the matrix.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from lxml import html as lxml_html

from api.services import create_token, default_expiry
from core.models import Digest, Webhook
from org.models import Department
from plans.models import Heading, Plan
from reporting import services
from reporting.html_export import write_html
from reporting.models import (
    HeadingTopic,
    ManualCell,
    PublishedReport,
    ReportDraft,
    ReportSection,
    ReportVersion,
)
from reporting.queries import content as report_content
from tasks.evidence import Upload
from tasks.importing import start_import
from tasks.models import Assignment, Comment, Notification, ProgressUpdate, Reminder
from tasks.services import Report, record_progress

from .factories import DepartmentFactory, UnitFactory, UserFactory, make_request, make_review_case

# URLs that are Django's own machinery, checked by Django's own tests.
NOT_APP_URLS = {"login", "logout", "set_language"}
NOT_APP_NAMESPACES = {"admin"}

ROLES = [
    "anonymous",
    "office",
    "leader",
    "head",
    "staff",
    "other_office",
    "super_office",
    "super_leader",
]

# url name -> (object kind, GET outcome per role as (own, foreign)); None = no object.
# "own" is the persona's own scope: their unit's task/assignment, their department's plan.
# For office and leader, "foreign" is bureau B's object; for a unit's people, another unit's
# (and for plans, bureau B's plan). Levels (issue 20): super_office and super_leader are of the
# district's office, over bureau A; for them "own" is bureau A's object (below them: they read it
# and change nothing, 403) and "foreign" bureau B's, which hangs beside the district under the
# city: a sibling, sideways, 404. Bureaus A and B see nothing of each other either way.
L = 302  # anonymous: sent to the login page
# fmt: off
ANY = {"anonymous": L, "office": 200, "leader": 200, "head": 200, "staff": 200,
       "other_office": 200, "super_office": 200, "super_leader": 200}
OFFICE_ONLY = {"anonymous": L, "office": 200, "leader": 403, "head": 403, "staff": 403,
               "other_office": 200, "super_office": 200, "super_leader": 403}
MANAGE = {"anonymous": (L, L), "office": (200, 404), "leader": (403, 404), "head": (403, 404),
          "staff": (403, 404), "other_office": (200, 404), "super_office": (403, 404),
          "super_leader": (403, 404)}
VIEW = {"anonymous": (L, L), "office": (200, 404), "leader": (200, 404), "head": (200, 404),
        "staff": (200, 404), "other_office": (200, 404), "super_office": (200, 404),
        "super_leader": (200, 404)}
POST_ONLY = {role: (405, 405) if role != "anonymous" else (L, L) for role in MANAGE}
# A POST with no object in its URL: the rows it acts on are posted (tests/tasks/test_bulk_actions).
POST_ONLY_LIST = {role: 405 if role != "anonymous" else L for role in MANAGE}
# The registers are the department's: a unit's people see none of them.
READERS = {**OFFICE_ONLY, "leader": 200, "super_leader": 200}
# A superior reads the reports below, not the registers below (nor writes either).
NO_ONE_BELOW = {"super_office": (404, 404), "super_leader": (404, 404)}
REPORT_VIEW = {**VIEW, "head": (404, 404), "staff": (404, 404)}
REPORT_KEEP = {**MANAGE, "head": (404, 404), "staff": (404, 404)}
REGISTER_VIEW = {**REPORT_VIEW, **NO_ONE_BELOW}
REGISTER_KEEP = {**REPORT_KEEP, **NO_ONE_BELOW}
# Only office staff: others are refused before any object is looked up; an office's own only.
OFFICE_OWN = {**MANAGE, "leader": (403, 403), "head": (403, 403), "staff": (403, 403),
              "super_office": (404, 404), "super_leader": (403, 403)}
# The region's report is a superior's (tests/reporting/test_rollup.py): its office acts, its
# leaders read; everyone else is refused.
SUPERIORS_ONLY = {**dict.fromkeys(ROLES, 403), "anonymous": L, "super_office": 200,
                  "super_leader": 200}
EXPECTED = {
    "healthz": (None, dict.fromkeys(ROLES, 200)),  # the load balancer's check: no login
    "home": (None, {**ANY, "office": 302, "leader": 302, "head": 302, "staff": 302,
                    "other_office": 302, "super_office": 302, "super_leader": 302}),
    "plans:plan_list": (None, ANY),
    "plans:plan_create": (None, OFFICE_ONLY),
    "plans:plan_update": ("plan", MANAGE),
    "plans:plan_status": ("plan", POST_ONLY),
    "plans:plan_delete": ("plan", MANAGE),
    "plans:heading_create": ("plan", MANAGE),
    "tasks:plan_detail": ("plan", VIEW),
    "tasks:task_create": ("plan", MANAGE),
    "tasks:task_list": (None, READERS),
    "tasks:task_detail": ("task", VIEW),
    "tasks:task_update": ("task", MANAGE),
    "tasks:assignment_list": (None, ANY),
    "tasks:assignment_detail": ("assignment", VIEW),
    "tasks:import_start": (None, OFFICE_ONLY),
    "tasks:import_tables": ("import", POST_ONLY),
    "tasks:task_close": ("task", POST_ONLY),
    "tasks:review_queue": (None, OFFICE_ONLY),
    # 上级下发任务: each office its own department's (tests/tasks/test_cascade.py: who sees upward)
    "tasks:cascade_inbox": (None, OFFICE_ONLY),
    "tasks:bulk_action": (None, POST_ONLY_LIST),
    "tasks:metric_list": (None, OFFICE_ONLY),
    "tasks:evidence_download": ("evidence", VIEW),
    "tasks:assignment_remind": ("assignment", POST_ONLY),
    "tasks:notification_list": (None, ANY),
    "tasks:notification_settings": (None, ANY),
    "tasks:reminder_policy": (None, OFFICE_ONLY),
    "tasks:calendar": (None, OFFICE_ONLY),
    "tasks:delivery_list": (None, OFFICE_ONLY),
    "tasks:webhook_list": (None, OFFICE_ONLY),
    "tasks:webhook_detail": ("webhook", OFFICE_OWN),
    "profile": (None, ANY),
    "org:department_settings": (None, OFFICE_ONLY),
    # Single sign-on is off in the suite: its URLs answer 404 (tests/org/test_sso.py turns it on).
    "oidc_login": (None, dict.fromkeys(ROLES, 404)),
    "oidc_callback": (None, dict.fromkeys(ROLES, 404)),
    # For a person a directory placed in no unit; everyone placed is sent home.
    "unit_pending": (None, {**ANY, **{role: 302 for role in ROLES if role != "anonymous"}}),
    "org:organisation_import": (None, OFFICE_ONLY),
    "org:organisation_import_template": (None, OFFICE_ONLY),
    "reporting:dashboard": (None, ANY),  # each sees their own scope (tests/reporting)
    "reporting:brief": (None, ANY),
    "reporting:brief_docx": (None, ANY),
    "registers:request_list": (None, READERS),
    "registers:request_create": (None, OFFICE_ONLY),
    "registers:request_import": (None, OFFICE_ONLY),
    "registers:request_export": (None, READERS),
    "registers:request_detail": ("request", REGISTER_VIEW),
    "registers:request_update": ("request", REGISTER_KEEP),
    "registers:reviewcase_list": (None, READERS),
    "registers:reviewcase_create": (None, OFFICE_ONLY),
    "registers:reviewcase_import": (None, OFFICE_ONLY),
    "registers:reviewcase_update": ("reviewcase", REGISTER_KEEP),
    # The report draft: the office writes it, leaders and the superior read it, units see
    # nothing (404).
    "reporting:report_list": (None, READERS),
    "reporting:report_detail": ("report", REPORT_VIEW),
    "reporting:report_status": ("report", REPORT_VIEW),
    "reporting:report_version": ("version", REPORT_VIEW),
    "reporting:report_export": ("report", REPORT_VIEW),
    "reporting:report_generate": ("report", POST_ONLY),
    "reporting:report_cell": ("report", POST_ONLY),
    "reporting:report_front": ("report", POST_ONLY),
    "reporting:report_options": ("report", POST_ONLY),
    "reporting:report_topics": ("report", POST_ONLY),
    "reporting:report_final": ("report", POST_ONLY),
    "reporting:report_section": ("section", POST_ONLY),
    "reporting:report_table_entry": ("report", REPORT_KEEP),
    "reporting:report_previous": ("report", REPORT_KEEP),
    "reporting:rollup": (None, SUPERIORS_ONLY),
    "reporting:rollup_remind": (None, POST_ONLY_LIST),
    "reporting:rollup_generate": (None, POST_ONLY_LIST),
    "tasks:import_preview": ("import", OFFICE_OWN),
    # The assessment: the office and leaders rank the department's units (the office edits the
    # scheme); a unit's people see their own unit's breakdown, no ranking. Departments are
    # ranked by the office above them only: the district's (super_*) over bureau A.
    "assessment:unit_ranking": (None, READERS),
    "assessment:unit_xlsx": (None, READERS),
    "assessment:unit_docx": (None, READERS),
    "assessment:unit_scheme": (None, OFFICE_ONLY),
    # A superior scores the departments below, not their units.
    "assessment:unit_breakdown": ("unit", {**VIEW, **NO_ONE_BELOW}),
    # A bureau with no department below is refused the departments' pages (403), as any page
    # not its own: an empty ranking it cannot have is no page of its.
    "assessment:department_ranking": (None, SUPERIORS_ONLY),
    "assessment:department_xlsx": (None, SUPERIORS_ONLY),
    "assessment:department_docx": (None, SUPERIORS_ONLY),
    "assessment:department_scheme": (None, {**SUPERIORS_ONLY, "super_leader": 403}),
    "assessment:department_breakdown": (
        "department",
        {**{role: (L, L) if role == "anonymous" else (404, 404) for role in ROLES},
         "super_office": (200, 404), "super_leader": (200, 404)},
    ),
    "api:docs": (None, ANY),
    "api:token_list": (None, ANY),  # each person's own tokens (tests/api/test_tokens.py)
    "api:token_revoke": ("token", POST_ONLY),
}

# The REST API, walked with each persona's personal token (anonymous: none): 401 instead of
# the login page, and a POST-only endpoint answers GET with 405 once the caller is known.
U = 401
API_ANY = {**ANY, "anonymous": U}
API_VIEW = {**VIEW, "anonymous": (U, U)}
API_READERS = {**READERS, "anonymous": U}
API_REGISTER_VIEW = {**REGISTER_VIEW, "anonymous": (U, U)}
API_REPORT_VIEW = {**REPORT_VIEW, "anonymous": (U, U)}
API_POST_ONLY = {**POST_ONLY, "anonymous": (U, U)}
API_EXPECTED = {
    "api:plan_list": (None, API_ANY),
    "api:plan_detail": ("plan", API_VIEW),
    "api:task_list": (None, API_ANY),
    "api:task_detail": ("task", API_VIEW),
    "api:task_comment": ("task", API_POST_ONLY),
    "api:assignment_list": (None, API_ANY),
    "api:assignment_detail": ("assignment", API_VIEW),
    "api:assignment_progress": ("assignment", API_POST_ONLY),
    "api:assignment_review": ("assignment", API_POST_ONLY),
    "api:assignment_comment": ("assignment", API_POST_ONLY),
    "api:notification_list": (None, API_ANY),
    "api:notification_read": (None, {**POST_ONLY_LIST, "anonymous": U}),
    "api:request_list": (None, API_READERS),
    "api:request_detail": ("request", API_REGISTER_VIEW),
    "api:report_list": (None, API_READERS),
    "api:report_detail": ("report", API_REPORT_VIEW),
    "api:schema": (None, API_ANY),
}
# The API's writes, POSTed with a body the service accepts: who may (201; 400 where the
# assignment's state refuses it, after the permission check), who may not (403), and who does
# not see the object (404).
WRITES_OK = {"anonymous": (U, U), "office": (201, 404), "leader": (403, 404),
             "head": (201, 404), "staff": (201, 404), "other_office": (201, 404),
             "super_office": (403, 404), "super_leader": (403, 404)}
# Whoever sees it in its own department may comment; a superior only reads the thread below.
COMMENT_OK = {**WRITES_OK, "leader": (201, 404)}
API_POSTS = {
    "api:assignment_progress": ("assignment", {"text": "已公开"}, WRITES_OK),
    "api:assignment_review": ("assignment", {"accept": True},
                              {**WRITES_OK, "office": (400, 404), "other_office": (400, 404),
                               "head": (403, 404), "staff": (403, 404)}),
    "api:assignment_comment": ("assignment", {"text": "请核实"}, COMMENT_OK),
    "api:task_comment": ("task", {"text": "请核实"}, COMMENT_OK),
    "api:notification_read": (None, {}, {**dict.fromkeys(ROLES, 200), "anonymous": U}),
}
# fmt: on
# URLs that take more than the object: the arguments after its pk.
MORE_ARGS = {"reporting:report_export": ["docx"]}


def app_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace in NOT_APP_NAMESPACES:
                    continue
                walk(p.url_patterns, f"{prefix}{p.namespace}:" if p.namespace else prefix)
            elif isinstance(p, URLPattern) and p.name:
                names.add(prefix + p.name)

    walk(get_resolver().url_patterns)
    return names - NOT_APP_URLS


def test_every_url_of_the_app_is_in_the_matrix():
    assert app_url_names() == set(EXPECTED) | set(API_EXPECTED)
    assert not set(EXPECTED) & set(API_EXPECTED)


@pytest.fixture
def personas(office_staff, leader, unit_head, unit_staff, world):
    other_office = UserFactory(
        username="otheroffice",
        department=world.other_department,
        unit=world.other_task.assignments.get().unit,
        role="office",
    )
    # Levels: the city over the district's office and bureau B; the district over bureau A.
    city = DepartmentFactory(name="泉州市人民政府办公室")
    district = DepartmentFactory(name="泉州市丰泽区人民政府办公室", parent=city)
    Department.objects.filter(pk=world.department.pk).update(parent=district)
    Department.objects.filter(pk=world.other_department.pk).update(parent=city)
    district_unit = UnitFactory(department=district, name="秘书科", is_office=True)
    return {
        "anonymous": None,
        "office": office_staff,
        "leader": leader,
        "head": unit_head,
        "staff": unit_staff,
        "other_office": other_office,
        "super_office": UserFactory(
            username="district", department=district, unit=district_unit, role="office"
        ),
        "super_leader": UserFactory(username="districtleader", department=district, role="leader"),
    }


@pytest.fixture
def imports(world):
    """A plan document awaiting review in each bureau."""
    return {
        dept: start_import(dept, source_name="", data=SEED_LIKE.encode(), by=None)
        for dept in (world.department, world.other_department)
    }


SEED_LIKE = "一、任务\n(一)公开\n做好公开工作(责任科室:办公室)。"


@pytest.fixture
def evidence_files(world, personas, settings, tmp_path):
    """One stored file on each assignment of the world, reported by someone who may."""
    settings.MEDIA_ROOT = tmp_path
    files = {}
    for assignment in (world.own_assignment, world.foreign_assignment, world.other_assignment):
        office = UserFactory(
            department=assignment.task.plan.department,
            unit=assignment.task.plan.department.units.get(is_office=True),
            role="office",
        )
        report = Report(files=[Upload(f"证明{assignment.pk}.txt", "已公开".encode())])
        files[assignment] = record_progress(assignment, report, by=office).files.get()
    return files


@pytest.fixture
def registers(world):
    """A request and a review case in each bureau's registers, its report, and a webhook."""
    kinds = (("request", make_request), ("reviewcase", make_review_case), ("webhook", make_webhook))
    return {
        kind: {dept: make(dept) for dept in (world.department, world.other_department)}
        for kind, make in kinds
    } | report_objects(world)


@pytest.fixture
def tokens(world, personas):
    """Each persona's own token, and another person's (the foreign one)."""
    stranger = UserFactory(department=world.department, role="leader")
    foreign = create_token(stranger, name="x", expires_on=default_expiry())[0]
    return {
        role: (create_token(p, name="x", expires_on=default_expiry())[0], foreign)
        for role, p in personas.items()
        if p is not None
    } | {"anonymous": (foreign, foreign)}


REPORT_KINDS = ("report", "section", "version")
DEPARTMENT_KINDS = ("request", "reviewcase", "webhook", *REPORT_KINDS)


def make_webhook(department):
    return Webhook.objects.create(
        department=department, name="省平台", url="https://platform.example.gov.cn/", events=["x"]
    )


def report_objects(world):
    """A generated report draft in each bureau, its part 一 and its first version."""
    reports = {
        dept: services.generate(services.create_draft(dept, 2026, by=None), by=None)
        for dept in (world.department, world.other_department)
    }
    return {
        "report": reports,
        "section": {dept: r.sections.get(number=1) for dept, r in reports.items()},
        "version": {dept: r.versions.get() for dept, r in reports.items()},
    }


def objects_for(world, role: str, kind: str, imports=None, files=None, registers=None, tokens=None):
    """(own, foreign) object of the kind for the role, as the matrix defines them."""
    if kind in DEPARTMENT_KINDS:
        own, other = registers[kind][world.department], registers[kind][world.other_department]
        return (other, own) if role == "other_office" else (own, other)
    if kind == "token":
        return tokens[role]
    if kind == "evidence":
        own, foreign = objects_for(world, role, "assignment")
        return files[own], files[foreign]
    if kind == "import":
        own, other = imports[world.department], imports[world.other_department]
        return (other, own) if role == "other_office" else (own, other)
    dept_scope = role in ("office", "leader", "anonymous", "super_office", "super_leader")
    if kind == "department":
        own, other = world.department, world.other_department
        return (other, own) if role == "other_office" else (own, other)
    if kind == "unit":
        other_office = world.other_assignment.unit
        if role == "other_office":
            return other_office, world.own_unit
        return world.own_unit, other_office if dept_scope else world.other_unit
    if role == "other_office":  # bureau B's office: its own is B's, foreign is A's
        return {
            "plan": (world.other_plan, world.plan),
            "task": (world.other_task, world.own_task),
            "assignment": (world.other_assignment, world.own_assignment),
        }[kind]
    return {
        "plan": (world.plan, world.other_plan),
        "task": (world.own_task, world.other_task if dept_scope else world.foreign_task),
        "assignment": (
            world.own_assignment,
            world.other_assignment if dept_scope else world.foreign_assignment,
        ),
    }[kind]


CASES = [
    (name, role, scope)
    for name, (kind, outcomes) in EXPECTED.items()
    for role in ROLES
    for scope in (("own", "foreign") if kind else ("-",))
]


@pytest.mark.parametrize(("url_name", "role", "scope"), CASES)
def test_get_outcome(
    client, world, personas, imports, evidence_files, registers, tokens, url_name, role, scope
):
    kind, outcomes = EXPECTED[url_name]
    if personas[role] is not None:
        client.force_login(personas[role])
    if kind is None:
        url, expected = reverse(url_name), outcomes[role]
    else:
        obj = objects_for(world, role, kind, imports, evidence_files, registers, tokens)[
            0 if scope == "own" else 1
        ]
        url = reverse(url_name, args=[obj.pk, *MORE_ARGS.get(url_name, [])])
        expected = outcomes[role][0 if scope == "own" else 1]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == expected, f"GET {url} as {role}"
    if expected == L and role == "anonymous":
        assert response.url.startswith(reverse("login"))
    # No GET writes (issue 22): reading a page changes nothing in the database.
    writes = [q["sql"] for q in queries if q["sql"].lstrip().split()[0] in WRITES]
    assert writes == [], f"GET {url} as {role} wrote"


WRITES = {"INSERT", "UPDATE", "DELETE", "REPLACE"}


def _api_call(world, personas, registers, url_name, table, role, scope):
    """The URL of the API case and the client sending the persona's token (none: anonymous)."""
    kind = table[url_name][0]
    if kind is None:
        url = reverse(url_name)
    else:
        own, foreign = objects_for(world, role, kind, registers=registers)
        url = reverse(url_name, args=[(own if scope == "own" else foreign).pk])
    person = personas[role]
    if person is None:
        return url, Client()
    raw = create_token(person, name="matrix", expires_on=default_expiry())[1]
    return url, Client(headers={"Authorization": f"Bearer {raw}"})


def _expected(outcomes, role, scope):
    return outcomes[role] if scope == "-" else outcomes[role][0 if scope == "own" else 1]


API_CASES = [
    (name, role, scope)
    for name, (kind, _outcomes) in API_EXPECTED.items()
    for role in ROLES
    for scope in (("own", "foreign") if kind else ("-",))
]


@pytest.mark.parametrize(("url_name", "role", "scope"), API_CASES)
def test_api_get_outcome(world, personas, registers, url_name, role, scope):
    url, api = _api_call(world, personas, registers, url_name, API_EXPECTED, role, scope)
    expected = _expected(API_EXPECTED[url_name][1], role, scope)
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url)
    assert response.status_code == expected, f"GET {url} as {role}"
    # A GET writes nothing but the token's last-used time (at most every few minutes).
    writes = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().split()[0] in WRITES and "api_apitoken" not in q["sql"]
    ]
    assert writes == [], f"GET {url} as {role} wrote"


API_POST_CASES = [
    (name, role, scope)
    for name, (kind, _body, _outcomes) in API_POSTS.items()
    for role in ROLES
    for scope in (("own", "foreign") if kind else ("-",))
]


@pytest.mark.parametrize(("url_name", "role", "scope"), API_POST_CASES)
def test_api_post_outcome(world, personas, registers, url_name, role, scope):
    url, api = _api_call(world, personas, registers, url_name, API_POSTS, role, scope)
    _kind, body, outcomes = API_POSTS[url_name]
    response = api.post(url, body, content_type="application/json")
    assert response.status_code == _expected(outcomes, role, scope), f"POST {url} as {role}"
    if response.status_code != 201 and url_name != "api:notification_read":
        assert not ProgressUpdate.objects.exists()
        assert not Comment.objects.exists()


def _heading_topic(draft: ReportDraft) -> dict:
    plan = Plan.objects.get(department=draft.department_id, year=draft.year)
    heading = Heading.objects.create(plan=plan, label="一、", title="深化公开")
    return {"heading": heading.pk, "topic": HeadingTopic.Topic.PLATFORMS}


def _published_text(draft: ReportDraft) -> str:
    """The draft as its web page reads: a published report to paste back as last year's."""
    return lxml_html.fromstring(write_html(report_content(draft))).text_content()


# The report's HTML writes, each POSTed with a body its view takes (tests/reporting has each
# one's behaviour): (object kind, body from the report). The report's own office writes and is
# sent back to the report (302); the rest are refused as REPORT_KEEP refuses the GET.
# (The body is made from the URL's object: the report, or for report_section its part.)
# fmt: off
REPORT_POSTS = {
    "reporting:report_cell": ("report", lambda d: {"t3-cell": "new|business", "t3-value": "2"}),
    "reporting:report_front": ("report", lambda d: {"front-title": "教育局年度报告"}),
    "reporting:report_options": ("report", lambda d: {"plan_summary": "on", "other_text": "x"}),
    "reporting:report_topics": ("report", _heading_topic),
    "reporting:report_section": ("section", lambda s: {
        "action": "save", f"s{s.pk}-text": "本年度重新写的第一部分。"}),
    "reporting:report_previous": ("report", lambda d: {
        "text": _published_text(d), "action": "confirm"}),
}
REPORT_WRITES = {**REPORT_KEEP, "office": (302, 404), "other_office": (302, 404)}
# fmt: on
# Every row a report's write may touch, in both bureaus.
REPORT_MODELS = (
    ReportDraft,
    ReportSection,
    ManualCell,
    ReportVersion,
    HeadingTopic,
    PublishedReport,
)


def _report_rows() -> dict:
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in REPORT_MODELS}


REPORT_POST_CASES = [
    (name, role, scope) for name in REPORT_POSTS for role in ROLES for scope in ("own", "foreign")
]


@pytest.mark.parametrize(("url_name", "role", "scope"), REPORT_POST_CASES)
def test_report_post_outcome(client, world, personas, registers, url_name, role, scope):
    # given
    kind, body = REPORT_POSTS[url_name]
    obj = objects_for(world, role, kind, registers=registers)[0 if scope == "own" else 1]
    data = body(obj)
    if personas[role] is not None:
        client.force_login(personas[role])
    before = _report_rows()
    # when
    with CaptureQueriesContext(connection) as queries_run:
        response = client.post(reverse(url_name, args=[obj.pk]), data)
    # then
    expected = REPORT_WRITES[role][0 if scope == "own" else 1]
    assert response.status_code == expected, f"POST {url_name} as {role}"
    if role == "anonymous":
        assert response.url.startswith(reverse("login"))
    elif expected == 302:  # the body is one the view takes: it wrote
        assert _report_rows() != before
        return
    assert _report_rows() == before, f"POST {url_name} as {role} changed the report"
    writes = [q["sql"] for q in queries_run if q["sql"].lstrip().split()[0] in WRITES]
    assert writes == [], f"POST {url_name} as {role} wrote"


# Forged posts: another unit's or bureau's object is never changed, whatever the form says.
@pytest.mark.parametrize("role", ["head", "staff", "leader"])
@pytest.mark.parametrize("action", ["report", "submit", "accept", "return", "comment"])
def test_posting_to_another_units_assignment_changes_nothing(client, world, personas, role, action):
    # given
    client.force_login(personas[role])
    target = world.foreign_assignment if role != "leader" else world.other_assignment
    # when
    response = client.post(
        reverse("tasks:assignment_detail", args=[target.pk]),
        {
            "action": action,
            "p-version": target.version,
            "p-text": "forged",
            "r-version": target.version,
            "r-comment": "forged",
            "c-text": "forged",
        },
    )
    # then
    assert response.status_code == 404
    target.refresh_from_db()
    assert target.status == Assignment.Status.NOT_STARTED
    assert not target.updates.exists()
    assert not target.comments.exists()


@pytest.mark.parametrize("role", ["head", "office", "leader"])
def test_commenting_on_a_task_one_cannot_see_saves_nothing(client, world, personas, role):
    client.force_login(personas[role])
    target = world.other_task if role != "head" else world.foreign_task
    response = client.post(reverse("tasks:task_detail", args=[target.pk]), {"c-text": "forged"})
    assert response.status_code == 404
    assert not target.comments.exists()


@pytest.mark.parametrize("action", ["report", "submit", "accept", "return"])
def test_leader_may_read_an_assignment_but_not_post_to_it(client, world, leader, action):
    client.force_login(leader)
    url = reverse("tasks:assignment_detail", args=[world.own_assignment.pk])
    response = client.post(
        url, {"action": action, "p-version": 1, "p-text": "x", "r-version": 1, "r-comment": "x"}
    )
    assert response.status_code == 403
    assert not world.own_assignment.updates.exists()


@pytest.mark.parametrize(
    ("role", "scope", "expected"),
    [
        ("office", "own", 302),
        ("office", "foreign", 404),
        ("leader", "own", 403),
        ("head", "own", 403),
        ("other_office", "foreign", 404),
        ("super_office", "own", 403),  # bureau A's plan, below: read-only
        ("super_office", "foreign", 404),
    ],
)
def test_plan_status_post(client, world, personas, role, scope, expected):
    client.force_login(personas[role])
    plan = objects_for(world, role, "plan")[0 if scope == "own" else 1]
    before = plan.status
    response = client.post(reverse("plans:plan_status", args=[plan.pk]), {"status": "closed"})
    assert response.status_code == expected
    plan.refresh_from_db()
    assert (plan.status == "closed") == (expected == 302)
    if expected != 302:
        assert plan.status == before


def test_forged_task_post_for_another_bureaus_plan_creates_nothing(client, world, office_staff):
    client.force_login(office_staff)
    count = world.other_plan.tasks.count()
    response = client.post(
        reverse("tasks:task_create", args=[world.other_plan.pk]),
        {
            "text": "x",
            "deadline_kind": "date",
            "due_date": "2026-05-01",
            "lead_units": [world.own_unit.pk],
        },
    )
    assert response.status_code == 404
    assert world.other_plan.tasks.count() == count


@pytest.mark.parametrize(
    ("role", "scope", "expected"),
    [
        ("office", "own", 302),
        ("head", "own", 403),
        ("other_office", "foreign", 404),
        ("super_office", "own", 403),
    ],
)
def test_only_the_office_reminds_its_own_bureaus_units_by_hand(
    client, world, personas, role, scope, expected
):
    # given
    client.force_login(personas[role])
    assignment = objects_for(world, role, "assignment")[0 if scope == "own" else 1]
    # when
    response = client.post(
        reverse("tasks:assignment_remind", args=[assignment.pk]), {"note": "请尽快报送"}
    )
    # then
    assert response.status_code == expected
    if expected == 302:
        assert response.url == assignment.get_absolute_url()
        reminder = Reminder.objects.get()
        assert (reminder.assignment, reminder.rule) == (assignment, Reminder.Rule.MANUAL)
        assert reminder.created_by == personas[role]
    else:
        assert not Reminder.objects.exists()
        assert not Notification.objects.exists()
        assert not Digest.objects.exists()
