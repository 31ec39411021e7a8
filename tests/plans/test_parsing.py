"""The plan parser: the seed plan read exactly, the pieces on their own, and the corpus of plans
in other layouts (tests/plans/corpus), each against its expected result."""

import datetime
from pathlib import Path

import pytest

from plans.document import Document, Paragraph, Table
from plans.parsing import (
    RESPONSE_DAYS,
    chinese_numeral,
    dates_in,
    deadline_of,
    heading_label,
    heading_of,
    normalise,
    read_facts,
)
from plans.readers import read_document
from plans.reading import parse_document, parse_text
from plans.responsibility import find_markers, parse_marker_body, split_units

from .corpus import CORPUS, SOURCE_SUFFIXES, expected, plan_names, write_source

SEED = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "reference"
    / "seeds"
    / "001_72e004eb4b2b80e7.txt"
)
D = datetime.date


@pytest.fixture(scope="module")
def seed() -> dict:
    if not SEED.exists():
        pytest.skip(f"the seed plan is not on this machine ({SEED})")
    return parse_text(SEED.read_text(encoding="utf-8")).as_json()


# --- The seed plan ----------------------------------------------------------------------------

WORK = "二、工作任务及责任分工"
ITEM_1 = (WORK, "(一)着力加强公开解读回应工作", "1.围绕建设法治政府全面推进政务公开")
ITEM_2 = (WORK, "(一)着力加强公开解读回应工作", "2.围绕重点领域加大主动公开力度")
ITEM_3 = (WORK, "(一)着力加强公开解读回应工作", "3.围绕重要工作加强政策解读")
SERVICE = (WORK, "(二)着力提升政务服务工作实效")
PLATFORM = (WORK, "(三)着力推进政务公开平台建设")
RULES = (WORK, "(四)着力推进政务公开制度化规范化")
SEED_TASKS = [  # (path, units as written with the lead first)
    (ITEM_1, ["各科室"]),
    (ITEM_1, ["办公室", "社管办", "人事股"]),
    (ITEM_1, ["各承办科室"]),
    (ITEM_1, ["办公室", "执法检查股", "社管办"]),
    (ITEM_2, ["计财股"]),
    (ITEM_2, ["办公室", "教育股", "人事股", "督导室", "各区属学校"]),
    (ITEM_3, ["办公室", "各股室"]),
    (SERVICE, ["办公室", "社管办", "人事股"]),
    (SERVICE, ["办公室", "各承办股室"]),
    (SERVICE, ["办公室", "社管办", "人事股"]),
    (PLATFORM, ["办公室", "各承办股室"]),
    (RULES, ["办公室", "教育股"]),
    (("三、工作要求", "(二)及时总结提升"), ["各单位(学校)", "各股室"]),
]


def test_seed_plan_facts_are_read_from_the_cover_letter(seed):
    assert seed["plan"] == {
        "title": "泉州市丰泽区教育局2018年政务公开工作实施方案",
        "number": "泉丰教〔2018〕137号",
        "issuer": "泉州市丰泽区教育局办公室",
        "issued_on": "2018-07-24",
        "year": 2018,
        "upstream": ["泉丰政办综〔2018〕89号"],
    }


def test_seed_plan_has_twelve_tasks_and_the_milestone_under_their_headings(seed):
    assert [(tuple(t["path"]), t["units"]) for t in seed["tasks"]] == SEED_TASKS


def test_seed_tasks_lead_with_the_first_unit_of_their_marker(seed):
    assert [t["lead"] for t in seed["tasks"]] == [units[0] for _, units in SEED_TASKS]


def test_seed_tasks_under_item_one_are_four_two_and_one(seed):
    paths = [tuple(t["path"]) for t in seed["tasks"]]

    assert [paths.count(item) for item in (ITEM_1, ITEM_2, ITEM_3, SERVICE, PLATFORM, RULES)] == [
        4,
        2,
        1,
        3,
        1,
        1,
    ]


def test_seed_response_times_are_kept_on_the_two_service_tasks_that_name_them(seed):
    assert [t["response_days"] for t in seed["tasks"]] == [[]] * 8 + [[2, 10], [1]] + [[]] * 3


