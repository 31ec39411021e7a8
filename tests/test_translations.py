"""The interface speaks Simplified Chinese by default, from a complete catalogue."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
ZH = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES"


def entries(po) -> dict[tuple[str, str], str]:
    return {(e.msgctxt or "", e.msgid): e.msgstr or str(e.msgstr_plural) for e in po if e.msgid}


def test_every_message_has_a_chinese_translation():
    po = polib.pofile(str(ZH / "django.po"))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


def test_chinese_sentences_use_full_width_punctuation():
    # 「如:」 and 「已创建,请」 read as careless in an official interface: after a Chinese
    # character a comma, colon, semicolon, ? or ! is full-width (a time such as 08:30 is not).
    po = polib.pofile(str(ZH / "django.po"))
    half = re.compile(r"[\u4e00-\u9fff\uff08\uff09“”][,:;?!](?!\d)")
    texts = [e.msgstr for e in po] + [v for e in po for v in e.msgstr_plural.values()]
    assert [t for t in texts if half.search(t)] == []


def test_the_compiled_catalogue_matches_the_source():
    assert entries(polib.mofile(str(ZH / "django.mo"))) == entries(
        polib.pofile(str(ZH / "django.po"))
    )


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (xgettext)")
def test_the_catalogue_holds_every_string_the_code_marks(tmp_path):
    # given: a copy of the project, so makemessages cannot touch the real catalogue
    ignore = shutil.ignore_patterns(".venv", ".git", "var", "media", "*.pyc", "__pycache__")
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=ignore)
    # when
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-location",
            "--no-obsolete",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    # then
    fresh = polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    committed = polib.pofile(str(ZH / "django.po"))
    assert {e.msgid for e in fresh} - {e.msgid for e in committed} == set()


def test_pages_are_in_chinese_by_default_and_english_on_request(client):
    assert "登录" in client.get(reverse("login")).content.decode()
    english = client.get(reverse("login"), headers={"accept-language": "en"})
    assert "Log in" in english.content.decode()
