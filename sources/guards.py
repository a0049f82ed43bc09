"""Checks on an untrusted file before any parser touches it.

python-calamine is fast but trusts its input: a 2 KB xlsx whose worksheet declares the dimension
``A1:XFD1048576`` makes it try to allocate the whole grid and the *process* aborts (no Python
exception to catch). Zip bombs and XML entity expansion are the classic attacks on the other
parsers. So every file goes through `check_file` first, which looks only at the zip directory and
the XML parts as byte streams (tag scans, no tree is ever built) — nothing is extracted.

What is checked, per format (every limit is a `GuardLimits` field, overridable from the
environment as ``NTM_GUARD_<FIELD>`` through the settings, e.g. ``NTM_GUARD_MAX_ROWS=200000``):

- any file: size cap, zero bytes, magic bytes (zip or OLE2, else "not a workbook").
- zip (.xlsx, .ods): entry count, per-entry and total decompressed size, compression ratio, a
  declared size that the compressed data contradicts, encrypted entries, DTD/ENTITY declarations.
- .xlsx: every worksheet's area, from its ``<dimension>`` *and* from the cells actually present
  (a dimension can lie: ``A1:A1`` over a cell in XFD1048576 aborts calamine just the same); rows
  and cells without an ``r`` attribute are counted by position, as the parser does.
- .ods: the area of every table, counting ``number-rows-repeated``/``number-columns-repeated``
  of cells that hold something (a 1 KB .ods repeating one value over 9000 × 9000 cells aborts
  calamine); the manifest's encryption data.
- .xls and other OLE2 files: the compound file's directory (encrypted OOXML packages, files
  without a workbook stream), then the BIFF records: FILEPASS (a password), DIMENSIONS and the
  cell records' row and column (a 5 KB .xls with one cell in IV65536 makes calamine build a
  16-million-cell grid).
"""

from __future__ import annotations

import os
import re
import stat
import struct
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from sources.findings import Finding
from sources.rules import finding

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted OOXML file is an OLE2 container with these streams (names are UTF-16LE).
_OLE_ENCRYPTED_MARKERS = (
    "EncryptionInfo".encode("utf-16-le"),
    "EncryptedPackage".encode("utf-16-le"),
)
HEAD_BYTES = 8192  # how much of each XML part is inspected

_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*\bref\s*=\s*\"([A-Za-z0-9:$]+)\"")
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

    @classmethod
    def from_variables(cls, variables: Mapping[str, str | None]) -> GuardLimits:
        """Defaults, overridden by the text of ``NTM_GUARD_<FIELD>`` variables (`GUARD_VARIABLES`,
        e.g. NTM_GUARD_MAX_ROWS=200_000). The caller reads the environment (the settings)."""
        values: dict[str, Any] = {}
        for item in fields(cls):
            raw = (variables.get(GUARD_VARIABLES[item.name]) or "").strip()
            if raw:
                kind = float if item.type in ("float", float) else int
                values[item.name] = kind(raw.replace("_", ""))
        return cls(**values)

    def variables(self) -> dict[str, str]:
        """The variables that give back these limits (those that differ from the defaults)."""
        default = GuardLimits()
        return {
            GUARD_VARIABLES[item.name]: str(getattr(self, item.name))
            for item in fields(self)
            if getattr(self, item.name) != getattr(default, item.name)
        }


# The variable that sets each limit: NTM_GUARD_<FIELD>.
GUARD_VARIABLES = {item.name: f"NTM_GUARD_{item.name.upper()}" for item in fields(GuardLimits)}


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


# --- what a landing entry is, without following it -----------------------------------------------
# (English, Vietnamese) names of the kinds of entry that are not regular files.
ENTRY_KINDS = {
    "symlink": ("symbolic link", "liên kết tượng trưng (symlink)"),
    "directory": ("directory", "thư mục"),
    "fifo": ("named pipe (FIFO)", "đường ống có tên (FIFO)"),
    "socket": ("socket", "socket"),
    "device": ("device file", "tệp thiết bị"),
    "other": ("special file", "mục đặc biệt"),
}


