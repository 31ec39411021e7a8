"""Register files that crashed the import or counted requests twice: a huge sheet in a small
file, a cell over the csv module's limit, a NUL byte, fees past the column, the same file twice."""

import io
import tracemalloc

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from registers.models import DisclosureRequest

HEADER = "编号,收到日期,申请人类型,申请方式,申请内容,收费金额"


def post(client, name: str, data: bytes):
    upload = SimpleUploadedFile(name, data)
    return client.post(reverse("registers:request_import"), {"file": upload})


def messages_of(response) -> str:
    form_errors = response.context["form"].errors.get("file", [])
    return " ".join([*form_errors, *(str(e) for e in response.context["row_errors"])])


def test_a_small_workbook_with_a_value_in_its_last_cell_is_refused_in_bounded_memory(
    office_client, attempt
):
    # given: 5 KB that a full load would make 17 billion cells
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(["A1", "2026-03-02", "自然人", "网络", "甲", 0])
    sheet["XFD1048576"] = "x"
    out = io.BytesIO()
    book.save(out)

    # when
    tracemalloc.start()
    response = post(office_client, "登记.xlsx", out.getvalue())
    _size, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    # then
    attempt("register-file")
    assert "XFD1048576" in messages_of(response)
    assert peak < 100 * 2**20
    assert not DisclosureRequest.objects.exists()


def test_a_csv_cell_over_the_csv_modules_limit_is_refused_with_its_line(office_client, attempt):
    data = f"{HEADER}\nA1,2026-03-02,自然人,网络,{'甲' * 140_000},0\n"

    response = post(office_client, "登记.csv", data.encode())

    attempt("register-file")
    assert "第 2 行" in messages_of(response)
    assert not DisclosureRequest.objects.exists()


def test_a_nul_byte_in_a_csv_is_dropped_and_the_row_imported(office_client, attempt):
    data = f"{HEADER}\nA1,2026-03-02,自然人,网络,申请\x00公开预算,0\n"

    response = post(office_client, "登记.csv", data.encode())

    attempt("register-file")
    assert response.status_code == 302
    assert DisclosureRequest.objects.get().content == "申请公开预算"


@pytest.mark.parametrize(("fee", "said"), [("1e10", "99,999,999"), ("0.001", "两位小数")])
def test_a_fee_the_register_cannot_hold_as_written_is_a_row_error(
    office_client, fee, said, attempt
):
    data = f"{HEADER}\nA1,2026-03-02,自然人,网络,甲,{fee}\n"

    response = post(office_client, "登记.csv", data.encode())

    attempt("register-file")
    assert said in messages_of(response)
    assert not DisclosureRequest.objects.exists()


def test_the_same_register_imported_twice_adds_nothing_the_second_time(office_client, attempt):
    data = f"{HEADER}\nA1,2026-03-02,自然人,网络,甲,0\n,2026-03-03,商业企业,信函,乙,0\n"
    post(office_client, "登记.csv", data.encode())

    upload = SimpleUploadedFile("登记.csv", data.encode())
    again = office_client.post(reverse("registers:request_import"), {"file": upload}, follow=True)

    attempt("register-file")
    said = " ".join(str(m) for m in again.context["messages"])
    # by 编号 A1, and by date + applicant + content; nothing to update, so no row is named
    assert "新增申请0件，更新0件，未变2件" in said
    assert "更新的行" not in said
    assert DisclosureRequest.objects.count() == 2


def test_one_reference_twice_in_a_file_is_refused(office_client, attempt):
    data = f"{HEADER}\nA1,2026-03-02,自然人,网络,甲,0\nA1,2026-03-05,自然人,网络,乙,0\n"

    response = post(office_client, "登记.csv", data.encode())

    attempt("register-file")
    assert "第 2 行" in messages_of(response)
    assert not DisclosureRequest.objects.exists()


def test_a_register_saved_as_unicode_text_is_read(office_client, attempt):
    data = f"{HEADER}\nA1,2026-03-02,自然人,网络,甲,0\n"

    response = post(office_client, "登记.csv", data.encode("utf-16"))

    attempt("register-file")
    assert response.status_code == 302
    assert DisclosureRequest.objects.count() == 1
