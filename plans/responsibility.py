"""Who is responsible: the units a plan names for a task, as lead (牵头) or support (配合).

Plans write it in many ways, all read here into one ``Responsibility``:
- marker words with a colon, in any bracket or on lines of their own: 「(责任科室:办公室、社管办)」,
  「[牵头单位:区卫健局;责任单位:…]」, 「牵头单位:区发改局」 then 「责任单位:…」;
- verb phrases: 「办公室牵头,各科室负责落实」, 「审批处、人事处分别牵头」, 「按职责分工负责」,
  「由办公室负责」, 「办公室会人事股」;
- a standing rule at the end of one: 「以下工作均需各县〔区〕政府落实,不再列出」, whose units join
  every later task.
Names are kept as written (「各县(市、区)人民政府」 is one name); 「等」 and leaders are not units.
No Django here.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

BODIES = ("单位", "科室", "部门", "股室", "处室")  # a province writes 处室, a district 股室
LEAD_WORDS = (
    *(f"牵头责任{b}" for b in BODIES),
    *(f"牵头{b}" for b in BODIES),
    "主办单位",
    "主责单位",
    "牵头",
)
SUPPORT_WORDS = (*(f"配合{b}" for b in BODIES), "协办单位", "参与单位", "协助单位", "配合")
ANY_WORDS = (
    *(f"责任{b}" for b in BODIES),
    "责任主体",
    "承办单位",
    "实施单位",
    "落实单位",
    "实施主体",
)
PEOPLE_WORDS = ("责任领导", "分管领导", "牵头领导", "责任人", "联系领导", "分管副局长")
TIME_WORDS = ("完成时限", "完成时间", "时间节点", "时限要求", "完成期限", "时间要求", "时限")
_WORD = "|".join(
    w for w in (*PEOPLE_WORDS, *LEAD_WORDS, *SUPPORT_WORDS, *ANY_WORDS) if w not in ("牵头", "配合")
)
_PART = re.compile(rf"({_WORD}|{'|'.join(TIME_WORDS)})\s*[::]")
_MARKER_START = re.compile(rf"(?:{_WORD})\s*:")

# What a unit's name ends with; a name that starts with 各/全/有关 names every unit of a kind.
UNIT_SUFFIX = re.compile(
    r"(?:局|委|办|室|科|股|处|所|中心|院|队|站|组|部|会|厅|政府|单位|街道|乡镇|镇|乡|村|社区|学校|"
    r"中学|小学|幼儿园|公司|集团|银行|支行|分行|行|支队|管委|工委|党委|办事处|专班|主体|机构|馆|台|社|团|"
    r"开发区|园区|新区|功能区|指挥部|法院|检察院|联社|协会|人员|各方|监狱|网|科室|处室|股室|部门)"
    r"(?:[(〔\[【][^()〔〕]{1,20}[)〕\]】])?$"
)
_COLLECTIVE_START = re.compile(r"^(?:各|全|有关|相关|市直|区直|县直|局属|区属|县属|机关|所属)")
# 「办公室牵头」「分别牵头落实」「按职责分工负责」: the verb that gives names their role.
_VERB = re.compile(
    r"(分别牵头(?:落实|负责)?|牵头(?:落实|负责|抓总)?|分别负责(?:落实)?|"
    r"(?:按职责分工|按照职责分工|按职责|根据职责|结合职责)(?:分别)?(?:负责|落实|抓好落实)|"
    r"具体(?:负责|落实)|(?:负责|抓好)落实|负责实施|负责|落实|配合(?:落实)?|协助|协办|参与)"
)
_SUPPORT_VERBS = ("配合", "配合落实", "协助", "协办", "参与")
_STANDING_RULE = re.compile(
    r"(?:以下|下列|此后)[^。;]{0,12}?(?:均需|均由|都需|需)([^。;]{2,80}?)"
    r"(?:负责)?(?:落实|负责)[,]?(?:不再|不)(?:一一)?列出[。]?"
)
_PERSON = re.compile(r"^[\u4e00-\u9fff]{1,2}(?:局长|副局长|主任|副主任|书记|同志|科长|处长)$")
GENERIC_TAILS = ("单位", "部门", "学校", "单位(学校)")
TO_BE_CHOSEN = re.compile(r"^各(?:承办|相关|有关)")


@dataclass
class Responsibility:
    units: list[str] = field(default_factory=list)  # lead first, as written
    leads: list[str] = field(default_factory=list)  # named as leading (牵头), or []
    people: list[str] = field(default_factory=list)  # leaders named (a note, not units)
    standing: list[str] = field(default_factory=list)  # units a standing rule adds from here on
    when: str = ""  # a deadline written inside the marker (「完成时限:6月底前」)

    @property
    def lead(self) -> str | None:
        return self.leads[0] if self.leads else (self.units[0] if self.units else None)

    @property
    def support(self) -> list[str]:
        lead = self.leads or self.units[:1]
        return [u for u in self.units if u not in lead]

    def merge(self, other: Responsibility) -> None:
        self.leads += [u for u in other.leads if u not in self.leads]
        lead = self.leads
        rest = [u for u in [*self.units, *other.units] if u not in lead]
        self.units = [*lead, *dict.fromkeys(rest)]
        self.people += other.people
        self.standing += other.standing
        self.when = " ".join(filter(None, (self.when, other.when)))

    def __bool__(self) -> bool:
        return bool(self.units)


def top_level_split(text: str, separators: str) -> list[str]:
    """Split on ``separators`` outside brackets: 「各县(市、区)人民政府」 stays one name."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "([〔【":
            depth += 1
        elif ch in ")]〕】" and depth:
            depth -= 1
        elif ch in separators and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def is_unit_name(name: str) -> bool:
    name = name.strip()
    if not 2 <= len(name) <= 30 or re.search(
        r"[。!?“”\"]|\d+[年月日号]|^[于将对把在按要]|的", name
    ):
        return False
    return bool(UNIT_SUFFIX.search(name) or (_COLLECTIVE_START.match(name) and len(name) <= 16))


def split_units(names: str) -> list[str]:
    """「办公室、社管办,人事股和计财股」 → names as written, in order, once. 和/及 split only
    between two names (「发展和改革局」 is one); 「等」 closes a list; a lone 「单位」 belongs to
    the name before it (「市直有关部门、单位」)."""
    out: list[str] = []
    for raw in top_level_split(names, "、,;/ \n"):
        name = raw.strip(" .。:")
        name = re.sub(r"等(?:单位|部门)?$", "", name) if len(name) > 2 else name
        if not name:
            continue
        for piece in _split_conjunction(name):
            if piece in GENERIC_TAILS and out:
                out[-1] = f"{out[-1]}、{piece}"
            elif piece not in out:
                out.append(piece)
    return out


def _split_conjunction(name: str) -> list[str]:
    for m in re.finditer(r"(?<!以)[和及与]", name):
        left, right = name[: m.start()], name[m.end() :]
        if is_unit_name(left) and UNIT_SUFFIX.search(left) and is_unit_name(right):
            return [left, *_split_conjunction(right)]
    return [name]


def _clauses(text: str) -> list[str]:
    return [c for c in (p.strip() for p in top_level_split(text, ",;。")) if c]


def read_clauses(
    text: str, *, lenient: bool = False, require_verb: bool = False
) -> Responsibility | None:
    """Units from clauses such as 「办公室牵头,各科室负责落实」, or None when a clause is not
    about responsibility. ``lenient`` (a table's unit column) lets a verb take an object:
    「区司法局牵头区级规范性文件集中公开工作」."""
    result = Responsibility()
    verbs = 0
    waiting: list[str] = []  # names before their verb: 「各有关处室、民服中心,…配合」
    for clause in _clauses(text):
        clause = re.sub(r"^(?:由|请|均由)", "", clause)
        joint = re.fullmatch(r"(.{2,12}?(?:室|股|科|处|局|办|中心))会同?(.{2,30})", clause)
        if joint and is_unit_name(joint[1]) and all(map(is_unit_name, split_units(joint[2]))):
            result.leads.append(joint[1])
            result.units += [joint[1], *split_units(joint[2])]
            continue
        verb = _find_verb(clause, lenient=lenient)
        if verb is None:
            names = split_units(clause)
            if names and all(map(is_unit_name, names)):
                waiting += names
                continue
            return None
        names = [*waiting, *split_units(clause[: verb.start()])]
        waiting = []
        verbs += 1
        if not names or not all(map(is_unit_name, names)):
            return None
        if verb[1].startswith(("分别牵头", "牵头", "分别负责")):
            result.leads += names
        result.units += [n for n in names if n not in result.units]
    result.units += [n for n in waiting if n not in result.units]
    if not result.units or (require_verb and not verbs):
        return None
    result.units = [*result.leads, *(u for u in result.units if u not in result.leads)]
    return result


def _find_verb(clause: str, *, lenient: bool) -> re.Match | None:
    for m in _VERB.finditer(clause):
        if m.start() == 0:
            continue
        tail = clause[m.end() :]
        if not tail or lenient:
            return m
    return None


def read_marker_body(body: str, *, lenient: bool = False) -> Responsibility:
    """A marker's content: 「牵头单位:办公室;配合单位:人事股」, 「人事股牵头,办公室配合」,
    「责任单位:…。以下工作均需…落实,不再列出」."""
    result = Responsibility()
    rule = _STANDING_RULE.search(body)
    if rule:
        result.standing = split_units(rule[1])
        body = body[: rule.start()] + body[rule.end() :]
    parts = _PART.split(body)
    chunks = [("", parts[0]), *zip(parts[1::2], parts[2::2], strict=True)]
    for word, text in chunks:
        text = text.strip(" ;,。")
        if not text:
            continue
        if word in TIME_WORDS:
            result.when = " ".join(filter(None, (result.when, text)))
            continue
        if word in PEOPLE_WORDS:
            result.people += split_units(text)
            continue
        read = read_clauses(text, lenient=True) or Responsibility(units=split_units(text))
        read.units = [u for u in read.units if not _PERSON.match(u)]
        if word in LEAD_WORDS:
            read.leads = read.leads or list(read.units)
        elif word in SUPPORT_WORDS:
            read.leads = []
        result.merge(read)
    if not result.leads and any(w in LEAD_WORDS for w, _ in chunks if w):
        result.leads = result.units[:1]
    return result


def parse_marker_body(body: str) -> tuple[list[str], str | None]:
    read = read_marker_body(body)
    return read.units, read.lead


# --- Markers in running text --------------------------------------------------------------------

_OPEN, _CLOSE = "([〔【", ")]〕】"
_BARE_MARKER = re.compile(rf"(?:{_WORD})\s*:[^。]*")


@dataclass
class Marker:
    start: int
    end: int
    responsibility: Responsibility

    @property
    def units(self) -> list[str]:
        return self.responsibility.units

    @property
    def lead(self) -> str | None:
        return self.responsibility.lead

    @property
    def when(self) -> str:
        return self.responsibility.when


def bracket_end(text: str, start: int) -> int:
    """Index after the bracket closing the one at ``start`` (nested brackets allowed)."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] in _OPEN:
            depth += 1
        elif text[i] in _CLOSE:
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


def _bracket_marker(text: str, start: int) -> Marker | None:
    end = bracket_end(text, start)
    body = text[start + 1 : end - 1]
    if _MARKER_START.match(body.strip()):
        return Marker(start, end, read_marker_body(body))
    if len(body) <= 160:
        rule = _STANDING_RULE.search(body)
        head = body[: rule.start()] if rule else body
        read = read_clauses(head, require_verb=True)
        if read:
            if rule:
                read.standing = split_units(rule[1])
            return Marker(start, end, read)
    return None


def find_markers(text: str, known: AbstractSet[str] = frozenset()) -> list[Marker]:
    """Responsibility markers of a line, in order: brackets, bare 「牵头单位:…」 to the end of
    the sentence, and a responsibility clause the sentence runs on into (「…动态更新。办公室牵头,
    各有关处室配合」). ``known`` names help cut a name out of text with no delimiter."""
    markers: list[Marker] = []
    pos = 0
    while pos < len(text):
        bare = _BARE_MARKER.search(text, pos)
        bracket = next(
            (
                m
                for i in range(pos, bare.start() if bare else len(text))
                if text[i] in _OPEN and (m := _bracket_marker(text, i))
            ),
            None,
        )
        if bracket:
            markers.append(bracket)
            pos = bracket.end
        elif bare:
            markers.append(Marker(bare.start(), bare.end(), read_marker_body(bare.group(0))))
            pos = bare.end()
        else:
            break
    tail = _run_on_tail(text, markers[-1].end if markers else 0, known)
    if tail:
        markers.append(tail)
    return markers


def _run_on_tail(text: str, start: int, known: AbstractSet[str]) -> Marker | None:
    """Units written after the text with no bracket: 「…动态更新。办公室牵头,…配合」, or
    「…等信息审批处牵头,各有关处室配合」 with no full stop at all."""
    stripped = text.rstrip(" 。;")
    clauses = top_level_split(stripped[start:], ",;。")
    if not clauses:
        return None
    # The longest run of closing clauses that reads as responsibility, with a verb.
    offset = len(stripped)
    found: Marker | None = None
    for i in range(len(clauses) - 1, -1, -1):
        offset -= len(clauses[i]) + (1 if i < len(clauses) - 1 else 0)
        piece = stripped[offset:]
        read = read_clauses(piece, require_verb=True)
        if read:
            found = Marker(offset, len(text), read)
            continue
        cut = _cut_known_name(clauses[i], known)
        if cut is not None:
            head = offset + cut
            read = read_clauses(stripped[head:], require_verb=True)
            if read and read.leads:
                found = Marker(head, len(text), read)
        break
    if found and found.start > start and text[found.start - 1 : found.start] in ("(", "["):
        return None
    return found


def _cut_known_name(clause: str, known: AbstractSet[str]) -> int | None:
    """Where a name runs into the sentence before it: the known name just before 牵头."""
    m = re.search(r"(分别)?牵头(?:落实|负责)?$", clause)
    if not m:
        return None
    before = clause[: m.start()]
    names = sorted((n for n in known if before.endswith(n)), key=len, reverse=True)
    if names and len(before) > len(names[0]):
        return len(before) - len(names[0])
    return None