def entry_kind(mode: int) -> str | None:
    """None for a regular file, else what the entry is (an ``lstat`` mode: links not followed)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "other"


def skipped_entry_finding(name: str, kind: str) -> Finding:
    """FILE-013: a landing entry that is not a regular file, skipped unopened."""
    kind_en, kind_vi = ENTRY_KINDS.get(kind, ENTRY_KINDS["other"])
    return finding("FILE-013", file_name=name, entry=name, kind_en=kind_en, kind_vi=kind_vi)


class NotRegularFile(OSError):
    """The path is a symlink, a FIFO, a directory ...: the warehouse never opens those."""

    def __init__(self, path: Path, kind: str) -> None:
        super().__init__(f"{Path(path).name}: a {ENTRY_KINDS[kind][0]}, not a regular file")
        self.kind = kind


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_BINARY = getattr(os, "O_BINARY", 0)


def open_regular(path: Path) -> Any:
    """Open a file for reading only if it is a regular file, never following a symlink.

    ``O_NOFOLLOW`` refuses a link at the last component (checked by the kernel at open time, so
    a file swapped for a link after an ``lstat`` is refused too) and ``O_NONBLOCK`` keeps a FIFO
    from blocking the open; ``fstat`` of the open descriptor then says what was really opened.
    """
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _BINARY)
    except OSError as exc:
        if os.path.islink(path):
            raise NotRegularFile(path, "symlink") from exc
        raise
    kind = entry_kind(os.fstat(fd).st_mode)
    if kind is not None:
        os.close(fd)
        raise NotRegularFile(path, kind)
    return os.fdopen(fd, "rb")


def check_file(path: Path, limits: GuardLimits = GuardLimits()) -> list[Finding]:
    """Return findings that make the file unsafe or unreadable; an empty list means go ahead."""
    path = Path(path)
    name = path.name
    try:
        handle = open_regular(path)
    except NotRegularFile as exc:
        return [skipped_entry_finding(name, exc.kind)]
    except OSError as exc:
        return [finding("FILE-010", file_name=name, detail=type(exc).__name__)]
    # Every check reads the descriptor opened above, never the path again.
    with handle:
        try:
            size = os.fstat(handle.fileno()).st_size
            head = handle.read(8)
            handle.seek(0)
        except OSError as exc:
            return [finding("FILE-010", file_name=name, detail=type(exc).__name__)]
        if size == 0:
            return [finding("FILE-001", file_name=name)]
        if size > limits.max_file_bytes:
            return [finding("FILE-004", file_name=name, size=size, limit=limits.max_file_bytes)]
        if head.startswith(ZIP_MAGIC):
            return _check_zip(path, limits, handle)
        if head == OLE2_MAGIC:
            return _check_ole2(path, limits, handle)
    return [finding("FILE-002", file_name=name, detail="not a zip or OLE2 file")]


def _check_zip(path: Path, limits: GuardLimits, source: Any = None) -> list[Finding]:
    name = path.name
    try:
        archive = zipfile.ZipFile(source if source is not None else path)
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
        if "xl/workbook.bin" in names:
            # Binary sheets (.xlsb) cannot be measured before parsing: not accepted.
            return [
                finding(
                    "FILE-002",
                    file_name=name,
                    detail="binary Excel workbook (.xlsb); save it as .xlsx / lưu lại dạng .xlsx",
                )
            ]
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
        # Deflate never grows data by more than ~0.1 %: a declared size far below the compressed
        # size is a lie (a bomb hiding its real size from the checks below).
        if info.compress_type != zipfile.ZIP_STORED and (
            info.compress_size > info.file_size * 1.01 + 1024
        ):
            return [
                finding(
                    "FILE-011",
                    file_name=name,
                    entry=info.filename,
                    declared=info.file_size,
                    compressed=info.compress_size,
                )
            ]
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
        shapes: list[tuple[str, int, int]] = []
        if kind == "xlsx" and entry.startswith("xl/worksheets/") and entry.endswith(".xml"):
            shape = _xlsx_sheet_shape(archive, info, head, limits)
            if shape is not None:
                shapes.append((entry, shape[0], shape[1]))
        elif kind == "ods" and entry == "content.xml":
            shapes.extend(_ods_table_shapes(archive, info, limits))
        for where, rows, cols in shapes:
            if rows > limits.max_rows or cols > limits.max_cols:
                ref = f"A1:{column_letters(max(cols, 1))}{rows}"
                findings.append(
                    finding("FILE-008", file_name=name, entry=where, ref=ref, rows=rows, cols=cols)
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


_TAG = re.compile(rb"<(?:\w+:)?(row|c)\b([^>]*)>")
_R_ATTR = re.compile(rb"\br\s*=\s*\"\$?([A-Za-z]{0,3})\$?([0-9]{0,7})\"")
# The fast path: every row and cell tag carries its reference (Excel, LibreOffice and every
# writer we know write them), so the extent is the largest reference, found by C-speed regexes.
_ROW_TAGS = re.compile(rb"<(?:\w+:)?row\b")
_CELL_TAGS = re.compile(rb"<(?:\w+:)?c\b")
_ROW_REFS = re.compile(rb"<(?:\w+:)?row\b[^>]*?\br\s*=\s*\"([0-9]{1,7})\"")
_CELL_REFS = re.compile(rb"<(?:\w+:)?c\b[^>]*?\br\s*=\s*\"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})\"")
_STREAM_CHUNK = 1024 * 1024
_MAX_TAG_CARRY = 64 * 1024


def _referenced_extent(data: bytes) -> tuple[int, int, int] | None:
    """(max row, max column, last column) when every row and cell tag in ``data`` names its
    reference; None when some do not (their position then depends on the tags before them)."""
    row_refs = _ROW_REFS.findall(data)
    cell_refs = _CELL_REFS.findall(data)
    if len(row_refs) != len(_ROW_TAGS.findall(data)):
        return None
    if len(cell_refs) != len(_CELL_TAGS.findall(data)):
        return None
    rows = max((int(r) for r in {*row_refs, *(number for _, number in cell_refs)}), default=0)
    letters = {letters.upper() for letters, _ in cell_refs}
    cols = max((column_number(x.decode()) for x in letters), default=0)
    last = column_number(cell_refs[-1][0].decode()) if cell_refs else 0
    return rows, cols, last


def _positional_extent(data: bytes, row: int, col: int) -> tuple[int, int, int, int]:
    """Follow row and cell tags the way the parser does: by their ``r`` reference, or by
    position when it is missing. Returns (max row, max column, current row, current column)."""
    rows = cols = 0
    for tag, attrs in _TAG.findall(data):
        ref = _R_ATTR.search(attrs)
        if tag == b"row":
            row = int(ref.group(2)) if ref and ref.group(2) else row + 1
            col = 0
        else:
            if ref and ref.group(1):
                col = column_number(ref.group(1).decode())
                if ref.group(2):
                    row = max(row, int(ref.group(2)))
            else:
                col += 1
            cols = max(cols, col)
        rows = max(rows, row)
    return rows, cols, row, col


def _xlsx_sheet_shape(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, head: bytes, limits: GuardLimits
) -> tuple[int, int] | None:
    """(rows, cols) of the grid the parser will build for a worksheet part.

    The declared ``<dimension>`` counts, and so do the cells actually present: the part is
    streamed (its size is already capped) and row and cell tags are followed the way the parser
    follows them. Stops as soon as a limit is passed.
    """
    rows = cols = 0
    match = _DIMENSION.search(head)
    if match:
        shape = parse_dimension(match.group(1).decode("ascii", "replace"))
        if shape:
            rows, cols = shape
            if rows > limits.max_rows or cols > limits.max_cols:
                return rows, cols
    row = col = 0
    carry = b""
    with archive.open(info) as handle:
        while True:
            chunk = handle.read(_STREAM_CHUNK)
            data = carry + chunk
            cut = data.rfind(b"<") if chunk else len(data)
            if cut < 0 or (chunk and len(data) - cut > _MAX_TAG_CARRY):
                cut = len(data)
            complete = data[:cut]
            extent = _referenced_extent(complete)
            if extent is not None:
                chunk_rows, chunk_cols, last_col = extent
                # Positional tags in a later chunk continue from here; starting them at the
                # largest row so far can only overestimate the grid, never hide cells.
                row, col = max(row, chunk_rows), last_col or col
            else:
                chunk_rows, chunk_cols, row, col = _positional_extent(complete, row, col)
            rows, cols = max(rows, chunk_rows), max(cols, chunk_cols)
            if rows > limits.max_rows or cols > limits.max_cols or not chunk:
                break
            carry = data[cut:]
    return (rows, max(cols, 1)) if rows else None


class _LimitPassed(Exception):
    pass


_ODS_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_ODS_OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def _ods_table_shapes(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: GuardLimits
) -> list[tuple[str, int, int]]:
    """(table, rows, cols) of each table of an .ods ``content.xml``, repeats included.

    Only cells that hold something (a value type or any content) extend the area: LibreOffice
    itself ends every sheet with an empty row repeated a million times, which the parser skips.
    Streamed through defusedxml's SAX parser (no DTD, no entities, no tree).
    """
    from xml.sax.handler import ContentHandler, feature_namespaces

    import defusedxml.sax

    shapes: list[tuple[str, int, int]] = []

    class Handler(ContentHandler):
        def __init__(self) -> None:
            super().__init__()
            self.table = ""
            self.row = self.rows = self.cols = 0
            self.row_repeat = 1
            self.row_has_content = False
            self.col = 0
            self.cell: list[Any] | None = None  # [repeat, has content]

        def startElementNS(self, name: tuple[str | None, str], qname: Any, attrs: Any) -> None:
            ns, local = name
            if self.cell is not None:
                self.cell[1] = True  # any child of a cell (text:p …) is content
            if ns != _ODS_TABLE_NS:
                return
            if local == "table":
                self.table = attrs.get((_ODS_TABLE_NS, "name"), "?")
                self.row = self.rows = self.cols = 0
            elif local == "table-row":
                self.row_repeat = _repeat(attrs.get((_ODS_TABLE_NS, "number-rows-repeated")))
                self.col = 0
                self.row_has_content = False
            elif local in ("table-cell", "covered-table-cell"):
                repeat = _repeat(attrs.get((_ODS_TABLE_NS, "number-columns-repeated")))
                has_value = (_ODS_OFFICE_NS, "value-type") in attrs
                self.cell = [repeat, has_value]

        def endElementNS(self, name: tuple[str | None, str], qname: Any) -> None:
            ns, local = name
            if ns != _ODS_TABLE_NS:
                return
            if local in ("table-cell", "covered-table-cell") and self.cell is not None:
                repeat, has_content = self.cell
                self.col += repeat
                if has_content:
                    self.cols = max(self.cols, self.col)
                    self.row_has_content = True
                self.cell = None
            elif local == "table-row":
                self.row += self.row_repeat
                if self.row_has_content:
                    self.rows = self.row
                if self.rows > limits.max_rows or self.cols > limits.max_cols:
                    raise _LimitPassed
            elif local == "table":
                if self.rows:
                    shapes.append((f"content.xml: {self.table}", self.rows, max(self.cols, 1)))
                self.table = ""

    handler = Handler()
    parser = defusedxml.sax.make_parser()
    parser.setFeature(feature_namespaces, True)
    parser.setContentHandler(handler)
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_STREAM_CHUNK):
                parser.feed(chunk)
        parser.close()
    except _LimitPassed:
        shapes.append((f"content.xml: {handler.table}", handler.rows, max(handler.cols, 1)))
    return shapes


def _repeat(value: str | None) -> int:
    try:
        return max(int(value), 1) if value else 1
    except ValueError:
        return 1


# --- OLE2 (compound file): .xls, encrypted OOXML -------------------------------------------------
_FREE_SECTORS = 0xFFFFFFFA  # sector ids from here up are markers (end of chain, free, FAT …)
_WORKBOOK_STREAMS = ("workbook", "book")
_BIFF_CELL_RECORDS = frozenset(
    {0x0006, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x00D6, 0x00BD, 0x00BE}
)
_BIFF_MULTI_RECORDS = frozenset({0x00BD, 0x00BE})  # MULRK, MULBLANK: last column at the end
_BIFF_BOF, _BIFF_EOF, _BIFF_FILEPASS, _BIFF_DIMENSIONS = 0x0809, 0x000A, 0x002F, 0x0200


class _OleError(Exception):
    pass


def _check_ole2(path: Path, limits: GuardLimits, source: Any = None) -> list[Finding]:
    """An OLE2 file must be a workbook (.xls) without a password and within the grid limits.

    The compound file is walked by hand (its size is capped; a few dozen lines, no dependency):
    an encrypted OOXML package is an OLE2 file with ``EncryptionInfo``/``EncryptedPackage``
    streams; an .xls has a ``Workbook`` (BIFF8) or ``Book`` (BIFF5) stream.
    """
    name = path.name
    data = source.read() if source is not None else path.read_bytes()
    try:
        streams = _ole_streams(data)
    except (_OleError, struct.error, IndexError, ValueError):
        if any(marker in data for marker in _OLE_ENCRYPTED_MARKERS):
            return [finding("FILE-003", file_name=name)]
        return [finding("FILE-002", file_name=name, detail="damaged OLE2 container")]
    if "encryptedpackage" in streams or "encryptioninfo" in streams:
        return [finding("FILE-003", file_name=name)]
    stream_name = next((s for s in _WORKBOOK_STREAMS if s in streams), None)
    if stream_name is None:
        return [finding("FILE-002", file_name=name, detail="OLE2 file without a workbook stream")]
    try:
        workbook = streams[stream_name]()
    except (_OleError, struct.error, IndexError, ValueError):
        return [finding("FILE-002", file_name=name, detail="damaged OLE2 container")]
    return _check_biff(name, workbook, limits)


def _ole_streams(data: bytes) -> dict[str, Any]:
    """Stream name (lower case) → a function returning its bytes."""
    if len(data) < 512:
        raise _OleError("short header")
    sector_shift, mini_shift = struct.unpack_from("<HH", data, 30)
    if sector_shift not in (9, 12) or mini_shift != 6:
        raise _OleError("bad sector size")
    size = 1 << sector_shift
    (num_fat, first_dir, _, mini_cutoff, first_minifat, _, first_difat, num_difat) = (
        struct.unpack_from("<IIIIIIII", data, 44)
    )
    sector_count = max(-(-(len(data) - size) // size), 0)  # sectors after the header
    if num_fat > sector_count:
        raise _OleError("bad FAT count")

    def sector(index: int) -> bytes:
        if index >= sector_count:
            raise _OleError("sector out of range")
        offset = (index + 1) * size
        return data[offset : offset + size].ljust(size, b"\x00")

    difat = list(struct.unpack_from("<109I", data, 76))
    next_difat, seen = first_difat, 0
    while next_difat < _FREE_SECTORS and seen <= num_difat:
        values = struct.unpack(f"<{size // 4}I", sector(next_difat))
        difat.extend(values[:-1])
        next_difat, seen = values[-1], seen + 1
    fat_sectors = [s for s in difat if s < _FREE_SECTORS][:num_fat]
    fat: list[int] = []
    for index in fat_sectors:
        fat.extend(struct.unpack(f"<{size // 4}I", sector(index)))

    def chain(start: int, table: list[int], limit: int) -> list[int]:
        found: list[int] = []
        current = start
        while current < _FREE_SECTORS:
            if current >= len(table) or len(found) > limit:
                raise _OleError("broken chain")
            found.append(current)
            current = table[current]
        return found

    def read(start: int, length: int) -> bytes:
        return b"".join(sector(i) for i in chain(start, fat, sector_count))[:length]

    directory = read(first_dir, sector_count * size)
    entries = [directory[i : i + 128] for i in range(0, len(directory) - 127, 128)]
    if not entries:
        raise _OleError("no directory")
    root_start, root_size = struct.unpack_from("<IQ", entries[0], 116)
    mini: dict[str, bytes] = {}

    def read_mini(start: int, length: int) -> bytes:
        if "stream" not in mini:
            mini["stream"] = read(root_start, root_size)
            minifat_bytes = read(first_minifat, sector_count * size)
            mini["fat"] = minifat_bytes
        minifat = list(struct.unpack(f"<{len(mini['fat']) // 4}I", mini["fat"]))
        stream = mini["stream"]
        parts = [stream[i * 64 : i * 64 + 64] for i in chain(start, minifat, len(minifat))]
        return b"".join(parts)[:length]

    streams: dict[str, Any] = {}
    for entry in entries[1:]:
        name_length, entry_type = struct.unpack_from("<HB", entry, 64)
        if entry_type != 2 or not 2 <= name_length <= 64:
            continue
        name = entry[: name_length - 2].decode("utf-16-le", "replace").lower()
        start, length = struct.unpack_from("<IQ", entry, 116)
        if size == 512:
            length &= 0xFFFFFFFF  # version 3 files: the high half is undefined
        if length > len(data):
            raise _OleError("stream larger than the file")
        if length < mini_cutoff:
            streams[name] = lambda s=start, n=length: read_mini(s, n)
        else:
            streams[name] = lambda s=start, n=length: read(s, n)
    return streams


def _check_biff(name: str, stream: bytes, limits: GuardLimits) -> list[Finding]:
    """Walk the BIFF records: a password, and each sheet's area (declared and actual cells)."""
    findings: list[Finding] = []
    sheets: list[list[int]] = []  # [rows, cols] per worksheet substream, in order
    current: list[int] | None = None
    offset, end = 0, len(stream)
    while offset + 4 <= end:
        record, length = struct.unpack_from("<HH", stream, offset)
        body = stream[offset + 4 : offset + 4 + length]
        offset += 4 + length
        if record == _BIFF_FILEPASS and not sheets and current is None:
            return [finding("FILE-003", file_name=name)]
        if record == _BIFF_BOF and len(body) >= 4:
            substream = struct.unpack_from("<H", body, 2)[0]
            current = [0, 0] if substream == 0x0010 else None
            if current is not None:
                sheets.append(current)
        elif record == _BIFF_EOF:
            current = None
        elif current is None:
            continue
        elif record == _BIFF_DIMENSIONS and len(body) >= 10:
            if len(body) >= 14:
                last_row, last_col = struct.unpack_from("<I", body, 4)[0], body[10] | body[11] << 8
            else:
                last_row, last_col = struct.unpack_from("<H", body, 2)[0], body[6] | body[7] << 8
            current[0] = max(current[0], last_row)
            current[1] = max(current[1], last_col)
        elif record in _BIFF_CELL_RECORDS and len(body) >= 4:
            row, col = struct.unpack_from("<HH", body, 0)
            if record in _BIFF_MULTI_RECORDS and len(body) >= 6:
                col = struct.unpack_from("<H", body, len(body) - 2)[0]
            current[0] = max(current[0], row + 1)
            current[1] = max(current[1], col + 1)
    total_cells = 0
    for number, (rows, cols) in enumerate(sheets, start=1):
        if rows > limits.max_rows or cols > limits.max_cols:
            ref = f"A1:{column_letters(max(cols, 1))}{rows}"
            entry = f"Workbook: sheet {number}"
            findings.append(
                finding("FILE-008", file_name=name, entry=entry, ref=ref, rows=rows, cols=cols)
            )
        total_cells += rows * cols
    if not findings and total_cells > limits.max_cells:
        findings.append(
            finding("FILE-006", file_name=name, detail=f"{total_cells} cells > {limits.max_cells}")
        )
    return findings


def column_letters(number: int) -> str:
    """1 → 'A', 27 → 'AA' (1-based column number to Excel letters)."""
    letters = ""
    while number:
        number, rem = divmod(number - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