def test_seed_milestone_binds_every_unit_on_eleven_november(seed):
    milestone = seed["tasks"][12]

    assert milestone["milestone"] is True
    assert milestone["deadline"] == "2018-11-11"
    assert milestone["text"] == (
        "各单位(学校)、各股室要加强对各自承担的重点任务公开情况自查自纠,确保各项工作落到实处,"
        "并于11月11日前将全年工作情况报送局办公室。"
    )
    assert [t["milestone"] for t in seed["tasks"][:12]] == [False] * 12


def test_seed_tasks_without_a_date_fall_due_at_the_year_end(seed):
    tasks = seed["tasks"][:12]

    assert {t["deadline"] for t in tasks} == {"2018-12-31"}
    assert {(t["recurrence"], t["ongoing"]) for t in tasks} == {(None, False)}


def test_seed_task_text_is_the_sentences_before_its_marker(seed):
    texts = [t["text"] for t in seed["tasks"]]

    assert texts[1] == (
        "权责清单纳入主动公开基本目录,继续做好权责清单调整和公开工作,方便群众查询和监督。"
    )
    assert texts[4] == (
        "根据有关部门工作部署,深入推进财政预决算、工程建设项目招投标信息、"
        "重大教育建设项目招投标信息、政府采购信息公开。"
    )
    assert texts[8].startswith("建立完善来电咨询的受理、转办和反馈机制")
    assert texts[8].endswith("确保100%及时回复。")
    assert texts[10] == (
        "充分发挥新媒体平台作用,做好微博、微信公众号管理与服务工作,按照“谁开设、谁管理”原则,"
        "落实主体责任,严格内容审查把关,加强日常监管和维护。"
    )


@pytest.mark.parametrize(
    "boilerplate",
    [
        "抄送",
        "附件下载",
        "扫一扫",
        "相关解读",
        "印发给你们",
        "此件",
        "索引号",
        "责任科室",
        "总体要求",
    ],
)
def test_seed_task_texts_hold_no_boilerplate_or_markers(seed, boilerplate):
    assert not [t["text"] for t in seed["tasks"] if boilerplate in t["text"]]


def test_seed_warns_about_year_end_deadlines_and_units_the_office_chooses(seed):
    plan = parse_text(SEED.read_text(encoding="utf-8"))

    assert [(w.task, w.code) for w in plan.warnings if w.code != "no_deadline"] == [
        (2, "to_be_chosen"),
        (8, "to_be_chosen"),
        (10, "to_be_chosen"),
    ]
    assert [w.task for w in plan.warnings if w.code == "no_deadline"] == list(range(12))


# --- normalise --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("（责任科室：办公室、社管办）", "(责任科室:办公室、社管办)"),
        ("　　一、 总体要求 ", "一、总体要求"),
        ("\xa0(一) 着力加强", "(一)着力加强"),
        ("应在完成审批程序后1 个工作日内公开", "应在完成审批程序后1个工作日内公开"),
        ("于 12 月 10 日前报送", "于12月10日前报送"),
        ("确保 100%及时回复", "确保100%及时回复"),
        ("办 公 室 ， 人 事 股", "办公室,人事股"),
        ("部门预算；决算．", "部门预算;决算."),
        ("ICP 备案 no 12", "ICP备案no 12"),
    ],
)
def test_normalise_makes_punctuation_half_width_and_drops_spaces_around_chinese(raw, clean):
    assert normalise(raw) == clean


# --- heading_of -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("一、总体要求和目标", (1, "一、", "总体要求和目标")),
        ("十二、其他事项", (1, "十二、", "其他事项")),
        ("(一)着力加强公开解读回应工作", (2, "(一)", "着力加强公开解读回应工作")),
        ("1.围绕重点领域加大主动公开力度。根据…", (3, "1.", "围绕重点领域加大主动公开力度。根据…")),
        ("2、教育资助信息", (3, "2、", "教育资助信息")),
        ("(1)公开部门预算", (4, "(1)", "公开部门预算")),
        ("(12)公开决算", (4, "(12)", "公开决算")),
    ],
)
def test_heading_of_names_the_rank_label_and_rest_of_a_numbered_line(line, heading):
    assert heading_of(line) == heading


@pytest.mark.parametrize(
    "line",
    ["1.5亿元用于学生资助", "2018年7月24日", "一是加强解读", "各股室:", "(责任科室:办公室)", ""],
)
def test_heading_of_ignores_lines_that_only_look_numbered(line):
    assert heading_of(line) is None


