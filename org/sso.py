"""Single sign-on: a person the directory (an OIDC provider, an LDAP server) vouches for becomes,
or stays, a person of ours, placed in a department and unit by what the directory says.

The backends (org/backends.py) read the claims or attributes into a ``DirectoryEntry``; this
module decides the rest, the same way for both.

- A first login creates the person (no usable password: they log in through the directory) and
  places them by the entry's department, unit and role. A unit is matched by its name, short name
  or an alias (the names plans use, UnitAlias), within the entry's department, else within
  ``SSO_DEPARTMENT``, else within every department when only one has a unit of that name. No
  match, or several: the person gets no department and no unit, so sees nothing and is asked to
  have their office assign a unit.
- A person already here under the same login (the office imported them) is linked, not
  duplicated, only where the entry's login is one the organisation gives (``links_by_login``:
  an LDAP login, an OIDC claim the operator vouches for): else anyone who may name themselves
  so at the provider would take the account over. Otherwise the login is refused (``LoginTaken``)
  until the office links the account to the directory's subject (an ExternalIdentity made in
  the admin). What the office set for a linked person stays.
- Later logins update the name and e-mail address. The placement (department, unit, role) is
  updated only while it is still exactly what the directory set last time (ExternalIdentity's
  ``assigned_*``): once the office has changed any of the three by hand, the directory no longer
  moves the person.
- A system administrator is never signed in through a directory: a directory's compromise must
  not open the admin.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet

from .models import Department, ExternalIdentity, Unit, User
from .permissions import is_placed
from .services import save_person, sync_membership

# The roles a directory may give; an administrator is made in the admin only.
DIRECTORY_ROLES = {User.Role.OFFICE, User.Role.UNIT_HEAD, User.Role.UNIT_STAFF, User.Role.LEADER}


class SignInRefused(Exception):
    """The directory vouched for someone who may not sign in through it."""


class LoginTaken(SignInRefused):
    """A first login under the login of a person here, whom the directory may not take over."""

    def __init__(self, entry: "DirectoryEntry") -> None:
        super().__init__(f"{entry.username} is taken by a person not linked to {entry.subject}")
        self.login, self.subject = entry.username, entry.subject


@dataclass(frozen=True)
class DirectoryEntry:
    """What a directory says of a person: values as it writes them, "" where it says nothing."""

    source: ExternalIdentity.Source
    subject: str  # the directory's stable identifier (OIDC ``sub``, the LDAP login)
    username: str
    full_name: str = ""
    email: str = ""
    department: str = ""
    unit: str = ""
    role: str = ""
    # The login is the organisation's to give, not the person's to choose: a person here under
    # it is this person, and is linked on their first login.
    links_by_login: bool = False


@dataclass(frozen=True)
class Placement:
    department: Department | None
    unit: Unit | None
    role: str

    @classmethod
    def of(cls, user: User) -> "Placement":
        return cls(user.department, user.unit, user.role)

    @classmethod
    def assigned(cls, identity: ExternalIdentity) -> "Placement":
        return cls(identity.assigned_department, identity.assigned_unit, identity.assigned_role)


NO_ACCESS = Placement(None, None, User.Role.UNIT_STAFF)


def directory_role(value: str) -> str | None:
    """The role a directory's value stands for (``SSO_ROLE_VALUES``, or our own role names)."""
    value = value.strip()
    role = settings.SSO_ROLE_VALUES.get(value, value)
    return role if role in DIRECTORY_ROLES else None


def matching_units(name: str, departments: QuerySet[Department] | None) -> list[Unit]:
    """Units called ``name``: by full name first, then short name, then an alias."""
    name = name.strip()
    if not name:
        return []
    units = Unit.objects.select_related("department")
    if departments is not None:
        units = units.filter(department__in=departments)
    for lookup in ("name", "short_name", "aliases__name"):
        found = list(units.filter(**{lookup: name}).distinct())
        if found:
            return found
    return []


def place(entry: DirectoryEntry) -> Placement:
    """Where the entry puts the person; ``NO_ACCESS`` unless it names exactly one unit (or a
    leader's one department)."""
    department_name = entry.department.strip() or settings.SSO_DEPARTMENT
    departments = Department.objects.filter(name=department_name) if department_name else None
    role = directory_role(entry.role) or User.Role.UNIT_STAFF
    units = matching_units(entry.unit, departments)
    if len(units) == 1:
        return Placement(units[0].department, units[0], role)
    if role == User.Role.LEADER and departments is not None and len(departments) == 1:
        return Placement(departments[0], None, role)
    return NO_ACCESS


def _identity_for(entry: DirectoryEntry) -> ExternalIdentity:
    """The person's link to the directory: found (the admin may have made it), or made for the
    person of that login (whom the office may have imported) or for a new person."""
    identity = (
        ExternalIdentity.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(source=entry.source, subject=entry.subject)
        .first()
    )
    if identity is not None:
        return identity
    user = User.objects.filter(username__iexact=entry.username).first()
    if user is None:
        try:
            User.username_validator(entry.username)
        except ValidationError as error:
            raise SignInRefused(f"{entry.username!r} is no login of ours") from error
        user = User(username=entry.username)
        user.set_unusable_password()
        user.role = NO_ACCESS.role
        user.save()
    elif not entry.links_by_login:
        raise LoginTaken(entry)
    elif user.external_identities.filter(source=entry.source).exists():
        raise SignInRefused(f"{entry.username} is linked to another {entry.source} identity")
    # A new person's (empty) placement counts as the directory's; an existing one's as the office's.
    return ExternalIdentity(
        user=user,
        source=entry.source,
        subject=entry.subject,
        assigned_role=user.role if user.unit_id is None and user.department_id is None else "",
    )


def _valid_email(address: str) -> str:
    """The directory's address, or "" if it is none (the person's own stays)."""
    try:
        validate_email(address.strip())
    except ValidationError:
        return ""
    return address.strip()


def outside_login_throttle(request, credentials: dict | None = None) -> bool:
    """django-axes' AXES_WHITELIST_CALLABLE: an attempt without a username is an OIDC provider's
    callback. The provider checks the password and throttles its own logins; counting a failed
    callback here, under no username, would shut everyone behind an office's one address out."""
    return not (credentials or {}).get("username")


@transaction.atomic
def sign_in(entry: DirectoryEntry) -> User:
    """The person the directory vouches for, created or updated from ``entry``."""
    identity = _identity_for(entry)
    user = identity.user
    if user.is_superuser or user.role == User.Role.ADMIN:
        raise SignInRefused(f"{user.username} is a system administrator")
    if not user.is_active:
        raise SignInRefused(f"{user.username} is deactivated")
    full_name_length = User._meta.get_field("full_name").max_length
    user.full_name = (entry.full_name.strip() or user.full_name)[:full_name_length]
    user.email = _valid_email(entry.email) or user.email
    if Placement.of(user) == Placement.assigned(identity):
        placement = place(entry)
        user.department, user.unit, user.role = placement.department, placement.unit, placement.role
        identity.assigned_department, identity.assigned_unit = placement.department, placement.unit
        identity.assigned_role = placement.role
    if is_placed(user):
        save_person(user)
    else:
        # Not placed: saved without the model's checks (its role wants a unit), in no group.
        user.save()
        sync_membership(user)
    identity.save()
    return user
