"""Each consistency rule of the spec (§5) with a passing and a failing case. Pure functions:
no database."""

from decimal import Decimal

import pytest

from reporting import checks
from reporting.formats import FORMAT_2019, FORMAT_2021, FORMATS

D = Decimal
THREE = FORMATS[FORMAT_2021].table(3)
COLUMNS = [(c.key, c.label) for c in THREE.blocks[0].columns]
ROWS = [(r.key, r.label) for r in THREE.blocks[0].rows]
APPLICANTS = [key for key, _label in COLUMNS if key != "total"]
OUTCOMES = [r for r, _label in ROWS if r not in ("new", "carried_over", "total", "carry_forward")]


def balanced_three() -> dict:
    """A consistent table 三: 5 new + 1 carried = 4 handled + 2 carried forward (natural
    persons), 1 new business request disclosed."""
    cells = {(r, c): D(0) for r, _ in ROWS for c, _ in COLUMNS}
    for (row, column), n in {
        ("new", "natural_person"): 5,
        ("carried_over", "natural_person"): 1,
        ("disclosed", "natural_person"): 3,
        ("withheld_process", "natural_person"): 1,
        ("carry_forward", "natural_person"): 2,
        ("new", "business"): 1,
        ("disclosed", "business"): 1,
    }.items():
        cells[(row, column)] = D(n)
    for row, _ in ROWS:
        cells[(row, "total")] = sum((cells[(row, a)] for a in APPLICANTS), D(0))
    for column, _ in COLUMNS:
        cells[("total", column)] = sum((cells[(o, column)] for o in OUTCOMES), D(0))
    return cells


def test_t3_1_passes_when_new_and_carried_equal_handled_and_carried_forward():
    assert checks.t3_balance(balanced_three(), COLUMNS).ok


def test_t3_1_fails_in_the_column_that_does_not_balance():
    cells = balanced_three()
    cells[("carry_forward", "natural_person")] = D(1)
    finding = checks.t3_balance(cells, COLUMNS)
    assert not finding.ok
    assert finding.severity == "error"
    assert finding.cells == (("total", "natural_person"),)
    assert "6 ≠ 5" in finding.message


def test_t3_2_passes_when_the_total_column_adds_up():
    assert checks.t3_total_column(balanced_three(), ROWS, APPLICANTS).ok


def test_t3_2_fails_on_the_row_whose_total_is_not_the_sum():
    cells = balanced_three()
    cells[("new", "total")] = D(7)
    finding = checks.t3_total_column(cells, ROWS, APPLICANTS)
    assert not finding.ok
    assert finding.cells == (("new", "total"),)


def test_t3_3_passes_when_the_total_row_is_the_sum_of_the_outcomes():
    assert checks.t3_total_row(balanced_three(), OUTCOMES, COLUMNS).ok


def test_t3_3_fails_when_an_outcome_is_left_out_of_the_total():
    cells = balanced_three()
    cells[("other", "business")] = D(1)
    finding = checks.t3_total_row(cells, OUTCOMES, COLUMNS)
    assert not finding.ok
    assert ("total", "business") in finding.cells


def test_t3_4_passes_on_whole_numbers_and_fails_on_fractions_or_negatives():
    assert checks.t3_whole_numbers(balanced_three()).ok
    cells = balanced_three()
    cells[("disclosed", "research")] = D("1.5")
    cells[("new", "research")] = D(-1)
    finding = checks.t3_whole_numbers(cells)
    assert not finding.ok
    assert set(finding.cells) == {("disclosed", "research"), ("new", "research")}


def test_t3_5_compares_carried_over_with_last_years_carried_forward():
    this_year = balanced_three()
    last_year = {("carry_forward", "natural_person"): D(1), ("carry_forward", "total"): D(1)}
    assert checks.t3_carried_over(this_year, last_year, COLUMNS).ok
    last_year[("carry_forward", "natural_person")] = D(3)
    finding = checks.t3_carried_over(this_year, last_year, COLUMNS)
    assert not finding.ok
    assert finding.severity == "warning"
    assert finding.cells == (("carried_over", "natural_person"),)
    assert checks.t3_carried_over(this_year, None, COLUMNS).ok  # nothing to compare


def test_t3_6_numbers_in_the_overview_must_match_table_three():
    cells = balanced_three()
    good = "2026年，本机关新收政府信息公开申请6件，上年结转1件，办结5件。"
    assert checks.t3_narrative(good, cells).ok
    finding = checks.t3_narrative("全年收到政府信息公开申请9件，办结5件。", cells)
    assert not finding.ok
    assert finding.cells == (("new", "total"),)