# --- units and markers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("names", "units"),
    [
        ("办公室、社管办,人事股和计财股", ["办公室", "社管办", "人事股", "计财股"]),
        ("办公室;教育股/督导室 执法检查股", ["办公室", "教育股", "督导室", "执法检查股"]),
        ("办公室、教育股、办公室。", ["办公室", "教育股"]),
        ("计财股及各区属学校", ["计财股", "各区属学校"]),
        ("各单位(学校)", ["各单位(学校)"]),
        ("", []),
    ],
)
def test_split_units_keeps_names_as_written_in_order_once(names, units):
    assert split_units(names) == units


@pytest.mark.parametrize(
    ("body", "units", "lead"),
    [
        ("牵头单位:办公室;配合单位:人事股、计财股", ["办公室", "人事股", "计财股"], "办公室"),
        ("配合单位:人事股;牵头单位:办公室", ["办公室", "人事股"], "办公室"),
        ("人事股牵头,办公室配合", ["人事股", "办公室"], "人事股"),
        ("责任股室:人事股牵头,办公室配合", ["人事股", "办公室"], "人事股"),
        ("责任科室:办公室、社管办、人事股", ["办公室", "社管办", "人事股"], "办公室"),
        ("牵头处室:政策法规处;配合处室:各处室", ["政策法规处", "各处室"], "政策法规处"),
        ("牵头单位:督导室配合单位:办公室", ["督导室", "办公室"], "督导室"),
        ("基础教育股牵头", ["基础教育股"], "基础教育股"),
        ("责任单位:", [], None),
    ],
)
def test_parse_marker_body_puts_the_lead_first(body, units, lead):
    assert parse_marker_body(body) == (units, lead)


@pytest.mark.parametrize(
    "written",
    [
        "加强监管(责任科室:办公室、社管办)。",
        "加强监管（责任科室：办公室、社管办）。",
        "加强监管(责任科室：办公室、社管办）。",
        "加强监管（ 责任科室 ： 办公室 、 社管办 ）。",
    ],
)
def test_find_markers_reads_full_and_half_width_brackets_and_colons(written):
    line = normalise(written)

    [marker] = find_markers(line)

    assert (marker.units, marker.lead) == (["办公室", "社管办"], "办公室")
    assert line[: marker.start] == "加强监管"
    assert line[marker.end :] == "。"


def test_find_markers_finds_every_marker_of_a_paragraph_in_order():
    line = (
        "公开清单(责任科室:办公室、社管办)。公开复文(责任科室:各承办科室)。"
        "加强解读(责任科室:各科室)"
    )

    markers = find_markers(line)

    assert [m.units for m in markers] == [["办公室", "社管办"], ["各承办科室"], ["各科室"]]
    assert [line[m.start : m.end] for m in markers][1] == "(责任科室:各承办科室)"


def test_find_markers_reads_an_unbracketed_marker_to_the_end_of_its_sentence():
    line = "牵头单位:办公室配合单位:规划建设股、计财股"

    [marker] = find_markers(line)

    assert (marker.start, marker.end) == (0, len(line))
    assert (marker.units, marker.lead) == (["办公室", "规划建设股", "计财股"], "办公室")


def test_find_markers_reads_a_lead_phrase_in_brackets_without_a_marker_word():
    [marker] = find_markers("按季度发布回应清单(督导室牵头,办公室、安全股配合)。")

    assert (marker.units, marker.lead) == (["督导室", "办公室", "安全股"], "督导室")


def test_find_markers_takes_a_deadline_inside_the_marker_as_its_time_not_a_unit():
    [marker] = find_markers("同步解读(责任单位:办公室,基础教育科;完成时限:2024年11月30日前)")

    assert marker.units == ["办公室", "基础教育科"]
    assert marker.when == "2024年11月30日前"


def test_find_markers_keeps_a_bracket_inside_a_unit_name():
    line = "报送总结(责任单位:各单位(学校)、办公室)。"

    [marker] = find_markers(line)

    assert marker.units == ["各单位(学校)", "办公室"]
    assert line[marker.end :] == "。"


@pytest.mark.parametrize(
    "line",
    [
        "建立联席会议制度(由办公室牵头组织)。",
        "公开2018年(含)以来的文件。",
        "按照“谁起草、谁解读”原则。",
    ],
)
def test_find_markers_ignores_brackets_that_name_no_responsibility(line):
    assert find_markers(line) == []


