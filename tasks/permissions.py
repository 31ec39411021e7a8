"""Who may see and change tasks and assignments: the only module that talks to django-guardian.

A unit's people get object permissions through their unit's auth group, granted per assignment;
office staff act on everything in their department; leaders read everything and change nothing;
a superior's office staff and leaders read the issued work of the departments below theirs and
change nothing of it (org.permissions.overseen_departments).
"""

from typing import TypeVar

from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet
from guardian.shortcuts import remove_perm

from core.models import Webhook
from org.models import User
from org.permissions import (
    VIEW,
    AnyUser,
    get_visible_or_404,
    is_admin,
    is_office,
    is_unit_member,
    office_department,
    overseen_departments,
    sees_whole_department,
)
from plans.models import Plan
from plans.permissions import PUBLISHED

from .models import (
    Assignment,
    AssignmentGroupObjectPermission,
    AssignmentQuerySet,
    AssignmentUserObjectPermission,
    Task,
    TaskGroupObjectPermission,
    TaskQuerySet,
    TaskUserObjectPermission,
)

MANAGE = "manage"  # create, edit and re-assign tasks
UPDATE = "update"  # report progress on an assignment
SUBMIT = "submit"  # hand an assignment in for review
REVIEW = "review"  # accept or return a submission
COMMENT = "comment"  # write in its comment thread: whoever sees it in its own department

_UNIT_VISIBLE = {"plan__status__in": PUBLISHED}


def _whole_department(user: User, prefix: str, overseen: bool) -> Q:
    """The department's work, and (``overseen``) for a superior the work of the departments
    below in their issued plans (plans.permissions.visible_plans): read-only, see ``can``."""
    own = Q(**{f"{prefix}plan__department": user.department_id})
    below = overseen_departments(user) if overseen else []
    if not below:
        return own
    issued_below = {f"{prefix}plan__department__in": below, f"{prefix}plan__status__in": PUBLISHED}
    return own | Q(**issued_below)


def visible_tasks(user: AnyUser, *, overseen: bool = True) -> TaskQuerySet:
    """``overseen=False``: a superior's own department's alone (its dashboard, its queue)."""
    if not user.is_authenticated:
        return Task.objects.none()
    if is_admin(user):
        return Task.objects.all()
    if sees_whole_department(user):
        return Task.objects.filter(_whole_department(user, "", overseen))
    return _granted(user, Task.objects.filter(**_UNIT_VISIBLE), "view_task")


def visible_assignments(user: AnyUser, *, overseen: bool = True) -> AssignmentQuerySet:
    if not user.is_authenticated:
        return Assignment.objects.none()
    if is_admin(user):
        return Assignment.objects.all()
    if sees_whole_department(user):
        return Assignment.objects.filter(_whole_department(user, "task__", overseen))
    unit_visible = {f"task__{k}": v for k, v in _UNIT_VISIBLE.items()}
    return _granted(user, Assignment.objects.filter(**unit_visible), "view_assignment")


_PERMISSION_TABLES = {
    Task: (TaskUserObjectPermission, TaskGroupObjectPermission),
    Assignment: (AssignmentUserObjectPermission, AssignmentGroupObjectPermission),
}


_QS = TypeVar("_QS", bound=QuerySet)


def _granted(user: User, queryset: _QS, codename: str) -> _QS:
    """The objects of ``queryset`` on which the user holds ``codename``, themselves or through
    a group: guardian's get_objects_for_user without global permissions, as two plain IN
    subqueries of the direct-FK permission tables. guardian's own repeats the queryset's joins
    inside its subquery for every permission row: a unit's to-do list ran it twice (count and
    page) at ~6 ms each."""
    by_user, by_group = _PERMISSION_TABLES[queryset.model]
    # The codename alone: these tables hold permissions on their one model only.
    mine = by_user.objects.filter(user=user, permission__codename=codename)
    groups = by_group.objects.filter(group__user=user, permission__codename=codename)
    # Each table's own foreign key; the type checker sees only the tables' common base.
    mine = mine.values("content_object_id")  # type: ignore[misc]
    groups = groups.values("content_object_id")  # type: ignore[misc]
    return queryset.filter(Q(pk__in=mine) | Q(pk__in=groups))


def _department_id(obj: Task | Assignment) -> int:
    task = obj.task if isinstance(obj, Assignment) else obj
    return task.plan.department_id


