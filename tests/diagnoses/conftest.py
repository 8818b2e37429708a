"""A small Orphanet nomenclature pack, written in Orphanet's own formats by the tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest
from django.core.management import call_command

LEVELS = {"group": "Group of disorders", "disorder": "Disorder", "subtype": "Subtype of disorder"}


@dataclass
class Code:
    orpha_code: int
    name: str
    level: str = "disorder"
    synonyms: list[str] = field(default_factory=list)
    icd10: list[str] = field(default_factory=list)


@dataclass
class SmallPack:
    """A release: active codes, retired codes (code, label, replacement), and one tree."""

    folder: Path
    codes: list[Code]
    retired: list[tuple[int, str, int | None]] = field(default_factory=list)
    # (parent, [children]) pairs, children may be nested pairs too.
    tree: tuple = ()

    def code(self, orpha_code: int) -> Code:
        return next(c for c in self.codes if c.orpha_code == orpha_code)

    def write(self) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._write_list()
        self._write_master_file()
        if self.tree:
            self._write_classification()
        return self.folder

    def _write_list(self) -> None:
        book = openpyxl.Workbook()
        book.active.title = "Read_me"
        header = ("ORPHAcode ", "Label", "Type of label", "Classification level")
        by_code = book.create_sheet("List_active_by_ORPHAcode")
        alphabetical = book.create_sheet("List_active_alphabethical_order")
        by_code.append(header)
        alphabetical.append(header)
        labels = []
        for c in self.codes:
            by_code.append((f"ORPHA:{c.orpha_code}", c.name, "Main name", LEVELS[c.level]))
            labels.append((f"ORPHA:{c.orpha_code}", c.name, "Main name", LEVELS[c.level]))
            labels.extend(
                (f"ORPHA:{c.orpha_code}", s, "Synonym", LEVELS[c.level]) for s in c.synonyms
            )
        for row in sorted(labels, key=lambda row: row[1]):
            alphabetical.append(row)
        retired = book.create_sheet("List_deprecated_obsoleted")
        retired.append(
            (
                "Inactive ORPHAcode ",
                "Inactive Label",
                "Type of label",
                "Classification level",
                "Status",
                "Target active ORPHAcode",
                "Target active label",
            )
        )
        for code, label, target in self.retired:
            retired.append(
                (
                    f"ORPHA:{code}",
                    label,
                    "Main name",
                    "Disorder",
                    "Deprecated" if target else "Obsolete",
                    f"ORPHA:{target}" if target else None,
                    self.code(target).name if target else None,
                )
            )
        book.save(self.folder / "List_of_rare_diseases_2025_en.xlsx")

    def _write_master_file(self) -> None:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "ICD10"
        sheet.append(("ORPHAcode", "PreferredTerm", "Synonyms", "ICDcodes"))
        for c in self.codes:
            if c.level != "disorder":
                continue  # as in Orphanet's master file, which lists disorders only
            for icd in c.icd10 or [None]:
                sheet.append((str(c.orpha_code), c.name, None, icd))
            for synonym in c.synonyms:
                sheet.append((str(c.orpha_code), c.name, synonym, None))
        book.save(self.folder / "ORPHAnomenclature_MasterFile_en_2025.xlsx")

    def _write_classification(self) -> None:
        root = ElementTree.Element("JDBOR", copyright="Orphanet (c) 2025")
        classification = ElementTree.SubElement(
            ElementTree.SubElement(root, "ClassificationList", count="1"),
            "Classification",
            id="146",
        )
        ElementTree.SubElement(classification, "OrphaNumber").text = "156265"
        roots = ElementTree.SubElement(classification, "ClassificationNodeRootList", count="1")
        self._node(roots, self.tree)
        folder = self.folder / "classifications-en"
        folder.mkdir(exist_ok=True)
        ElementTree.ElementTree(root).write(
            folder / "ORPHAclassification_146_rare_test_diseases_en.xml",
            encoding="UTF-8",
            xml_declaration=True,
        )

    def _node(self, parent_element, node) -> None:
        code, children = node if isinstance(node, tuple) else (node, [])
        element = ElementTree.SubElement(parent_element, "ClassificationNode")
        disorder = ElementTree.SubElement(element, "Disorder", id=str(code))
        ElementTree.SubElement(disorder, "OrphaCode").text = str(code)
        ElementTree.SubElement(disorder, "Name", lang="en").text = self.code(code).name
        child_list = ElementTree.SubElement(
            element, "ClassificationNodeChildList", count=str(len(children))
        )
        for child in children:
            self._node(child_list, child)


@pytest.fixture
def small_pack(tmp_path) -> SmallPack:
    """Four codes of one tree, and two retired codes of which one has a replacement."""
    return SmallPack(
        folder=tmp_path / "pack",
        codes=[
            Code(97929, "Rare cardiac disease", "group"),
            Code(64, "Alström syndrome", "disorder", ["ALMS"], ["E34.8"]),
            Code(2322, "Kabuki syndrome", "disorder", ["Niikawa-Kuroki syndrome"], ["Q87.0"]),
            Code(369, "Kabuki syndrome type 1", "subtype", ["KMT2D-related Kabuki"]),
        ],
        retired=[(34, "Pipecolic acidemia", 2322), (77, "OBSOLETE: Aniridia", None)],
        tree=(97929, [64, (2322, [369])]),
    )


def run_import(folder: Path, *args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("import_orphanet", str(folder), *args, stdout=out)
    return out.getvalue()