# --- dates and deadlines ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("并于11月11日前将全年工作情况报送局办公室", [D(2018, 11, 11)]),
        ("6月底前建立反馈制度", [D(2018, 6, 30)]),
        ("2月底前完成", [D(2018, 2, 28)]),
        ("上半年编制并公布目录", [D(2018, 6, 30)]),
        ("下半年完成资助名单公开", [D(2018, 12, 31)]),
        ("年底前集中公开督查结果", [D(2018, 12, 31)]),
        ("第三季度完成办理流程修订", [D(2018, 9, 30)]),
        ("第二季度前公布办理流程", [D(2018, 6, 30)]),
        ("一季度末前完成", [D(2018, 3, 31)]),
        ("于2024年12月31日前完成", [D(2024, 12, 31)]),
        ("5月底前公布政策,11月30日前公布结果", [D(2018, 5, 31), D(2018, 11, 30)]),
        ("在2个工作日内对咨询问题进行处理", []),
        ("应在1个工作日内公开变更后的信息", []),
        ("年底要向社会公布", []),
        ("全年工作情况", []),
        ("2月30日前完成", []),
    ],
)
def test_dates_in_reads_the_due_dates_a_sentence_names(text, dates):
    assert dates_in(text, 2018) == dates


def test_dates_in_needs_the_plan_year_for_dates_without_one():
    assert dates_in("6月底前完成,2019年3月1日前验收", None) == [D(2019, 3, 1)]


@pytest.mark.parametrize(
    ("text", "recurrence", "ongoing"),
    [
        ("每月发布工作动态", "monthly", False),
        ("在招生季按月发布招生结果", "monthly", False),
        ("每季度公开一次教育收费项目", "quarterly", False),
        ("按季度梳理回应清单", "quarterly", False),
        ("每半年更新一次学校基本情况", "half-yearly", False),
        ("每年按规定公示评审结果", "yearly", False),
        ("长期坚持", None, True),
        ("持续推进专栏规范化建设", None, True),
        ("每月更新,持续推进", "monthly", False),
        ("做好信息公开工作", None, False),
    ],
)
def test_deadline_of_reads_recurring_and_ongoing_work(text, recurrence, ongoing):
    deadline = deadline_of(text, 2018)

    assert (deadline.date, deadline.recurrence, deadline.ongoing) == (None, recurrence, ongoing)


def test_deadline_of_takes_the_latest_of_several_dates():
    deadline = deadline_of("5月底前公布政策,11月30日前公布录取结果", 2024)

    assert deadline.date == D(2024, 11, 30)
    assert deadline.found == [D(2024, 5, 31), D(2024, 11, 30)]


def test_working_days_are_response_times_not_dates():
    text = "在2个工作日内对咨询问题、10个工作日内对投诉问题进行处理"

    assert deadline_of(text, 2018).date is None
    assert [int(n) for n in RESPONSE_DAYS.findall(text)] == [2, 10]


# --- document facts ---------------------------------------------------------------------------


def test_read_facts_takes_the_title_from_a_notice_broken_over_two_lines():
    facts = read_facts(
        [
            "泉丰教〔2018〕137号",
            "关于印发《泉州市丰泽区教育局2018年",
            "政务公开工作实施方案》的通知",
            "泉州市丰泽区教育局办公室",
            "2018年7月24日",
            "根据《区政府关于印发分解表的通知》(泉丰政办综〔2018〕89号),结合实际,制定本方案。",
        ]
    )

    assert facts.title == "泉州市丰泽区教育局2018年政务公开工作实施方案"
    assert facts.number == "泉丰教〔2018〕137号"
    assert (facts.issuer, facts.issued_on) == ("泉州市丰泽区教育局办公室", D(2018, 7, 24))
    assert facts.year == 2018
    assert facts.upstream == ["泉丰政办综〔2018〕89号"]


def test_read_facts_takes_a_standalone_title_and_the_issuer_field_of_a_web_page():
    facts = read_facts(["发布机构:松溪县教育局", "松溪县教育局2021年政务公开工作计划", "一、任务"])

    assert facts.title == "松溪县教育局2021年政务公开工作计划"
    assert (facts.issuer, facts.issued_on, facts.year) == ("松溪县教育局", None, 2021)
    assert (facts.number, facts.upstream) == ("", [])