def is_own_work(user: AnyUser, obj: Task | Assignment) -> bool:
    """Work of the person's own department (administrators: any). A superior's office staff
    and leaders only read the work of the departments below theirs."""
    return is_admin(user) or (user.is_authenticated and user.department_id == _department_id(obj))


def can(user: AnyUser, action: str, obj: Task | Assignment) -> bool:
    if not user.is_authenticated:
        return False
    if action != VIEW and isinstance(obj, Assignment) and is_cascaded(obj):
        return False  # its status follows the department's own task (tasks.upstream)
    if is_admin(user) or is_office(user, _department_id(obj)):
        return True
    if action == VIEW:
        qs = visible_tasks(user) if isinstance(obj, Task) else visible_assignments(user)
        return qs.filter(pk=obj.pk).exists()
    if not is_own_work(user, obj):
        return False  # seen from above: read-only
    if action == COMMENT:
        # can(VIEW) for the department's own people, without its query (the pages ask this of
        # every object they show): the whole department sees all its work, a unit's people
        # what their unit was granted once the plan is out (visible_tasks, visible_assignments).
        task = obj.task if isinstance(obj, Assignment) else obj
        return sees_whole_department(user) or (
            task.plan.status in _UNIT_VISIBLE["plan__status__in"]
            and _holds(user, f"view_{obj._meta.model_name}", obj)
        )
    if not isinstance(obj, Assignment) or obj.task.plan.status != Plan.Status.ISSUED:
        return False
    if action == UPDATE:
        return _holds(user, "change_assignment", obj)
    if action == SUBMIT:
        return user.role == User.Role.UNIT_HEAD and _holds(user, "change_assignment", obj)
    return False


def is_cascaded(assignment: Assignment) -> bool:
    """Given to a unit that stands for a subordinate department (org.Unit.represents)."""
    return assignment.unit.represents_id is not None


# --- Cascade: a superior's assignment as its subordinate department's office sees it --------


def cascaded_to(user: AnyUser) -> QuerySet[Assignment]:
    """The superior's assignments given to the person's department (through the unit that
    stands for it), once the superior's plan is out: its office staff's, nobody else's. The
    only way anyone sees upward (org.permissions.overseen_departments looks down)."""
    if not is_office(user):
        return Assignment.objects.none()
    unit_visible = {f"task__{k}": v for k, v in _UNIT_VISIBLE.items()}
    return Assignment.objects.filter(unit__represents=user.department_id, **unit_visible)


def get_cascaded_or_404(user: AnyUser, pk: int) -> Assignment:
    """A cascaded assignment the person's office may place; anyone else gets 404."""
    qs = cascaded_to(user).select_related("task__plan__department", "task__heading", "unit")
    return get_visible_or_404(qs, pk, user=user, action=VIEW, can=can)


def upstream_of(user: AnyUser, task: Task) -> Assignment | None:
    """The superior's assignment the task places, if the person may read it (the task's own
    office); None for everyone else, who see the task as any other."""
    if task.upstream_id is None or not is_office(user, task.plan.department_id):
        return None
    qs = cascaded_to(user).select_related("task__plan__department", "task__heading", "unit")
    return qs.filter(pk=task.upstream_id).first()


def _holds(user: User, codename: str, obj: Task | Assignment) -> bool:
    """The person's object permissions on ``obj``, granted to them or to one of their groups
    (the direct-FK tables guardian keeps), read in one query and kept on the person: read once
    however often the page and its service ask. The person of a request lives for that request;
    code that changes grants and asks again (a job, a test) asks with the person read afresh."""
    held: dict[tuple[type, int], set[str]] = user.__dict__.setdefault("_object_permissions", {})
    key = (type(obj), obj.pk)
    if key not in held:
        by_user, by_group = _PERMISSION_TABLES[type(obj)]
        # Each table's own foreign key; the type checker sees only the tables' common base.
        mine = by_user.objects.filter(user=user, content_object_id=obj.pk)  # type: ignore[misc]
        ours = by_group.objects.filter(group__user=user, content_object_id=obj.pk)  # type: ignore[misc]
        codenames = (
            mine.order_by()
            .values_list("permission__codename")
            .union(ours.order_by().values_list("permission__codename"))
        )
        held[key] = {codename for (codename,) in codenames}
    return codename in held[key]


