"""The .docx opens in Word without 「unreadable content」: Word refuses a property element out of
its schema order (python-docx's own setters insert in order; an ``OxmlElement`` appended by hand
does not). Every pPr, rPr, tblPr, trPr, tcPr, sectPr and font in the generated parts is walked
and its children checked against the sequence of ECMA-376 Part 1 (§17.3.1.26 pPr, §17.3.2.28
rPr, §17.4.60 tblPr, §17.4.82 trPr, §17.4.70 tcPr, §17.6.17 sectPr, §17.8.3.10 font)."""

import zipfile
from io import BytesIO

import pytest
from lxml import etree

from reporting.docx_export import write_docx
from tests.reporting.test_exports import content_2019, content_2021

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

SEQUENCES = {
    "pPr": (
        "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr "
        "suppressLineNumbers pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct "
        "topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd snapToGrid spacing ind "
        "contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
        "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
    ),
    "rPr": (
        "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint "
        "noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u "
        "effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath"
    ),
    "tblPr": (
        "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
        "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption "
        "tblDescription tblPrChange"
    ),
    # The schema allows trPr's children in any order (a choice); Word writes them in this one.
    "trPr": (
        "cnfStyle divId gridBefore gridAfter wBefore wAfter cantSplit trHeight tblHeader "
        "tblCellSpacing jc hidden ins del trPrChange"
    ),
    "tcPr": (
        "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText "
        "vAlign hideMark headers cellIns cellDel cellMerge tcPrChange"
    ),
    "sectPr": (
        "headerReference footerReference footnotePr endnotePr type pgSz pgMar paperSrc "
        "pgBorders lnNumType pgNumType cols formProt vAlign noEndnote titlePg textDirection "
        "bidi rtlGutter docGrid printerSettings sectPrChange"
    ),
    "font": "altName panose1 charset family notTrueType pitch sig embedRegular embedBold "
    "embedItalic embedBoldItalic",
    "tblCellMar": "top start left bottom end right",
}
ORDER = {name: {tag: i for i, tag in enumerate(seq.split())} for name, seq in SEQUENCES.items()}
# Elements whose children may repeat (header/footer references); the rest at most once each.
REPEATABLE = {"headerReference", "footerReference"}


def order_faults(xml: bytes, part: str) -> list[str]:
    faults = []
    for name, order in ORDER.items():
        for element in etree.fromstring(xml).iter(f"{W}{name}"):
            tags = [etree.QName(child).localname for child in element]
            where = f"{part}: {name} line {element.sourceline}"
            unknown = [tag for tag in tags if tag not in order]
            if unknown:
                faults.append(f"{where}: {unknown} not in the schema's sequence")
                continue
            positions = [order[tag] for tag in tags]
            if positions != sorted(positions):
                faults.append(f"{where}: {tags} out of order")
            once = [tag for tag in tags if tag not in REPEATABLE]
            if len(once) != len(set(once)):
                faults.append(f"{where}: {tags} repeats an element")
    return faults


def test_the_order_check_catches_a_property_appended_by_hand():
    xml = f'<w:tblPr xmlns:w="{W[1:-1]}"><w:tblLook/><w:tblCellMar/></w:tblPr>'.encode()
    faults = order_faults(xml, "test")
    assert faults == ["test: tblPr line 1: ['tblLook', 'tblCellMar'] out of order"]


@pytest.mark.parametrize("make", [content_2019, content_2021], ids=["2019", "2021"])
@pytest.mark.parametrize("new_page", [set(), {2, 3, 4}], ids=["as-is", "new-page"])
def test_every_property_element_is_in_the_schema_order_word_requires(make, new_page):
    data = write_docx(make(), new_page_before=new_page)
    with zipfile.ZipFile(BytesIO(data)) as package:
        parts = [n for n in package.namelist() if n.startswith("word/") and n.endswith(".xml")]
        faults = [fault for name in parts for fault in order_faults(package.read(name), name)]
        checked = sum(
            len(etree.fromstring(package.read(name)).findall(f".//{W}pPr")) for name in parts
        )
    assert faults == []
    assert checked > 50  # the walk found the document's paragraphs, styles and tables
