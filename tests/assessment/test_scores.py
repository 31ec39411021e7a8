import datetime
from decimal import Decimal

import pytest

from assessment.catalogue import Kind
from assessment.models import Indicator, Scheme
from assessment.queries import department_scores, unit_breakdown, unit_scores
from tasks.models import Task

from .conftest import AS_OF


def test_units_are_tallied_from_their_assignments(year_of_work):
    ranking = unit_scores(year_of_work.department, 2026, as_of=AS_OF)
    tallies = {s.name: s.tally for s in ranking.scores}
    own, late, office = tallies["社管办"], tallies["计财股"], tallies["办公室"]
    assert (own.considered, own.completed, own.on_time, own.evidenced) == (1, 1, 1, 1)
    assert (own.returns, own.overdue_days) == (0, 0)
    # submitted on 8 July (the accepted submission) against 30 June: 1,2,3,6,7,8 July
    assert (late.completed, late.on_time, late.evidenced, late.returns) == (1, 0, 0, 1)
    assert late.overdue_days == 6
    # still open on Friday 10 July: eight working days past Tuesday 30 June
    assert (office.considered, office.completed, office.overdue_days) == (1, 0, 8)


def _points(ranking, name):
    score = next(s for s in ranking.scores if s.name == name)
    return dict(zip((i.kind for i in ranking.indicators), score.points, strict=True)), score


def test_each_indicator_of_the_default_unit_scheme_scores_or_deducts(year_of_work):
    # given the catalogue's default: on time × 70, evidence × 30, −2 a return (≤ 10),
    # −0.5 an overdue working day (≤ 15)
    ranking = unit_scores(year_of_work.department, 2026, as_of=AS_OF)
    assert ranking.scheme is None
    own, own_score = _points(ranking, "社管办")
    late, late_score = _points(ranking, "计财股")
    office, office_score = _points(ranking, "办公室")
    assert own == {
        Kind.ON_TIME: Decimal(70),
        Kind.EVIDENCE: Decimal(30),
        Kind.RETURNS: Decimal(0),
        Kind.OVERDUE_DAYS: Decimal(0),
    }
    assert late == {
        Kind.ON_TIME: Decimal(0),
        Kind.EVIDENCE: Decimal(0),
        Kind.RETURNS: Decimal(-2),
        Kind.OVERDUE_DAYS: Decimal(-3),  # 6 days × 0.5
    }
    assert office[Kind.OVERDUE_DAYS] == Decimal(-4)  # 8 days × 0.5
    # a total is never below zero
    assert (own_score.total, late_score.total, office_score.total) == (100, 0, 0)


def test_deductions_stop_at_their_cap(year_of_work, office_staff):
    # given a scheme taking 5 a return at most 3, and 2 an overdue day at most 7
    scheme = Scheme.objects.create(department=year_of_work.department, year=2026, scope="units")
    Indicator.objects.create(scheme=scheme, kind=Kind.ON_TIME, points=100, position=0)
    Indicator.objects.create(scheme=scheme, kind=Kind.RETURNS, points=3, per_item=5, position=1)
    Indicator.objects.create(
        scheme=scheme, kind=Kind.OVERDUE_DAYS, points=7, per_item=2, position=2
    )
    late, _score = _points(unit_scores(year_of_work.department, 2026, as_of=AS_OF), "计财股")
    assert late == {Kind.ON_TIME: 0, Kind.RETURNS: Decimal(-3), Kind.OVERDUE_DAYS: Decimal(-7)}


def test_work_not_yet_due_is_not_counted_against_a_unit(world, office_staff):
    # given: nothing done, deadlines on 30 June, seen in May
    ranking = unit_scores(world.department, 2026, as_of=datetime.date(2026, 5, 20))
    # then: nobody is ranked, nobody loses a point
    assert [s.rank for s in ranking.scores] == [None, None, None]
    assert all(s.tally.overdue_days == 0 for s in ranking.scores)


