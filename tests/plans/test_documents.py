"""Files the importer cannot read: each is refused with a PlanFormatError whose code the web
layer turns into a message, never with a crash."""

import io
import zipfile

import pytest
from django.utils import translation

from plans.messages import MESSAGES, format_error
from plans.parsing import PlanFormatError
from plans.readers.office import OLE_MAGIC
from tasks.importing import parse_upload

from .corpus import docx_bytes, xlsx_bytes

PLAN_TEXT = "某区教育局2024年政务公开工作方案\n一、任务\n做好公开(责任单位:办公室)。\n"
TABLE = [["序号", "工作任务", "责任单位", "完成时限"], [1, "公开部门预算。", "计财股", "6月底前"]]


def refused(name: str, data: bytes) -> PlanFormatError:
    with pytest.raises(PlanFormatError) as caught:
        parse_upload(name, data)
    return caught.value


def damaged_deflate(data: bytes) -> bytes:
    """The archive's directory intact, one member's compressed bytes overwritten."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        member = archive.getinfo("xl/worksheets/sheet1.xml")
    start = member.header_offset + 30 + len(member.filename) + len(member.extra)
    middle = start + member.compress_size // 2
    return data[:middle] + b"\xff" * 16 + data[middle + 16 :]


def stored_member_with_wrong_checksum() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook>" + "x" * 200 + "</workbook>")
    return buffer.getvalue().replace(b"x" * 10, b"y" * 10, 1)


# --- each kind of bad input, with its code ----------------------------------------------------


@pytest.mark.parametrize("name", ["plan.txt", "plan.docx", "plan.xlsx"])
def test_an_empty_file_is_refused_as_empty(name):
    assert refused(name, b"").code == "empty"


def test_a_text_file_of_blank_lines_is_refused_as_empty():
    assert refused("plan.txt", " \n\u3000\n\r\n".encode()).code == "empty"


def test_a_word_document_without_text_is_refused_as_empty():
    assert refused("plan.docx", docx_bytes(["", "　"])).code == "empty"


def test_a_spreadsheet_without_values_is_refused_as_empty():
    assert refused("plan.xlsx", xlsx_bytes({"rows": [[None, None]]})).code == "empty"


def test_a_binary_file_renamed_docx_is_not_a_word_document():
    error = refused("plan.docx", bytes(range(256)) * 8)

    assert (error.code, error.params) == ("not_office", {"kind": "docx"})


def test_a_spreadsheet_renamed_docx_is_not_a_word_document():
    assert refused("plan.docx", xlsx_bytes({"rows": TABLE})).code == "not_office"


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_an_ole_file_renamed_is_refused_as_encrypted_or_old(kind):
    error = refused(f"plan.{kind}", OLE_MAGIC + b"\xa1\xb1\x1a\xe1" + b"\x00" * 1000)

    assert (error.code, error.params) == ("encrypted_or_old", {"kind": kind})


def test_a_spreadsheet_with_damaged_compressed_data_is_refused_as_corrupt():
    error = refused("plan.xlsx", damaged_deflate(xlsx_bytes({"rows": TABLE})))

    assert (error.code, error.params) == ("corrupt", {"kind": "xlsx"})


def test_a_zip_whose_checksum_fails_is_refused_as_corrupt():
    assert refused("plan.xlsx", stored_member_with_wrong_checksum()).code == "corrupt"


def test_a_cut_off_spreadsheet_is_refused_as_corrupt():
    data = xlsx_bytes({"rows": TABLE})

    assert refused("plan.xlsx", data[: len(data) // 2]).code == "corrupt"


def test_a_binary_file_named_txt_is_not_text():
    assert refused("plan.txt", b"\x00\x01\x02" * 100).code == "not_text"


@pytest.mark.parametrize(
    "text",
    ["今天天气很好。\n我们去公园散步。", "一、总体要求\n(一)加强公开\n做好公开工作,及时发布信息。"],
)
def test_text_without_a_responsibility_marker_has_no_tasks(text):
    assert refused("plan.txt", text.encode()).code == "no_tasks"


def test_a_spreadsheet_without_a_header_row_is_refused_at_its_first_row():
    rows = [
        ["1", "公开部门预算。", "计财股", "6月底前"],
        ["2", "公开招生政策。", "教育股", "5月底前"],
    ]

    error = refused("plan.xlsx", xlsx_bytes({"rows": rows}))

    assert (error.code, error.line) == ("no_header", 1)


@pytest.mark.parametrize("name", ["plan.pages", "plan.xls", "plan.exe", "plan"])
def test_an_unsupported_extension_is_refused_by_name(name):
    error = refused(name, PLAN_TEXT.encode())

    assert (error.code, error.params) == ("unsupported_type", {"name": name})


# --- through parse_upload ---------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(settings):
    settings.IMPORT_MAX_BYTES = 1024

    with pytest.raises(PlanFormatError) as caught:
        parse_upload("plan.docx", b"\x00" * 1025)

    assert caught.value.code == "too_large"


def test_a_file_of_exactly_the_size_limit_is_read(settings):
    data = PLAN_TEXT.encode()
    settings.IMPORT_MAX_BYTES = len(data)

    assert len(parse_upload("plan.txt", data).tasks) == 1


def test_pasted_text_that_is_empty_is_refused_as_empty():
    with pytest.raises(PlanFormatError) as caught:
        parse_upload("", b"")

    assert caught.value.code == "empty"


def test_a_text_file_in_gb18030_is_read():
    assert parse_upload("plan.txt", PLAN_TEXT.encode("gb18030")).tasks[0].units == ["办公室"]


# --- messages ---------------------------------------------------------------------------------

BAD_INPUTS = {
    "empty": ("plan.txt", b""),
    "not_text": ("plan.txt", b"\x00" * 10),
    "unsupported_type": ("plan.pages", b"%PDF-1.4"),
    "encrypted_or_old": ("plan.xlsx", OLE_MAGIC + b"\x00" * 100),
    "not_office": ("plan.docx", b"plain bytes, not a zip"),
    "corrupt": ("plan.xlsx", stored_member_with_wrong_checksum()),
    "no_header": ("plan.xlsx", xlsx_bytes({"rows": [["a", "b"], ["c", "d"]]})),
    "no_tasks": ("plan.txt", "没有结构的文字。".encode()),
}


@pytest.mark.parametrize(("code", "upload"), BAD_INPUTS.items(), ids=list(BAD_INPUTS))
def test_every_refusal_has_a_message_and_names_the_row_when_it_has_one(code, upload):
    with pytest.raises(PlanFormatError) as caught:
        parse_upload(*upload)
    error = caught.value

    message = format_error(error)

    assert error.code == code
    assert message.strip()
    assert str(MESSAGES[code]).format(**error.params) in message
    if error.line is not None:
        assert str(error.line) in message.replace(str(MESSAGES[code]).format(**error.params), "")


def test_the_size_message_gives_the_size_and_the_limit(settings):
    settings.IMPORT_MAX_BYTES = 2 * 2**20

    with pytest.raises(PlanFormatError) as caught:
        parse_upload("plan.txt", b"x" * (2 * 2**20 + 1))

    # a byte over the limit reads as over it: 2.1 MB, not "2.0 MB, at most 2 MB"
    assert caught.value.params == {"size": "2.1", "limit": "2"}
    with translation.override("en"):
        assert "2.1 MB; at most 2 MB" in format_error(caught.value)


def test_the_unsupported_type_message_names_the_file():
    with pytest.raises(PlanFormatError) as caught:
        parse_upload("年度方案.pages", b"PK")

    assert "年度方案.pages" in format_error(caught.value)
