"""Reading Orphanet's nomenclature pack, as Orphanet publishes it.

The pack is a folder holding:

- `List_of_rare_diseases_<year>_en.xlsx`: sheets `List_active_by_ORPHAcode` and
  `List_active_alphabethical_order` (ORPHAcode "ORPHA:n", label, type of label "Main name" or
  "Synonym", classification level), and `List_deprecated_obsoleted` (the retired code, its
  label, status, and the active code that replaces it, if any);
- `ORPHAnomenclature_MasterFile_en_<year>.xlsx`: sheet `ICD10` (ORPHAcode, preferred term,
  one synonym or one ICD-10 code per row);
- `classifications-en/*.xml`: the classification trees in JDBOR XML, nested
  `ClassificationNode`s, each a `Disorder` with its `ClassificationNodeChildList`.

Names, synonyms and codes are Orphanet's (www.orpha.net), under CC BY 4.0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree  # noqa: S405 (Orphanet's own files, chosen by staff)

import openpyxl

LEVELS = {
    "group of disorders": "group",
    "disorder": "disorder",
    "subtype of disorder": "subtype",
}
# Orphanet's own spelling of the second sheet's name.
ACTIVE_SHEETS = ["List_active_by_ORPHAcode", "List_active_alphabethical_order"]
ORPHA_CODE = re.compile(r"^\s*(?:ORPHA\s*:\s*)?(\d+)\s*$", re.IGNORECASE)


class PackError(Exception):
    """The folder is not an Orphanet nomenclature pack that can be read."""


@dataclass
class Entry:
    """An active ORPHA code as the pack describes it."""

    orpha_code: int
    name: str = ""
    level: str = ""
    synonyms: set[str] = field(default_factory=set)
    icd10_codes: list[str] = field(default_factory=list)


@dataclass
class Pack:
    entries: dict[int, Entry]
    # Retired code -> the active code that replaces it, or None.
    retired: dict[int, int | None]
    # (child, parent) pairs from the classification trees; None when the pack has none.
    parents: set[tuple[int, int]] | None


def orpha_code(value) -> int | None:
    if value is None:
        return None
    match = ORPHA_CODE.match(str(value))
    return int(match.group(1)) if match else None


def _rows(path: Path, sheet_names) -> dict[str, list[dict[str, object]]]:
    """Rows of the named sheets that exist in the workbook, as dicts keyed by header."""
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheets: dict[str, list[dict[str, object]]] = {}
        for name in sheet_names:
            if name not in workbook.sheetnames:
                continue
            rows = workbook[name].iter_rows(values_only=True)
            header = [str(cell or "").strip().casefold() for cell in next(rows, ())]
            sheets[name] = [
                dict(zip(header, row, strict=False))
                for row in rows
                if any(c is not None for c in row)
            ]
        return sheets
    finally:
        workbook.close()


def _one(folder: Path, pattern: str) -> Path:
    found = sorted(folder.glob(pattern))
    if not found:
        raise PackError(f"No file matching {pattern} in {folder}")
    # Several releases side by side: the newest (highest year) wins.
    return found[-1]


def _text(value) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def read_list_of_rare_diseases(path: Path) -> tuple[dict[int, Entry], dict[int, int | None]]:
    sheets = _rows(
        path,
        [
            "List_active_by_ORPHAcode",
            "List_active_alphabethical_order",
            "List_deprecated_obsoleted",
        ],
    )
    if "List_active_by_ORPHAcode" not in sheets:
        raise PackError(f"{path.name} has no sheet List_active_by_ORPHAcode")
    entries: dict[int, Entry] = {}
    # The by-code sheet holds the main names; the alphabetical one also holds the synonyms.
    for sheet in ACTIVE_SHEETS:
        for row in sheets.get(sheet, []):
            code = orpha_code(row.get("orphacode"))
            label = _text(row.get("label"))
            if code is None or not label:
                continue
            entry = entries.setdefault(code, Entry(code))
            level = LEVELS.get(_text(row.get("classification level")).casefold())
            if level:
                entry.level = level
            if _text(row.get("type of label")).casefold() == "main name":
                entry.name = label
            else:
                entry.synonyms.add(label)
    for entry in entries.values():
        entry.synonyms.discard(entry.name)
    missing = [code for code, entry in entries.items() if not entry.name or not entry.level]
    if missing:
        raise PackError(f"{path.name}: no main name or level for ORPHA:{missing[0]}")

    retired: dict[int, int | None] = {}
    for row in sheets.get("List_deprecated_obsoleted", []):
        code = orpha_code(row.get("inactive orphacode"))
        if code is not None and code not in entries:
            target = orpha_code(row.get("target active orphacode"))
            retired[code] = target if target in entries else None
    return entries, retired


def read_master_file(path: Path, entries: dict[int, Entry]) -> None:
    """Add ICD-10 codes (and any further synonyms) from the master file's ICD10 sheet."""
    sheets = _rows(path, ["ICD10"])
    if "ICD10" not in sheets:
        raise PackError(f"{path.name} has no sheet ICD10")
    for row in sheets["ICD10"]:
        code = orpha_code(row.get("orphacode"))
        entry = entries.get(code) if code is not None else None
        if entry is None:
            continue
        synonym = _text(row.get("synonyms"))
        if synonym and synonym != entry.name:
            entry.synonyms.add(synonym)
        icd10 = _text(row.get("icdcodes"))
        if icd10 and icd10 not in entry.icd10_codes:
            entry.icd10_codes.append(icd10)


def read_classifications(folder: Path) -> set[tuple[int, int]]:
    """(child, parent) pairs from every JDBOR classification tree in the folder."""
    pairs: set[tuple[int, int]] = set()
    for path in sorted(folder.glob("*.xml")):
        tree = ElementTree.parse(path)  # noqa: S314 (Orphanet's own files, chosen by staff)
        for node in tree.iter("ClassificationNode"):
            parent = orpha_code(node.findtext("Disorder/OrphaCode"))
            for child_node in node.findall("ClassificationNodeChildList/ClassificationNode"):
                child = orpha_code(child_node.findtext("Disorder/OrphaCode"))
                if parent is not None and child is not None and child != parent:
                    pairs.add((child, parent))
    return pairs


def read_pack(folder: Path) -> Pack:
    """Everything the catalogue takes from one release of the pack."""
    folder = Path(folder)
    if not folder.is_dir():
        raise PackError(f"{folder} is not a folder")
    entries, retired = read_list_of_rare_diseases(_one(folder, "List_of_rare_diseases_*_en.xlsx"))
    read_master_file(_one(folder, "ORPHAnomenclature_MasterFile_en_*.xlsx"), entries)
    classifications = folder / "classifications-en"
    parents = None
    if classifications.is_dir() and any(classifications.glob("*.xml")):
        parents = {
            (child, parent)
            for child, parent in read_classifications(classifications)
            if child in entries and parent in entries
        }
    return Pack(entries=entries, retired=retired, parents=parents)
