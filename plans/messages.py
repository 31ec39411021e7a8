"""What the importer says, in the reader's language: a message for each code the readers and
the interpreter raise (``PlanFormatError.code``) or attach to a task as a warning."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .parsing import PlanFormatError

MESSAGES = {
    # warnings on a parsed task
    "no_deadline": gettext_lazy(
        "No deadline in the text: the plan's year end ({date}) is assumed."
    ),
    "ambiguous_deadline": gettext_lazy("Several dates in the text ({dates}): the latest is taken."),
    "no_units": gettext_lazy("No responsible unit is named: the office assigns one."),
    "tables_unread": gettext_lazy(
        "No task was read from the document's {tables} table(s): set their columns' roles "
        "under “Tables as read” and read again."
    ),
    "garbled_date": gettext_lazy(
        "“{text}” looks like a date whose 年/月/日 were lost: set the deadline by hand."
    ),
    "to_be_chosen": gettext_lazy("“{name}”: the office chooses the units that handle this task."),
    "unknown_unit": gettext_lazy(
        "“{name}” is not a unit of this department: map it to a unit or create it."
    ),
    "past_deadline": gettext_lazy(
        "The deadline has already passed (today is {today}): is this an earlier year's plan? "
        "Set new deadlines, or import it as it stands for the record."
    ),
    # why a document cannot be read
    "empty": gettext_lazy("The document is empty."),
    "not_text": gettext_lazy("The file is not plain text (it holds binary data)."),
    "unsupported_type": gettext_lazy(
        "“{name}” cannot be imported: upload a .docx, .doc, .wps, .rtf, .odt, .xlsx, .pdf, "
        ".html or .txt file."
    ),
    "encrypted_or_old": gettext_lazy(
        "The file is password-protected or in an old Office format: save it as .{kind} "
        "without a password and upload it again."
    ),
    "not_office": gettext_lazy(
        "The file is not a real .{kind} document: its content does not match its name."
    ),
    "corrupt": gettext_lazy("The .{kind} file is damaged and cannot be read."),
    "no_header": gettext_lazy(
        "No header row was found (columns such as 工作任务, 责任单位, 完成时限 are looked for "
        "in the first rows)."
    ),
    "no_tasks": gettext_lazy(
        "No tasks were found: the document has {lines} lines of text, {headings} numbered "
        "headings (一、 (一) 1.) and {tables} tables, but no item that names a responsible unit "
        "(e.g. “(责任科室:办公室)”) and no numbered item to turn into a task."
    ),
    "too_large": gettext_lazy("The file is {size} MB; at most {limit} MB can be imported."),
    "too_many_pages": gettext_lazy(
        "The PDF has {pages} pages; at most {limit} can be read. Upload the work plan on its own."
    ),
    "too_many_tasks": gettext_lazy(
        "The document reads as {count} tasks; at most {limit} can be imported at once: split "
        "the plan and import each part."
    ),
    "too_slow": gettext_lazy(
        "Reading the file took more than {seconds} seconds and was stopped: it is unusually "
        "complex. Save it again (or as .docx) and upload that, or paste its text."
    ),
    "too_complex": gettext_lazy(
        "Reading the file needed more than {memory} MB and was stopped: it is unusually "
        "complex. Save it again (or as .docx) and upload that, or paste its text."
    ),
    "table_too_large": gettext_lazy(
        "A table in the .{kind} file has more than {rows} rows, far more than a work plan: check "
        "that this is the right file."
    ),
    "sheet_too_large": gettext_lazy(
        "Sheet “{sheet}” has a value in cell {cell}, outside the first {rows} rows and {columns} "
        "columns that are read: delete it (or the rows and columns around it) and save the file "
        "again."
    ),
    "scanned_pdf": gettext_lazy(
        "The PDF holds only images of its pages (a scan), no text that can be read: upload the "
        "Word original (.docx) or a PDF saved from it as text."
    ),
    "needs_libreoffice": gettext_lazy(
        "A .{kind} file can only be read once LibreOffice is installed on the server (Debian: "
        "apt-get install libreoffice-writer-nogui). Or open it in Word or WPS, save it as .docx "
        "and upload that."
    ),
}


def message_for(code: str, line: int | None = None, **params) -> str:
    text = str(MESSAGES[code]).format(**params)
    if line:
        return _("Line {line}: {message}").format(line=line, message=text)
    return text


def format_error(error: PlanFormatError) -> str:
    return message_for(error.code, error.line, **error.params)