def people_who_see(obj: Task | Assignment) -> QuerySet[User]:
    """The active people who may open ``obj``: its department's office and leaders, and (once
    the plan is out) the people of its unit, or of every unit of a task; as ``can`` decides."""
    task = obj.task if isinstance(obj, Assignment) else obj
    whole = Q(role__in=[User.Role.OFFICE, User.Role.LEADER])
    if task.plan.status in _UNIT_VISIBLE["plan__status__in"]:
        units = (
            [obj.unit_id]
            if isinstance(obj, Assignment)
            else list(task.assignments.values_list("unit", flat=True))
        )
        whole |= Q(role__in=[User.Role.UNIT_HEAD, User.Role.UNIT_STAFF], unit__in=units)
    return User.objects.filter(whole, is_active=True, department=task.plan.department_id)


def get_task_or_404(user: AnyUser, pk: int, action: str = VIEW) -> Task:
    """What a user may not see answers 404; what they may see but not change, 403."""
    qs = visible_tasks(user).select_related("plan", "heading")
    return get_visible_or_404(qs, pk, user=user, action=action, can=can)


def get_assignment_or_404(user: AnyUser, pk: int, action: str = VIEW) -> Assignment:
    qs = visible_assignments(user).select_related("task__plan", "unit")
    return get_visible_or_404(qs, pk, user=user, action=action, can=can)


def get_webhook_or_404(user: AnyUser, pk: int) -> Webhook:
    """A webhook of the office's own department: anyone but office staff is refused (403)
    before any is looked up; another department's answers 404."""
    hooks = Webhook.objects.filter(department=office_department(user))
    return get_visible_or_404(hooks, pk, user=user, action=VIEW, can=lambda *_: True)


def can_manage_tasks_of(user: AnyUser, plan: Plan) -> bool:
    return is_admin(user) or is_office(user, plan.department_id)


def reviews_submissions(user: AnyUser) -> bool:
    """Office staff (and administrators) review what units submit."""
    return is_admin(user) or is_office(user)


def sees_all_tasks(user: AnyUser) -> bool:
    return is_admin(user) or sees_whole_department(user)


def allowed_statuses(user: AnyUser, assignment: Assignment) -> list[str]:
    """The statuses this user may leave the assignment in, its current one first; empty when
    the user may not report on it at all."""
    status = Assignment.Status
    if can(user, REVIEW, assignment):
        return [assignment.status, *(s for s in status.values if s != assignment.status)]
    if not is_unit_member(user) or not can(user, UPDATE, assignment):
        return []
    if assignment.status in (status.SUBMITTED, status.COMPLETED):
        return []  # with the office now: the unit reports again once it is returned
    moves_from: dict[str, list[str]] = {
        status.NOT_STARTED: [status.IN_PROGRESS, status.SUBMITTED],
        status.IN_PROGRESS: [status.SUBMITTED],
        status.RETURNED: [status.IN_PROGRESS, status.SUBMITTED],
    }
    moves = moves_from.get(assignment.status, [])
    if not can(user, SUBMIT, assignment):
        moves = [s for s in moves if s != status.SUBMITTED]
    return [assignment.status, *moves]


def grant_unit_access(assignments: list[Assignment]) -> None:
    """Each assigned unit's people may see and update their assignment and see its task.

    The rows guardian's ``assign_perm`` would make, in three queries for all the assignments
    rather than a dozen for each (it looks up each permission and tries each row in a
    savepoint): a plan of 300 items grants over 1,600 of them on import (bench/README.md)."""
    perms = dict(
        Permission.objects.filter(
            content_type__app_label="tasks",
            codename__in=["view_assignment", "change_assignment", "view_task"],
        ).values_list("codename", "pk")
    )
    AssignmentGroupObjectPermission.objects.bulk_create(
        [
            AssignmentGroupObjectPermission(
                # Every assigned unit has its group (org.services.ensure_unit_group).
                group_id=assignment.unit.group_id,  # type: ignore[misc]
                permission_id=perms[codename],
                content_object=assignment,
            )
            for assignment in assignments
            for codename in ("view_assignment", "change_assignment")
        ],
        ignore_conflicts=True,
    )
    TaskGroupObjectPermission.objects.bulk_create(
        [
            TaskGroupObjectPermission(
                group_id=assignment.unit.group_id,  # type: ignore[misc]
                permission_id=perms["view_task"],
                content_object_id=assignment.task_id,
            )
            for assignment in assignments
        ],
        ignore_conflicts=True,  # the task's other assignments of this unit granted it already
    )


def revoke_unit_access(assignment: Assignment) -> None:
    """Called before an assignment is deleted (its own permission rows cascade)."""
    remove_perm("tasks.view_task", assignment.unit.group, assignment.task)
