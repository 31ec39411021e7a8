"""The checks on the values themselves and on the prose (issue 19, item 6): counts whole and not
negative, money not negative, 现行有效 after 制发, figures quoted in part 一, placeholders; and
hand entry refusing what the checks would flag."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from reporting import checks, queries, services
from reporting.formats import FORMAT_2019, FORMAT_2021, FORMATS

D = Decimal


@pytest.fixture(autouse=True)
def english():
    """Messages compared in English, whatever language an earlier request left active."""
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("code", "cell", "value", "ok"),
    [
        (FORMAT_2021, ("new", "total"), D(3), True),
        (FORMAT_2021, ("new", "total"), D(-1), False),
        (FORMAT_2021, ("new", "total"), D("1.5"), False),
        (FORMAT_2021, ("fees", "amount"), D("9116.36"), True),  # 万元, with decimals
        (FORMAT_2021, ("fees", "amount"), D("-0.5"), False),
        (FORMAT_2019, ("punishment", "change"), D(-3), True),  # 本年增/减 may fall
        (FORMAT_2019, ("punishment", "change"), D("-0.5"), False),
        (FORMAT_2019, ("punishment", "decisions"), D(-3), False),
    ],
)
def test_a_cell_holds_whole_non_negative_counts_and_non_negative_money(code, cell, value, ok):
    assert (checks.cell_value_error(code, cell, value) is None) == ok


def test_t2_3_and_t4_3_flag_bad_values_already_in_the_data():
    assert checks.cell_values("T2-3", FORMAT_2021, 2, {("normative", "issued"): D(2)}).ok
    finding = checks.cell_values("T4-3", FORMAT_2021, 4, {("cases", "review.upheld"): D(-1)})
    assert not finding.ok
    assert finding.blocks_final
    assert finding.cells == (("cases", "review.upheld"),)


def test_t2_4_documents_issued_but_none_in_force_needs_a_note():
    values = {("normative", "issued"): D(5), ("normative", "in_force"): D(0)}
    finding = checks.in_force_after_issuing(values, {}, ["regulations", "normative"])
    assert not finding.ok
    assert finding.blocks_final
    assert finding.cells == (("normative", "in_force"),)
    note = {("normative", "in_force"): "本年制发的5件已于年底随清理全部废止"}
    assert checks.in_force_after_issuing(values, note, ["normative"]).ok
    values[("normative", "in_force")] = D(40)
    assert checks.in_force_after_issuing(values, {}, ["normative"]).ok


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "本年度制发规范性文件62件，废止3件，现行有效规范性文件共440件。",
            ["制发", "废止", "现行有效"],
        ),
        (
            "集中公开现行有效行政规范性文件698件，动态更新本年度制发的规范性文件88件。",
            ["制发", "现行有效"],
        ),
        (
            # seed 004's wording
            "2024年，废止规范性文件20件，制定印发行政规范性文件11件，现行有效规范性文件184件。",
            ["废止", "制发", "现行有效"],
        ),
        ("全年新收政府信息公开申请200件，办结政府信息公开申请198件。", ["新收", "办结"]),
        (
            "本年共收到申请75件，上年结转1件，结转下年度继续办理2个。",
            ["新收", "上年结转", "结转下年"],
        ),
        ("共有行政诉讼案件1件、行政复议案件2件，均已结案。", ["行政复议", "行政诉讼"]),
        ("全年热线留言办结45件。", []),
    ],
)
def test_the_usual_wordings_of_quoted_figures_are_found(text, names):
    assert sorted(q.name for q, _n in checks.quoted_figures(text)) == sorted(names)


def test_figures_quoted_in_part_one_must_equal_their_cells():
    two = {("normative", "issued"): D(62), ("normative", "repealed"): D(3)}
    two[("normative", "in_force")] = D(440)
    text = "本年度制发规范性文件62件，废止3件，现行有效规范性文件共440件。"
    assert checks.narrative("T2-5", 2, text, two).ok
    finding = checks.narrative("T2-5", 2, text.replace("62件", "61件"), two)
    assert not finding.ok
    assert finding.cells == (("normative", "issued"),)
    assert "61 ≠ 62" in finding.message


def test_litigation_quoted_in_part_one_is_both_kinds_of_suit_together():
    four = {
        ("cases", "review.total"): D(2),
        ("cases", "litigation_direct.total"): D(1),
        ("cases", "litigation_after_review.total"): D(1),
    }
    assert checks.narrative("T4-4", 4, "行政复议2件，行政诉讼2件。", four).ok
    finding = checks.narrative("T4-4", 4, "行政复议3件，行政诉讼2件。", four)
    assert not finding.ok
    assert "3 ≠ 2" in finding.message


def test_g_3_a_placeholder_in_any_part_blocks_final():
    assert checks.placeholders({1: "本机关做好公开工作（请见附件）。", 5: "一是……"}).ok
    finding = checks.placeholders({1: "（一）主动公开\n（待补充）", 6: "收费××万元【请填写】"})
    assert not finding.ok
    assert finding.blocks_final
    assert "（待补充）" in finding.message
    assert "××" in finding.message
    assert "【请填写】" in finding.message


def test_all_new_rules_run_with_the_others():
    findings = checks.run_all(FORMATS[FORMAT_2021], checks.Report({}, {}), None)
    assert {"T2-3", "T2-4", "T2-5", "T4-3", "T4-4", "G-3"} <= {f.rule for f in findings}


# --- Through the draft ----


YEAR = 2025


def _draft(world, office_staff):
    return services.generate(
        services.create_draft(world.department, YEAR, by=office_staff), by=None
    )


@pytest.mark.parametrize(
    ("cell", "value", "message"),
    [
        (("new", "natural_person"), D(-2), "negative"),
        (("new", "natural_person"), D("1.5"), "whole"),
    ],
)
def test_a_bad_count_entered_by_hand_is_refused_and_nothing_saved(
    world, office_staff, cell, value, message
):
    draft = _draft(world, office_staff)
    with pytest.raises(ValidationError, match=message):
        services.set_cell(draft, table=3, row=cell[0], column=cell[1], value=value, by=office_staff)
    assert not draft.manual_cells.exists()


def test_a_note_on_the_in_force_cell_lets_the_draft_pass_t2_4(world, office_staff):
    draft = _draft(world, office_staff)
    services.set_cell(draft, table=2, row="normative", column="issued", value=D(3), by=office_staff)
    draft.refresh_from_db()
    assert not next(f for f in queries.findings(draft) if f.rule == "T2-4").ok
    services.set_cell(
        draft,
        table=2,
        row="normative",
        column="in_force",
        value=D(0),
        note="本年制发的3件均于年内废止",
        by=office_staff,
    )
    draft.refresh_from_db()
    assert next(f for f in queries.findings(draft) if f.rule == "T2-4").ok


def test_a_placeholder_blocks_marking_the_draft_final_with_a_clear_message(world, office_staff):
    draft = _draft(world, office_staff)
    services.edit_section(draft.sections.get(number=5), text="一是（待补充）。", by=office_staff)
    with pytest.raises(ValidationError) as raised:
        services.mark_final(draft, by=office_staff)
    assert any("G-3" in m and "（待补充）" in m for m in raised.value.messages)
    draft.refresh_from_db()
    assert draft.status == "draft"