def test_read_facts_counts_a_number_after_a_cited_title_as_upstream():
    facts = read_facts(
        ["云教〔2024〕21号", "按照《市政府办公室关于做好政务公开工作的通知》云政办〔2024〕5号要求"]
    )

    assert facts.number == "云教〔2024〕21号"
    assert facts.upstream == ["云政办〔2024〕5号"]


def test_read_facts_falls_back_to_the_issue_year_when_the_title_has_none():
    facts = read_facts(["某区教育局政务公开工作方案", "某区教育局", "2019年3月5日"])

    assert (facts.title, facts.year, facts.issued_on) == (
        "某区教育局政务公开工作方案",
        2019,
        D(2019, 3, 5),
    )


# --- the body ---------------------------------------------------------------------------------


def test_one_sentence_item_followed_by_its_marker_is_a_task_with_that_sentence():
    plan = parse_text(
        "\n".join(
            [
                "某区教育局2024年政务公开工作方案",
                "一、任务",
                "(1)公开部门预算和决算。(责任单位:计财股)",
            ]
        )
    )

    [task] = plan.tasks
    assert task.text == "公开部门预算和决算。"
    assert task.path == ["一、任务", "(1)公开部门预算和决算"]


def test_site_footer_after_the_body_is_not_read_as_a_task():
    plan = parse_text(
        "\n".join(
            [
                "某区教育局2024年政务公开工作方案",
                "一、任务",
                "做好公开(责任单位:办公室)。",
                "二、要求",
                "各股室于11月30日前报送总结。",
                "【打印本页】【关闭窗口】",
                "主办单位:某区人民政府办公室承办单位:某区大数据中心",
            ]
        )
    )

    assert [(t.units, t.milestone) for t in plan.tasks] == [(["办公室"], False), (["各股室"], True)]


def test_table_headers_use_the_same_words_as_markers_in_running_text():
    plan = parse_document(
        Document(
            [
                Paragraph("某省教育厅2024年政务公开任务分解表"),
                Table.of(
                    [
                        ["序号", "工作任务", "牵头处室", "配合处室", "完成时限"],
                        ["1", "公开预算。", "财务处", "办公室", "6月底前"],
                    ]
                ),
            ],
            kind="docx",
        )
    )

    [task] = plan.tasks
    assert (task.units, task.lead, task.deadline) == (
        ["财务处", "办公室"],
        "财务处",
        D(2024, 6, 30),
    )


# --- the corpus -------------------------------------------------------------------------------


def test_the_corpus_has_a_source_and_an_expected_result_for_every_plan():
    sources = {
        p.name.removesuffix(suffix)
        for suffix in SOURCE_SUFFIXES
        for p in CORPUS.glob(f"*{suffix}")
        if not p.name.endswith(".expected.json")
    }

    assert sources == set(plan_names())
    assert len(sources) >= 8


@pytest.fixture
def corpus_plan(request, tmp_path) -> tuple[dict, dict]:
    """(what the importer reads, what it should read) for one corpus plan."""
    path = write_source(request.param, tmp_path)
    parsed = parse_document(read_document(path.name, path.read_bytes())).as_json()
    return parsed, expected(request.param)


@pytest.mark.parametrize("corpus_plan", plan_names(), indirect=True)
def test_corpus_plan_facts_are_read_exactly(corpus_plan):
    parsed, wanted = corpus_plan

    assert parsed["plan"] == wanted["plan"]


@pytest.mark.parametrize("corpus_plan", plan_names(), indirect=True)
def test_corpus_plan_tasks_are_read_exactly_field_by_field(corpus_plan):
    parsed, wanted = corpus_plan

    assert [t["text"] for t in parsed["tasks"]] == [t["text"] for t in wanted["tasks"]]
    for index, (task, expected_task) in enumerate(
        zip(parsed["tasks"], wanted["tasks"], strict=True)
    ):
        for name, value in expected_task.items():
            assert task[name] == value, f"task {index}: {name}"


def test_headings_are_counted_in_chinese_numerals_then_in_digits():
    assert [chinese_numeral(n) for n in (1, 10, 11, 20, 23, 99, 100)] == [
        *["一", "十", "十一", "二十", "二十三", "九十九", "100"]
    ]
    assert [heading_label(rank, 12) for rank in (1, 2, 3, 4, 5)] == [
        *["十二、", "（十二）", "12.", "（12）", "（12）"]
    ]
    # what the numbering writes, the parser reads back
    assert heading_of(normalise(heading_label(2, 11))) == (2, "(十一)", "")
