"""Decompression and size bombs for the hostile-file catalogue (issue 17 point 3), written
straight to disk so that the large versions never sit in memory: the catalogue test uses them
at `scale` 1 (tens of MB decoded), bench/hostile_rss.py at the sizes of the issue (1.9 MB files
decoding to ~2 GB and more).

- sharedstrings.xlsx: one sheet whose sharedStrings.xml is one huge run of tiny strings
  (openpyxl loads the whole shared-string table before the first row);
- dimension.xlsx: a sheet declaring A1:XFD1048576 with cells in column XFD (openpyxl pads every
  row to the declared width: 16,384 values a row);
- inline_cell.xlsx: one inline string cell of many MB;
- dictionary.parquet: one 1 MB string, dictionary-encoded, repeated on every row (the file
  holds it once; pandas gets it once per row);
- rows.parquet: millions of one-byte rows in a few KB (RLE);
- bomb.csv.gz: a CSV whose one field inflates past every cap;
- long_line.jsonl.gz: one JSON Lines line of many MB.
"""
from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
    '2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
    'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="Cases" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
HEADER_ROW = ('<row r="1"><c r="A1" t="inlineStr"><is><t>case_id</t></is></c>'
              '<c r="B1" t="inlineStr"><is><t>created_at</t></is></c></row>')
CHUNK = 1 << 20
NAMES = ("sharedstrings.xlsx", "dimension.xlsx", "inline_cell.xlsx", "dictionary.parquet",
         "rows.parquet", "bomb.csv.gz", "long_line.jsonl.gz")


def _write_chunks(member, head: str, body: bytes, body_bytes: int, tail: str) -> None:
    member.write(head.encode())
    for _ in range(body_bytes // len(body)):
        member.write(body)
    member.write(tail.encode())


def _workbook(path: Path, sheet: tuple[str, bytes, int, str],
              shared: tuple[str, bytes, int, str] | None = None) -> Path:
    shared = shared or (f'<?xml version="1.0"?><sst {NS} count="0" uniqueCount="0">', b"", 0,
                        "</sst>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        book.writestr("[Content_Types].xml", CONTENT_TYPES)
        book.writestr("_rels/.rels", ROOT_RELS)
        book.writestr("xl/workbook.xml", WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        for name, (head, body, size, tail) in (("xl/worksheets/sheet1.xml", sheet),
                                               ("xl/sharedStrings.xml", shared)):
            with book.open(name, "w", force_zip64=True) as member:
                _write_chunks(member, head, body or b" ", size if body else 0, tail)
    return path


def _repeat(unit: bytes, size: int) -> bytes:
    """About CHUNK bytes of whole `unit`s (or `size`, if smaller)."""
    return unit * max(min(CHUNK, size) // len(unit), 1)


def shared_strings_xlsx(path: Path, decoded_mb: int) -> Path:
    unit = b"<si><t>a</t></si>"
    sheet = (f'<?xml version="1.0"?><worksheet {NS}><sheetData>{HEADER_ROW}'
             '<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="inlineStr"><is><t>2025-03-01 '
             '10:00</t></is></c></row>', b"", 0, "</sheetData></worksheet>")
    shared = (f'<?xml version="1.0"?><sst {NS}>', _repeat(unit, decoded_mb << 20), decoded_mb << 20,
              "</sst>")
    return _workbook(path, sheet, shared)


def dimension_xlsx(path: Path, rows: int) -> Path:
    """`rows` rows each with a value in A and one in the last column, XFD."""
    head = (f'<?xml version="1.0"?><worksheet {NS}><dimension ref="A1:XFD1048576"/><sheetData>'
            + HEADER_ROW)
    # Row elements without r= numbers: openpyxl counts them itself.
    unit = b'<row><c t="inlineStr"><is><t>D</t></is></c><c r="XFD1"><v>1</v></c></row>'
    return _workbook(path, (head, unit * 1000, len(unit) * rows, "</sheetData></worksheet>"))


def inline_cell_xlsx(path: Path, cell_mb: int) -> Path:
    head = (f'<?xml version="1.0"?><worksheet {NS}><sheetData>{HEADER_ROW}<row r="2"><c r="A2" '
            't="inlineStr"><is><t>')
    tail = ('</t></is></c><c r="B2" t="inlineStr"><is><t>2025-03-01 10:00</t></is></c></row>'
            "</sheetData></worksheet>")
    return _workbook(path, (head, b"x" * CHUNK, cell_mb << 20, tail))


def _zeros(rows: int) -> pa.Array:
    return pa.array(np.zeros(rows, dtype=np.int32))


def dictionary_parquet(path: Path, rows: int, value_mb: int = 1) -> Path:
    value = "y" * (value_mb << 20)
    summary = pa.DictionaryArray.from_arrays(_zeros(rows), pa.array([value]))
    created = pa.DictionaryArray.from_arrays(_zeros(rows), pa.array(["2025-03-01 10:00"]))
    ids = pa.DictionaryArray.from_arrays(_zeros(rows), pa.array(["DB1"]))
    pq.write_table(pa.table({"case_id": ids, "created_at": created, "summary": summary}), path,
                   compression="zstd")
    return path


def rows_parquet(path: Path, rows: int) -> Path:
    ids = pa.DictionaryArray.from_arrays(_zeros(rows), pa.array(["R"]))
    created = pa.DictionaryArray.from_arrays(_zeros(rows), pa.array(["2025-03-01 10:00"]))
    pq.write_table(pa.table({"case_id": ids, "created_at": created}), path, compression="zstd",
                   row_group_size=1 << 22)
    return path


def csv_gz(path: Path, field_mb: int) -> Path:
    with gzip.open(path, "wb", compresslevel=9) as out:
        out.write(b"case_id,created_at,summary\nG1,2025-03-01 10:00,")
        for _ in range(field_mb):
            out.write(b"z" * CHUNK)
        out.write(b"\n")
    return path


def long_line_jsonl_gz(path: Path, line_mb: int) -> Path:
    with gzip.open(path, "wb", compresslevel=9) as out:
        out.write(b'{"case_id": "L1", "created_at": "2025-03-01 10:00"}\n')
        out.write(b'{"case_id": "L2", "created_at": "2025-03-01 10:00", "summary": "')
        for _ in range(line_mb):
            out.write(b"q" * CHUNK)
        out.write(b'"}\n')
    return path


def zip_bytes(members: dict[str, bytes]) -> bytes:
    """A zip archive (in memory) of `members`, name -> bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def write_all(folder: Path, scale: int = 1) -> dict[str, Path]:
    """Every bomb in `folder`; scale 1: ~40-100 MB decoded each (caught by the caps, quick to
    write); scale 20: the issue's sizes (~2 GB)."""
    folder.mkdir(parents=True, exist_ok=True)
    return {
        "sharedstrings.xlsx": shared_strings_xlsx(folder / "sharedstrings.xlsx", 100 * scale),
        "dimension.xlsx": dimension_xlsx(folder / "dimension.xlsx", 20_000 * scale),
        "inline_cell.xlsx": inline_cell_xlsx(folder / "inline_cell.xlsx", 50 * scale),
        "dictionary.parquet": dictionary_parquet(folder / "dictionary.parquet", 2_000 * scale),
        "rows.parquet": rows_parquet(folder / "rows.parquet", 10_000_000 * scale),
        "bomb.csv.gz": csv_gz(folder / "bomb.csv.gz", 100 * scale),
        "long_line.jsonl.gz": long_line_jsonl_gz(folder / "long_line.jsonl.gz", 100 * scale),
    }