def test_overdue_days_stop_at_the_years_end(world):
    ranking = unit_scores(world.department, 2026, as_of=datetime.date(2027, 3, 1))
    assert ranking.period_end == datetime.date(2026, 12, 31)
    own = next(s for s in ranking.scores if s.name == "社管办").tally
    # The working days of 1 July – 31 December 2026, counted on a calendar by hand:
    #   July       Wed 1 – Fri 31: 23 weekdays                                        23
    #   August     Mon 3 – Mon 31: 21 weekdays                                        21
    #   September  22 weekdays, less Fri 25 (中秋节), plus Sun 20 (国庆节调休上班)       22
    #   October    22 weekdays, less Thu 1, Fri 2, Mon 5 – Wed 7 (国庆节),
    #              plus Sat 10 (调休上班)                                               18
    #   November   Mon 2 – Mon 30: 21 weekdays                                        21
    #   December   Tue 1 – Thu 31: 23 weekdays                                        23
    assert own.overdue_days == 23 + 21 + 22 + 18 + 21 + 23  # 128


def _by_name(ranking):
    """Each unit's (considered, on time, overdue working days, rank)."""
    return {
        s.name: (s.tally.considered, s.tally.on_time, s.tally.overdue_days, s.rank)
        for s in ranking.scores
    }


def test_open_work_counts_against_a_unit_only_once_its_deadline_day_is_over(world):
    # given: nothing done of the three assignments due Tuesday 30 June 2026
    # when: read on the deadline day, the work may still be done in time
    on_the_day = unit_scores(world.department, 2026, as_of=datetime.date(2026, 6, 30))
    # then: nothing counted yet, nobody ranked
    assert _by_name(on_the_day) == {
        "办公室": (0, 0, 0, None),
        "社管办": (0, 0, 0, None),
        "计财股": (0, 0, 0, None),
    }
    # when: read the next day, Wednesday 1 July (a working day)
    day_after = unit_scores(world.department, 2026, as_of=datetime.date(2026, 7, 1))
    # then: each unit's one assignment is counted, not on time, one working day overdue; all
    # three score 0 and share rank 1
    assert _by_name(day_after) == {
        "办公室": (1, 0, 1, 1),
        "社管办": (1, 0, 1, 1),
        "计财股": (1, 0, 1, 1),
    }


def _items(unit, day):
    breakdown = unit_breakdown(unit, 2026, as_of=day)
    return {indicator.kind: items for indicator, _points, items in breakdown.lines}


def test_the_breakdown_lists_open_work_as_missed_only_once_its_deadline_day_is_over(world):
    # given: 社管办's one assignment, open, due Tuesday 30 June 2026
    own = world.own_assignment.get_absolute_url()
    # when: on the deadline day
    items = _items(world.own_unit, datetime.date(2026, 6, 30))
    # then: nothing listed against it
    assert (items[Kind.ON_TIME], items[Kind.OVERDUE_DAYS]) == ([], [])
    # when: the day after
    items = _items(world.own_unit, datetime.date(2026, 7, 1))
    # then: listed for the on-time rate and for its one overdue working day
    assert [i.url for i in items[Kind.ON_TIME]] == [own]
    assert [i.url for i in items[Kind.OVERDUE_DAYS]] == [own]
    assert items[Kind.OVERDUE_DAYS][0].note == "时限2026-06-30，未开始：已逾期1个工作日"


