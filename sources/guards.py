"""Checks on an untrusted file before any parser touches it.

python-calamine is fast but trusts its input: a 2 KB xlsx whose worksheet declares the dimension
``A1:XFD1048576`` makes it try to allocate the whole grid and the *process* aborts (no Python
exception to catch). Zip bombs and XML entity expansion are the classic attacks on the other
parsers. So every file goes through `check_file` first, which looks only at the zip directory and
the first few KB of the XML parts — nothing is extracted, nothing is parsed.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from schemas.findings import Finding
from schemas.rules import finding

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted OOXML file is an OLE2 container with these streams (names are UTF-16LE).
_OLE_ENCRYPTED_MARKERS = (
    "EncryptionInfo".encode("utf-16-le"),
    "EncryptedPackage".encode("utf-16-le"),
)
HEAD_BYTES = 8192  # how much of each XML part is inspected

_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*\bref\s*=\s*\"([A-Za-z0-9:$]+)\"")
_CELL_REF = re.compile(rb"<(?:\w+:)?c\b[^>]*?\br\s*=\s*\"([A-Z]{1,3})([0-9]{1,7})\"")
_ROW_REF = re.compile(rb"<(?:\w+:)?row\b[^>]*?\br\s*=\s*\"([0-9]{1,7})\"")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_REF_PART = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")
_XML_SUFFIXES = (".xml", ".rels", ".vml")


@dataclass(frozen=True)
class GuardLimits:
    """Limits far above any real district report (a few hundred rows, a few sheets)."""

    max_file_bytes: int = 50 * 1024 * 1024
    max_zip_entries: int = 200
    max_entry_bytes: int = 200 * 1024 * 1024
    max_total_bytes: int = 500 * 1024 * 1024
    max_compression_ratio: float = 200.0
    max_rows: int = 100_000
    max_cols: int = 200
    max_cells: int = 2_000_000
    # Ratios of tiny entries are meaningless (a 100-byte part can compress 50x): skip those.
    ratio_min_entry_bytes: int = 1024 * 1024


def column_number(letters: str) -> int:
    """'A' → 1, 'AA' → 27, 'XFD' → 16384."""
    number = 0
    for ch in letters.upper():
        number = number * 26 + (ord(ch) - 64)
    return number


def parse_dimension(ref: str) -> tuple[int, int] | None:
    """`A1:XFD1048576` → (rows, cols) of the area from A1 to its far corner; None if unreadable."""
    corner = ref.split(":")[-1]
    match = _REF_PART.match(corner)
    if not match:
        return None
    return int(match.group(2)), column_number(match.group(1))


def check_file(path: Path, limits: GuardLimits = GuardLimits()) -> list[Finding]:
    """Return findings that make the file unsafe or unreadable; an empty list means go ahead."""
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        return [finding("FILE-010", file_name=name, detail=type(exc).__name__)]
    if size == 0:
        return [finding("FILE-001", file_name=name)]
    if size > limits.max_file_bytes:
        return [finding("FILE-004", file_name=name, size=size, limit=limits.max_file_bytes)]
    if head.startswith(ZIP_MAGIC):
        return _check_zip(path, limits)
    if head == OLE2_MAGIC:
        return _check_ole2(path)
    return [finding("FILE-002", file_name=name, detail="not a zip or OLE2 file")]


def _check_ole2(path: Path) -> list[Finding]:
    """A genuine .xls is allowed (its size was capped); an encrypted OOXML package is not.

    The directory stream names are UTF-16; scanning the whole (size-capped) file for them is
    simpler and as cheap as walking the FAT chain.
    """
    data = path.read_bytes()
    if any(marker in data for marker in _OLE_ENCRYPTED_MARKERS):
        return [finding("FILE-003", file_name=path.name)]
    return []


def _check_zip(path: Path, limits: GuardLimits) -> list[Finding]:
    name = path.name
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return [finding("FILE-002", file_name=name, detail=f"broken zip: {exc}")]
    with archive:
        infos = archive.infolist()
        findings = _check_zip_sizes(name, infos, limits)
        if findings:
            return findings  # do not even decompress heads of a suspicious archive
        names = {info.filename for info in infos}
        kind = _zip_kind(archive, names)
        if kind is None:
            return [finding("FILE-002", file_name=name, detail="zip without a workbook inside")]
        if kind == "ods" and _ods_encrypted(archive, names):
            return [finding("FILE-003", file_name=name)]
        try:
            return _check_xml_parts(archive, infos, kind, limits, name)
        except Exception as exc:  # BadZipFile, zlib.error, EOFError ...: all mean a broken zip
            return [finding("FILE-002", file_name=name, detail=f"broken zip: {exc}")]


def _check_zip_sizes(name: str, infos: list[zipfile.ZipInfo], limits: GuardLimits) -> list[Finding]:
    if len(infos) > limits.max_zip_entries:
        return [finding("FILE-005", file_name=name, count=len(infos), limit=limits.max_zip_entries)]
    findings: list[Finding] = []
    total = 0
    for info in infos:
        total += info.file_size
        if info.flag_bits & 0x1:
            return [finding("FILE-003", file_name=name)]
        if info.file_size > limits.max_entry_bytes:
            findings.append(
                finding(
                    "FILE-006",
                    file_name=name,
                    detail=f"{info.filename}: {info.file_size} > {limits.max_entry_bytes}",
                )
            )
        if info.file_size >= limits.ratio_min_entry_bytes:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_compression_ratio:
                findings.append(
                    finding(
                        "FILE-007",
                        file_name=name,
                        entry=info.filename,
                        ratio=ratio,
                        limit=limits.max_compression_ratio,
                    )
                )
    if total > limits.max_total_bytes:
        findings.append(
            finding("FILE-006", file_name=name, detail=f"total {total} > {limits.max_total_bytes}")
        )
    return findings


def _zip_kind(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return "xlsx"
    if "content.xml" in names:
        return "ods"
    if "mimetype" in names:
        mimetype = archive.open("mimetype").read(100)
        if b"opendocument.spreadsheet" in mimetype:
            return "ods"
    return None


def _ods_encrypted(archive: zipfile.ZipFile, names: set[str]) -> bool:
    manifest = "META-INF/manifest.xml"
    if manifest not in names:
        return False
    return b"encryption-data" in _read_head(archive, manifest, 1024 * 1024)


def _read_head(archive: zipfile.ZipFile, entry: str, size: int = HEAD_BYTES) -> bytes:
    """Decompress only the first ``size`` bytes of an entry (streaming, never the whole part)."""
    with archive.open(entry) as handle:
        return handle.read(size)


def _check_xml_parts(
    archive: zipfile.ZipFile,
    infos: list[zipfile.ZipInfo],
    kind: str,
    limits: GuardLimits,
    name: str,
) -> list[Finding]:
    findings: list[Finding] = []
    total_cells = 0
    for info in infos:
        entry = info.filename
        if not entry.lower().endswith(_XML_SUFFIXES) or info.is_dir():
            continue
        head = _read_head(archive, entry)
        # A DOCTYPE can only sit in the prolog, before the root element: the head is enough.
        if _DTD.search(head):
            findings.append(finding("FILE-009", file_name=name, entry=entry))
            continue
        if kind == "xlsx" and entry.startswith("xl/worksheets/") and entry.endswith(".xml"):
            shape = _declared_shape(archive, info, head)
            if shape is None:
                continue
            rows, cols, ref = shape
            if rows > limits.max_rows or cols > limits.max_cols:
                findings.append(
                    finding("FILE-008", file_name=name, entry=entry, ref=ref, rows=rows, cols=cols)
                )
            total_cells += rows * cols
    if not findings and total_cells > limits.max_cells:
        findings.append(
            finding(
                "FILE-006",
                file_name=name,
                detail=f"{total_cells} cells > {limits.max_cells}",
            )
        )
    return findings


def _declared_shape(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, head: bytes
) -> tuple[int, int, str] | None:
    """The sheet's area as (rows, cols, ref): from `<dimension>` if declared in the head.

    Without a dimension element the parser sizes the grid from the cell references, so then the
    part is streamed (its size is already capped) and the largest row and column are taken.
    """
    match = _DIMENSION.search(head)
    if match:
        ref = match.group(1).decode("ascii", "replace")
        shape = parse_dimension(ref)
        return (shape[0], shape[1], ref) if shape else None
    max_row = 0
    max_col = 0
    tail = b""
    with archive.open(info) as handle:
        while chunk := handle.read(1024 * 1024):
            data = tail + chunk
            for letters, digits in _CELL_REF.findall(data):
                max_row = max(max_row, int(digits))
                max_col = max(max_col, column_number(letters.decode()))
            for digits in _ROW_REF.findall(data):
                max_row = max(max_row, int(digits))
            tail = data[-64:]  # a reference cut in two by the chunk boundary
    if not max_row:
        return None
    return max_row, max(max_col, 1), f"A1:{column_letters(max(max_col, 1))}{max_row}"


def column_letters(number: int) -> str:
    """1 → 'A', 27 → 'AA' (1-based column number to Excel letters)."""
    letters = ""
    while number:
        number, rem = divmod(number - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