def test_t3_6_reads_received_as_new_or_as_the_years_whole_load():
    cells = balanced_three()  # 6 new, 1 carried over from last year
    # 平潭2022: 「收到…申请75件，涉及自然人72件」 for 74 new and 1 carried over
    assert checks.t3_narrative("全年收到政府信息公开申请7件，涉及自然人6件。", cells).ok
    assert checks.t3_narrative("全年收到政府信息公开申请6件。", cells).ok
    # 「新收」 says which: only the new requests
    assert not checks.t3_narrative("全年新收政府信息公开申请7件。", cells).ok


def test_t3_7_flags_many_other_handling_outcomes():
    cells = balanced_three()
    assert checks.t3_other_handling(cells, ["other"]).ok
    cells[("other", "total")] = D(3)
    cells[("total", "total")] = D(8)
    finding = checks.t3_other_handling(cells, ["other"])
    assert not finding.ok
    assert finding.severity == "info"


KINDS = checks.REVIEW_KINDS
RESULTS = ["upheld", "corrected", "other", "pending"]


def test_t4_1_passes_when_each_total_is_the_sum_of_its_results():
    cells = {("cases", "review.upheld"): D(1), ("cases", "review.pending"): D(1)}
    cells[("cases", "review.total")] = D(2)
    assert checks.t4_totals(cells, KINDS, RESULTS).ok


def test_t4_1_fails_on_the_block_whose_total_is_wrong():
    cells = {
        ("cases", "litigation_direct.upheld"): D(2),
        ("cases", "litigation_direct.total"): D(1),
    }
    finding = checks.t4_totals(cells, KINDS, RESULTS)
    assert not finding.ok
    assert finding.severity == "error"
    assert finding.cells == (("cases", "litigation_direct.total"),)


def test_t2_1_documents_in_force_follow_from_last_year():
    rows = [("regulations", "规章"), ("normative", "行政规范性文件")]
    last_year = {("normative", "in_force"): D(40)}
    this_year = {
        ("normative", "issued"): D(5),
        ("normative", "repealed"): D(2),
        ("normative", "in_force"): D(43),
    }
    assert checks.t2_in_force(this_year, last_year, rows).ok
    this_year[("normative", "in_force")] = D(30)  # after a clean-up: only a warning
    finding = checks.t2_in_force(this_year, last_year, rows)
    assert not finding.ok
    assert finding.severity == "warning"


def test_t2_2_a_district_department_reports_no_regulations():
    columns = ["issued", "repealed", "in_force"]
    assert checks.t2_no_regulations({("regulations", "issued"): D(0)}, columns).ok
    finding = checks.t2_no_regulations({("regulations", "in_force"): D(1)}, columns)
    assert not finding.ok
    assert finding.cells == (("regulations", "in_force"),)


def test_g_1_warns_when_the_overview_runs_far_beyond_a_thousand_characters():
    assert checks.overview_length("主动公开" * 250).ok  # 1,000 characters
    finding = checks.overview_length("主动公开" * 400)
    assert not finding.ok
    assert finding.severity == "warning"


def test_g_2_warns_when_part_five_repeats_last_years():
    text = "一是公开内容不够全面。二是政策解读形式单一。下一步，我局将加强培训。"
    assert not checks.not_repeated(text, text.replace("我局", "本局")).ok
    assert checks.not_repeated(text, "一是依申请公开答复不够规范。二是平台栏目更新滞后。").ok
    assert checks.not_repeated(text, None).ok


@pytest.mark.parametrize("code", [FORMAT_2019, FORMAT_2021])
def test_all_rules_run_on_an_empty_report_without_errors(code):
    findings = checks.run_all(FORMATS[code], checks.Report({}, {}), None)
    assert {f.rule for f in findings} >= {"T3-1", "T3-2", "T3-3", "T3-4", "T4-1", "G-2"}
    assert ("G-1" in {f.rule for f in findings}) == (code == FORMAT_2021)
    assert not [f for f in findings if f.blocks_final]
    assert ("T2-1" in {f.rule for f in findings}) == (code == FORMAT_2021)


def test_t3_6_ignores_other_things_closed_in_the_overview():
    text = "全年热线及信箱留言办结45件。本机关新收政府信息公开申请6件，办结5件。"
    assert checks.t3_narrative(text, balanced_three()).ok