def test_open_work_due_on_31_december_counts_once_the_year_is_over(world):
    # given: 社管办's task (办公室 supports it) due on Thursday 31 December 2026, not done;
    # 计财股's due on 30 June, not done either
    Task.objects.filter(pk=world.own_task.pk).update(due_date=datetime.date(2026, 12, 31))
    # when: read on 31 December, its deadline day
    on_the_day = unit_scores(world.department, 2026, as_of=datetime.date(2026, 12, 31))
    # then: not yet counted; 计财股's is, 128 working days overdue (see above)
    assert _by_name(on_the_day) == {
        "计财股": (1, 0, 128, 1),
        "办公室": (0, 0, 0, None),
        "社管办": (0, 0, 0, None),
    }
    # when: read after the year, whose period ended on that deadline day
    after = unit_scores(world.department, 2026, as_of=datetime.date(2027, 1, 4))
    # then: counted and not on time, but no working day overdue within the year
    assert _by_name(after) == {
        "办公室": (1, 0, 0, 1),
        "社管办": (1, 0, 0, 1),
        "计财股": (1, 0, 128, 1),
    }


def test_the_ranking_shares_ranks_on_equal_totals_and_leaves_idle_units_unranked(
    world, office_staff
):
    # given: a fourth unit with no work at all, and every assignment late and open
    from tests.factories import UnitFactory

    UnitFactory(department=world.department, name="人事股")
    ranking = unit_scores(world.department, 2026, as_of=AS_OF)
    # then: the three units with work share rank 1 (all 0 points), the idle one is last
    assert [(s.name, s.rank) for s in ranking.scores] == [
        ("办公室", 1),
        ("社管办", 1),
        ("计财股", 1),
        ("人事股", None),
    ]


def test_the_ranking_orders_by_total(year_of_work):
    ranking = unit_scores(year_of_work.department, 2026, as_of=AS_OF)
    assert [(s.name, s.rank) for s in ranking.scores][:1] == [("社管办", 1)]
    assert {s.rank for s in ranking.scores[1:]} == {2}


def test_departments_are_scored_on_their_work_and_their_report(
    year_of_work, district, django_assert_max_num_queries
):
    from reporting import services
    from reporting.models import ReportDraft

    office, _staff, _leader = district
    # given: the bureau's report final on 20 January, bureau B's still a draft with findings
    draft = services.create_draft(year_of_work.department, 2026, by=None)
    ReportDraft.objects.filter(pk=draft.pk).update(
        status=ReportDraft.Status.FINAL,
        finalised_at=datetime.datetime(2027, 1, 20, 9, tzinfo=datetime.UTC),
    )
    other = services.create_draft(year_of_work.other_department, 2026, by=None)
    failing = [
        {"rule": "T3-1", "severity": "error", "ok": False, "message": "不平衡"},
        {"rule": "T2-5", "severity": "warning", "ok": False, "message": "不一致"},
        {"rule": "T3-6", "severity": "info", "ok": False, "message": "提示"},
        {"rule": "T3-2", "severity": "error", "ok": True, "message": "通过"},
    ]
    ReportDraft.objects.filter(pk=other.pk).update(checks=failing)
    ids = [year_of_work.department.pk, year_of_work.other_department.pk]
    # when: a handful of queries whatever the number of departments
    with django_assert_max_num_queries(8):
        ranking = department_scores(office, ids, 2026, as_of=AS_OF)
    # then
    bureau, bureau_score = _points(ranking, year_of_work.department.name)
    other_points, _ = _points(ranking, year_of_work.other_department.name)
    assert bureau_score.tally.considered == 3
    assert bureau_score.tally.on_time == 1
    assert bureau[Kind.REPORT_FINAL] == 30  # not yet due on 10 July 2026: full points till then
    assert bureau[Kind.ON_TIME] == Decimal("16.67")  # 1 of 3 × 50
    assert bureau[Kind.RETURNS] == -2
    assert bureau[Kind.OVERDUE_DAYS] == Decimal(-7)  # (6 + 8) × 0.5
    assert other_points[Kind.REPORT_FINAL] == 30
    assert other_points[Kind.FINDINGS] == -2  # the error and the warning, not the info


