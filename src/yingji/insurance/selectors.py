"""Reads of policies, events, claims and storms.

Who sees a policy (decided here, on top of `core.scope.Scope`):
- by region: a person sees the policies whose insured region lies in their subtree
  (a city officer of 3310 sees Taizhou's policies; the province sees all), and also
  those that cover a county in their subtree by a premium share or a designated
  station (a Wenling officer sees the Taizhou policy that pays Wenling);
- by insurer: a person whose organization is an insurer (保险机构) sees exactly the
  policies where that organization holds a lot (标段), wherever it sits, and no
  others: an insurer's branch in Taizhou does not see the policies of other insurers;
- enterprise users see no policy.
Storms and their tracks are public weather data: any logged-in person may read them.
Events and claims follow their policy.

Every selector takes `(*, scope, ...)` like those of the other apps; here the scope is
a `PolicyScope` (`PolicyScope.for_user(user)`): the caller's region scope plus, for an
insurer's staff, their insurer, which the region scope does not carry.
"""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from ..core.choices import OrganizationKind, Role
from ..core.errors import NotFound
from ..core.scope import Scope, fits_database
from .models import Claim, Policy, Storm, TrackPosition, TriggerEvent


@dataclass(frozen=True)
class PolicyScope:
    """Who reads policies: the caller's region scope and, for an insurer's staff, the
    insurer (保险机构) whose lots they see."""

    region: Scope
    insurer_id: int | None = None

    @classmethod
    def for_user(cls, user) -> "PolicyScope":
        return cls(Scope.for_user(user), _insurer_id(user))


def _insurer_id(user) -> int | None:
    person = getattr(user, "person", None) if user is not None else None
    if person is None or not person.active or person.organization_id is None:
        return None
    return person.organization_id if person.organization.kind == OrganizationKind.INSURER else None


def visible_policy_filter(scope: PolicyScope) -> Q | None:
    """The condition on Policy rows that this scope may see; None: nothing."""
    if scope.region.is_nobody or scope.region.role == Role.ENTERPRISE:
        return None
    if scope.insurer_id is not None:
        return Q(lots__insurer_id=scope.insurer_id)
    code = scope.region.region_code
    if code == "":
        return Q()
    return (Q(region__code__startswith=code) | Q(premium_shares__county__code__startswith=code)
            | Q(rain_triggers__stations__county__code__startswith=code))


def policy_list(*, scope: PolicyScope, active: bool | None = None) -> QuerySet:
    condition = visible_policy_filter(scope)
    if condition is None:
        return Policy.objects.none()
    ids = Policy.objects.filter(condition).values("pk")  # a subquery: the joins may repeat rows
    qs = Policy.objects.filter(pk__in=ids).select_related("region", "insured")
    if active is not None:
        qs = qs.filter(active=active)
    return qs.order_by("-period_start", "name", "id")


def policy_get(*, scope: PolicyScope, id: int) -> Policy:
    if not fits_database(id):
        raise NotFound()
    policy = (policy_list(scope=scope).prefetch_related(
        "lots__insurer", "typhoon_triggers", "rain_triggers__stations", "premium_shares",
        Prefetch("events", queryset=TriggerEvent.objects.select_related("storm", "claim")))
        .filter(pk=id).first())
    if policy is None:
        raise NotFound()
    return policy


def event_list(*, policy: Policy) -> QuerySet:
    return policy.events.select_related("storm", "claim").order_by("-occurred_at", "id")


def claim_get(*, scope: PolicyScope, id: int) -> Claim:
    if not fits_database(id):
        raise NotFound()
    claim = (Claim.objects.select_related("event__policy")
             .filter(pk=id, event__policy__in=policy_list(scope=scope)).first())
    if claim is None:
        raise NotFound()
    return claim


def claim_list(*, scope: PolicyScope, status: str = "") -> QuerySet:
    """The claims of the policies this scope sees, newest notice first."""
    qs = Claim.objects.filter(event__policy__in=policy_list(scope=scope)).select_related(
        "event__policy", "event__storm", "event__county")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-notified_at", "-id")


def _require_reader(scope: PolicyScope) -> None:
    if scope.region.is_nobody:
        raise NotFound()


def storm_list(*, scope: PolicyScope, year: int | None = None, q: str = "") -> QuerySet:
    _require_reader(scope)
    qs = Storm.objects.all()
    if year is not None:
        qs = qs.filter(year=year)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(cn_id=q))
    return qs.order_by("-year", "code")


def storm_get(*, scope: PolicyScope, id: int) -> Storm:
    _require_reader(scope)
    if not fits_database(id):
        raise NotFound()
    storm = Storm.objects.filter(pk=id).first()
    if storm is None:
        raise NotFound()
    return storm


def storm_positions(*, storm: Storm) -> QuerySet:
    return TrackPosition.objects.filter(storm=storm).order_by("time")
