"""The project's copies of the legal source pack (legal/) equal the pack (../shared, or $SHARED_DIR).

The product never reads ../shared; this test catches drift between the two. CI has the pack beside
the checkout; where it is absent the tests skip with the reason.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))
LEGAL = ROOT / "legal"

sys.path.insert(0, str(ROOT))
from calculators.laws import parse_text, registry  # noqa: E402

needs_pack = pytest.mark.skipif(
    not (SHARED / "legal").is_dir(),
    reason=f"source pack not found at {SHARED} (set SHARED_DIR to the directory holding legal/ and cases.md)",
)

PROVENANCE = re.compile(r"^<!-- source: [^\n]+ -->\n")


def _texts() -> list[str]:
    return sorted(p.name for p in (LEGAL / "texts").glob("*.md"))


def test_every_registry_file_exists():
    for law in registry().values():
        for rel in law.files:
            assert (LEGAL / rel).is_file(), rel


@needs_pack
def test_the_same_set_of_texts():
    assert _texts() == sorted(p.name for p in (SHARED / "legal" / "texts").glob("*.md"))


@needs_pack
@pytest.mark.parametrize("name", _texts())
def test_text_copy_is_identical(name):
    assert (LEGAL / "texts" / name).read_bytes() == (SHARED / "legal" / "texts" / name).read_bytes(), name


@needs_pack
@pytest.mark.parametrize("name", ["thresholds.csv", "partial.md"])
def test_pack_file_copy_is_identical(name):
    assert (LEGAL / name).read_bytes() == (SHARED / "legal" / name).read_bytes(), name


@needs_pack
def test_cases_copy_is_the_pack_plus_a_provenance_line():
    ours = (LEGAL / "cases.md").read_text("utf-8")
    m = PROVENANCE.match(ours)
    assert m, "legal/cases.md must start with a <!-- source: ... --> line"
    assert ours[m.end():] == (SHARED / "cases.md").read_text("utf-8")


@needs_pack
def test_pack_readme_copy_is_identical():
    assert (LEGAL / "SOURCE-PACK-README.md").read_bytes() == (SHARED / "legal" / "README.md").read_bytes()


@needs_pack
def test_characterisation_copy_is_the_pack_plus_a_provenance_line():
    ours = (LEGAL / "characterisation-and-sentencing.md").read_text("utf-8")
    m = PROVENANCE.match(ours)
    assert m, "legal/characterisation-and-sentencing.md must start with a <!-- source: ... --> line"
    assert ours[m.end():] == (SHARED / "legal" / "characterisation-and-sentencing.md").read_text("utf-8")


@needs_pack
def test_every_pack_file_has_a_copy():
    """A new file in the pack fails here until it is copied into legal/ (with its provenance)."""
    copies = {"README.md": "SOURCE-PACK-README.md"}
    for path in sorted((SHARED / "legal").glob("*")):
        if path.is_file():
            assert (LEGAL / copies.get(path.name, path.name)).is_file(), path.name


@needs_pack
def test_partial_units_are_transcribed_from_partial_md():
    """legal/partial/*.md carry the PARTIAL texts unit by unit; each unit's words must appear in the
    pack's partial.md (editorial bracketed notes such as （第二款） and the closing note excepted)."""
    pack = (SHARED / "legal" / "partial.md").read_text("utf-8")
    pack += (SHARED / "legal" / "characterisation-and-sentencing.md").read_text("utf-8")  # 二(一) of the 2016 意见
    flat = re.sub(r"\s+", "", pack)
    for path in sorted((LEGAL / "partial").glob("*.md")) + sorted((LEGAL / "excerpts").glob("*.md")):
        _, units = parse_text(path.read_text("utf-8"))
        assert units, path.name
        for u in units:
            for para in u.paragraphs:
                # drop the file's own locators: "（第二款）", "（第一款第三项）", and the trailing editor's note
                if para.startswith("（第4项") or para.startswith("（第") and "转录" in para:
                    continue
                text = re.sub(r"^（第[一二三四五六七八九十]+款(?:第[一二三四五六七八九十]+项)?）", "", para)
                for piece in re.split(r"……", re.sub(r"\s+", "", text)):
                    piece = piece.strip("。")
                    if len(piece) >= 6:
                        assert piece in flat, f"{path.name} {u.anchor}: {piece[:40]}… not in partial.md"