def test_a_report_final_after_31_january_scores_nothing(world, district):
    from reporting import services
    from reporting.models import ReportDraft

    office, _staff, _leader = district
    draft = services.create_draft(world.department, 2026, by=None)
    ReportDraft.objects.filter(pk=draft.pk).update(
        status=ReportDraft.Status.FINAL,
        # 1 February 00:30 in Beijing is still 31 January in UTC: the local date counts
        finalised_at=datetime.datetime(2027, 1, 31, 16, 30, tzinfo=datetime.UTC),
    )
    ranking = department_scores(office, [world.department.pk], 2026, as_of=AS_OF)
    assert ranking.scores[0].tally.report_final is False


@pytest.mark.parametrize("n_units", [3, 12])
def test_unit_scores_take_the_same_queries_for_any_number_of_units(
    world, n_units, django_assert_num_queries
):
    from tests.factories import UnitFactory

    for i in range(n_units):
        UnitFactory(department=world.department, name=f"学校{i}")
    # the calendar, the assignments with their dates and returns, the units, the scheme
    with django_assert_num_queries(4):
        unit_scores(world.department, 2026, as_of=AS_OF)


def test_a_compiling_government_office_is_judged_by_31_march_like_the_roll_up_page(world, district):
    from reporting import rollup, services
    from reporting.models import ReportDraft
    from tests.factories import DepartmentFactory

    # given: a city office over the district office, whose report (compiled from its
    # departments') is final on 20 March, and the bureau's, final on 15 February
    office, _staff, _leader = district
    city = DepartmentFactory(name="市人民政府办公室")
    office.parent = city
    office.save(update_fields=["parent"])
    for department, final in ((office, (3, 20)), (world.department, (2, 15))):
        draft = services.create_draft(department, 2026, by=None, deadline_task=False)
        ReportDraft.objects.filter(pk=draft.pk).update(
            status=ReportDraft.Status.FINAL,
            finalised_at=datetime.datetime(2027, *final, 9, tzinfo=datetime.UTC),
        )
    # when: the city scores both on 1 March and on 1 April
    ids = [office.pk, world.department.pk]
    early = department_scores(city, ids, 2026, as_of=datetime.date(2027, 3, 1))
    late = department_scores(city, ids, 2026, as_of=datetime.date(2027, 4, 1))
    # then: the office is due 31 March (《条例》第四十九条第二款), the bureau 31 January
    compiled, bureau = (_points(early, d.name)[1].tally for d in (office, world.department))
    assert (compiled.report_due, compiled.report_deadline) == (False, datetime.date(2027, 3, 31))
    assert (bureau.report_due, bureau.report_final) == (True, False)
    assert _points(late, office.name)[1].tally.report_final is True
    standings = rollup.standings(city, 2026, datetime.date(2027, 3, 1))
    assert {s.department.pk: s.deadline for s in standings if s.direct} == {
        office.pk: compiled.report_deadline
    }


def test_a_unit_standing_for_a_department_below_is_not_ranked_among_the_sections(
    world, district, client
):
    # given: the district office's plan gives one task to its 秘书科 and to 区教育局, the unit
    # standing for the bureau below it (its work cascades there, and is the bureau's to score)
    from django.urls import reverse

    from org.models import Unit
    from org.services import representative_of
    from tests.factories import PlanFactory, make_task

    office, staff, _leader = district
    secretariat = Unit.objects.get(department=office, name="秘书科")
    bureau = representative_of(world.department, short_name="区教育局")
    plan = PlanFactory(department=office)
    make_task(plan, lead=[secretariat, bureau], by=staff)
    # when: the district office ranks its units after the deadline of 30 June
    ranking = unit_scores(office, 2026, as_of=AS_OF)
    # then: only 秘书科 is listed, its one open assignment counted (eight working days late,
    # 1 – 10 July, as above)
    assert _by_name(ranking) == {"秘书科": (1, 0, 8, 1)}
    # and 区教育局 has no breakdown of its own as a unit
    client.force_login(staff)
    url = reverse("assessment:unit_breakdown", args=[bureau.pk])
    assert client.get(url, {"year": 2026}).status_code == 404
