"""The bad-input corpus: broken variants of every source's files, generated at test time from the real snapshots in
../shared/data and from the project's sample generators and fixtures (Eurostat has no real file).

Each case states the policy the pipeline follows for it (the table in docs/reliability.md says the same):

- ``import``: `migration-evidence import` (raw_store.land) refuses the file; nothing is stored.
- ``build``: the file is stored, the build fails reading it with a message naming source, file and the row and
  column where they exist; the snapshot is marked ``rejected`` and never again taken as the newest.
- ``check``: the file parses, a blocking Great Expectations check fails, so nothing downstream runs and nothing is
  published; the check names the column and the offending values (GX reports values, not rows).
- ``rejected-at-import``: the file is stored but marked ``rejected`` at import with the reason (its own dates
  cannot be read: a workbook the xlsx reader cannot open); it is never the newest, and the next build runs
  from the previous good snapshots and publishes the same figures.
- ``vintage``: the file parses and passes every check of its own, but compared with the snapshot it replaces it is
  implausible (a blocking vintage check: rows, share suppressed, series that vanish, totals that move or
  cumulative figures that fall beyond stated limits); nothing is published, the snapshot is marked ``rejected``
  with the comparison, and ``migration-evidence accept`` is the override.
- ``accepted``: not an error by design (layouts are recognised by header names, so reordered columns are read
  the same; a UTF-8 BOM and CRLF line ends are read as text); the build succeeds with the same figures.
- ``cleaned``: a documented cleaning decision (the value is set null, counted in the staging asset's
  metadata and listed in the row's ``cleaning_notes``); the build succeeds.
"""

from __future__ import annotations

import csv
import io
import json
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from tests.conftest import FIXTURES, SHARED_DATA, require_shared

HTML_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>503 Service Temporarily Unavailable</title></head>"
    b"<body><h1>Service Temporarily Unavailable</h1><p>The server is down for maintenance.</p></body></html>\n"
)


@dataclass(frozen=True)
class Case:
    id: str
    source: str
    kind: str  # the category: truncated, empty, html, header renamed, ...
    policy: str  # import | rejected-at-import | build | check | vintage | accepted | cleaned
    make: Callable[[], tuple[str, bytes]]  # (original file name, bytes)
    expect: str = ""  # a regular expression the message must match (besides source and file)
    row: bool = False  # the message names a row (or a JSON path)
    column: str | None = None  # the column the message names
    stands_for: str | None = None  # the API address a saved UNHCR response stands for
    real: str | None = None  # the ../shared/data folder the case is generated from
    sparse_size: int | None = None  # the file is extended (sparse) to this many bytes
    gap: str | None = None  # a known gap: the case fails (strict xfail) until the named fix lands


# ---------------------------------------------------------------- helpers


def rows_of(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def csv_bytes(rows: list[list[str]], newline: str = "\n") -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator=newline).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def set_cell(data: bytes, row: int, column: str, value: str) -> bytes:
    """`data` with the cell of data row `row` (1 = first after the header) in `column` replaced."""
    rows = rows_of(data)
    rows[row][rows[0].index(column)] = value
    return csv_bytes(rows)


def rename_column(data: bytes, old: str, new: str) -> bytes:
    rows = rows_of(data)
    rows[0][rows[0].index(old)] = new
    return csv_bytes(rows)


def drop_column(data: bytes, column: str) -> bytes:
    rows = rows_of(data)
    index = rows[0].index(column)
    return csv_bytes([r[:index] + r[index + 1 :] for r in rows])


def add_column(data: bytes, name: str, value: str, at: int | None = None) -> bytes:
    rows = rows_of(data)
    at = len(rows[0]) if at is None else at
    return csv_bytes([r[:at] + [name if i == 0 else value] + r[at:] for i, r in enumerate(rows)])


def reorder(data: bytes, order: Callable[[list[str]], list[str]]) -> bytes:
    rows = rows_of(data)
    header = order(list(rows[0]))
    positions = [rows[0].index(h) for h in header]
    return csv_bytes([[r[p] for p in positions] for r in rows])


def duplicate_row(data: bytes, row: int) -> bytes:
    rows = rows_of(data)
    return csv_bytes([*rows[: row + 1], rows[row], *rows[row + 1 :]])


def truncate_mid_line(data: bytes, fraction: float = 0.6) -> bytes:
    """Cut inside a line (never at a line end), as an interrupted download does."""
    cut = int(len(data) * fraction)
    while data[cut - 1 : cut] in (b"\n", b",", b'"'):
        cut += 1
    return data[:cut]


def zip_bomb(entry: str = "xl/worksheets/sheet1.xml", declared: int = 5_000_000_000) -> bytes:
    """A small zip whose one entry declares `declared` bytes uncompressed (the compressed stream is tiny)."""
    payload = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = payload.compress(b"<" * 1_000_000) + payload.flush()
    name = entry.encode()
    size32 = min(declared, 0xFFFFFFFE)
    crc = zlib.crc32(b"<" * 1_000_000)
    local = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(body), size32, len(name), 0)
    central = struct.pack(
        "<4sHHHHHHIIIHHHHHII",
        b"PK\x01\x02",
        20,
        20,
        0,
        8,
        0,
        0,
        crc,
        len(body),
        size32,
        len(name),
        0,
        0,
        0,
        0,
        0,
        0,
    )
    end = struct.pack(
        "<4sHHHHIIH",
        b"PK\x05\x06",
        0,
        0,
        1,
        1,
        len(central) + len(name),
        len(local) + len(name) + len(body),
        0,
    )
    return local + name + body + central + name + end


# ---------------------------------------------------------------- the files the cases start from


@cache
def real_mmp() -> bytes:
    return (require_shared("mmp") / "Missing_Migrants_Global_Figures_allData_2025-05-05.csv").read_bytes()


@cache
def real_mmp_xlsx() -> bytes:
    return (require_shared("mmp") / "Missing_Migrants_Global_Figures_allData_2025-05-05.xlsx").read_bytes()


@cache
def sample_mmp() -> bytes:
    from pipelines.sample.iom_mmp import sample_csv

    return sample_csv()


def real_italy(name: str) -> bytes:
    return (require_shared("italy_moi") / name).read_bytes()


@cache
def sample_italy(name: str) -> bytes:
    from pipelines.sample.italy_moi import sample_files

    return sample_files()[name]


def _italy_ytd_falls() -> bytes:
    """The sample nazionalita.csv with one more report, the day after its last, every figure 10."""
    import datetime as dt

    rows = rows_of(sample_italy(NAZIONALITA))
    header, body = rows[0], rows[1:]
    day = header.index("Data_Report")
    value = next(i for i, name in enumerate(header) if name.lower() in ("valore", "value"))
    last = max(r[day] for r in body)
    later = (dt.date.fromisoformat(last[:10]) + dt.timedelta(days=1)).isoformat()
    extra = []
    for row in body:
        if row[day] == last:
            copy = list(row)
            copy[day], copy[value] = later + last[10:], "10"
            extra.append(copy)
    return csv_bytes([header, *body, *extra])


UNHCR_ITALY = "timeseries_month_geo656_group4797_sv11_2014-01_2019-11.json"
UNHCR_ORIGIN = "origin_month_geo656_sv11_2016-01_2019-10.json"


def unhcr_address(series: str) -> str:
    from pipelines.defs.unhcr_odp import config

    return next(config.series_url(row) for row in config.series() if row["series"] == series)


def real_unhcr(name: str = UNHCR_ITALY) -> dict:
    return json.loads((require_shared("unhcr") / name).read_text(encoding="utf-8"))


def unhcr_bytes(body: object) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()


def edit_point(name: str, index: int, **changes: object) -> bytes:
    body = real_unhcr(name)
    points = body["data"]["timeseries"] if "timeseries" in body["data"] else body["data"]
    points[index].update(changes)
    return unhcr_bytes(body)


def glotip_rows() -> list[list[object]]:
    from pipelines.sample.unodc_glotip import _rows

    return [list(r) for r in _rows("2025")]


def glotip_xlsx(rows: list[list[object]], sheet: str = "data_glotip_1") -> bytes:
    from pipelines.sample.unodc_glotip import xlsx_bytes

    return xlsx_bytes(rows, sheet)


def glotip_edit(column: str, value: object, row: int = 5) -> bytes:
    rows = glotip_rows()
    rows[row][rows[2].index(column)] = value
    return glotip_xlsx(rows)


def glotip_columns(change: Callable[[list[list[object]]], list[list[object]]]) -> bytes:
    return glotip_xlsx(change(glotip_rows()))


def _columns(
    rows: list[list[object]], positions: list[int | None], header: list[str] | None = None
) -> list[list[object]]:
    out = []
    for i, r in enumerate(rows):
        cells = [r[p] if p is not None else ("Note" if i == 2 else "") for p in positions]
        out.append(cells)
    if header:
        out[2] = header
    return out


def _glotip_all_suppressed() -> bytes:
    """The sample's 2025 release, re-dated as a newer release, with every value published as '<5'."""
    rows = glotip_rows()
    rows[1][0] = "01/03/2026"
    for row in rows[3:]:
        row[11] = "<5"
    return glotip_xlsx(rows)


def real_glotip() -> bytes:
    return (require_shared("glotip") / "data_glotip_2025-04-14.xlsx").read_bytes()


def eurostat(dataset: str = "crim_thb_vctz") -> bytes:
    from pipelines.sample.eurostat_thb import sample_csv

    return sample_csv(dataset)


def eurostat_fixture(dataset: str = "crim_thb_vexp") -> bytes:
    return (FIXTURES / "eurostat_thb" / f"{dataset}.csv").read_bytes()


MMP = "Missing_Migrants_Global_Figures_allData.csv"
SBARCHI, NAZIONALITA, ANAGRAFICA = "sbarchi-per-giorno.csv", "nazionalita.csv", "anagrafica-report.csv"
GLOTIP = "data_glotip.xlsx"
VCTZ = "crim_thb_vctz.csv"


def _utf16_mmp() -> bytes:
    return real_mmp().decode("utf-8").encode("utf-16")


def _excel_resave(data: bytes) -> bytes:
    """As Excel re-saves a CSV: Windows-1252, CRLF."""
    return data.decode("utf-8").replace("\n", "\r\n").encode("cp1252")


# A layout no known export has: headers recased and reworded as other exports write them, columns reversed.
NEW_LAYOUT_NAMES = {
    "Incident Year": "Incident year",
    "Migration Route": "Migration route",
    "Location of Incident": "Location of death",
    "Number of Dead": "number of dead",
    "Coordinates": "coordinates",
}


def _new_layout_mmp(drop: str | None = None) -> bytes:
    rows = rows_of(sample_mmp())
    keep = [i for i, h in enumerate(rows[0]) if h != drop][::-1]
    rows[0] = [NEW_LAYOUT_NAMES.get(h, h.upper()) for h in rows[0]]
    return _excel_resave(csv_bytes([[r[i] for i in keep] for r in rows]))


def _unhcr_literal(index: int, literal: str) -> bytes:
    """The real series with point `index`'s count written as the JSON literal `literal` (1e4, 1234.7)."""
    return edit_point(UNHCR_ITALY, index, individuals="__LITERAL__").replace(
        b'"__LITERAL__"', literal.encode()
    )


def _hostile(data: bytes, kind: str) -> bytes:
    from tests.support.workbooks import declared_dimension, far_cell

    return declared_dimension(data) if kind == "dimension" else far_cell(data)


def _unreadable_sheet(data: bytes) -> bytes:
    from tests.support.workbooks import with_sheet_xml

    return with_sheet_xml(data, lambda xml: xml[: len(xml) // 2])


def _runaway_quote(data: bytes, row: int = 40) -> bytes:
    lines = data.split(b"\n")
    lines[row] = lines[row].replace(b",", b',"', 1)
    return b"\n".join(lines)


def _mmp_future() -> bytes:
    data = set_cell(sample_mmp(), 30, "Incident Date", "2099-06-01")
    return set_cell(data, 30, "Incident Year", "2099")


def _mmp_absurd() -> bytes:
    data = set_cell(sample_mmp(), 12, "Number of Dead", str(10**9))
    return set_cell(data, 12, "Total Number of Dead and Missing", str(10**9 + int(rows_of(data)[12][8] or 0)))


def _sbarchi_future_report() -> bytes:
    rows = rows_of(sample_italy(SBARCHI))
    last = rows[-1][4]
    for r in rows[1:]:
        if r[4] == last:
            r[4] = "2099-12-31"
    return csv_bytes(rows)


def _bom_crlf(data: bytes) -> bytes:
    return b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n")


def _eurostat_extra_dimension() -> bytes:
    rows = rows_of(eurostat())
    at = rows[0].index("geo")
    out = [rows[0][:at] + ["c_birth"] + rows[0][at:]]
    out += [r[:at] + ["Y_LT18" if i % 2 else "TOTAL"] + r[at:] for i, r in enumerate(rows[1:])]
    return csv_bytes(out)


def _eurostat_value_first() -> bytes:
    return reorder(eurostat(), lambda h: [*h[:7], "OBS_VALUE", "TIME_PERIOD", *h[9:]])


def _eurostat_swap_dimensions() -> bytes:
    return reorder(eurostat(), lambda h: [h[0], h[1], h[5], h[4], h[3], h[2], *h[6:]])


def _eurostat_halved() -> bytes:
    """The sample's crim_thb_vctz with every count halved (the same series and years)."""
    header, *rows = rows_of(eurostat())
    value = header.index("OBS_VALUE")
    for row in rows:
        if row[value].strip().isdigit():
            row[value] = str(int(row[value]) // 2)
    return csv_bytes([header, *rows])


def _eurostat_duplicate() -> bytes:
    return duplicate_row(eurostat(), 7)


def _unhcr_bom() -> bytes:
    return b"\xef\xbb\xbf" + unhcr_sample_italy()


@cache
def unhcr_sample_italy() -> bytes:
    import random

    from pipelines.sample import unhcr_odp

    rng = random.Random(unhcr_odp.SEED)
    return json.dumps(
        unhcr_odp._timeseries("italy_sea_monthly", rng), ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")


def _unhcr_tenth() -> bytes:
    """The sample's Italy series fetched again with every monthly count a tenth of what it was."""
    body = json.loads(unhcr_sample_italy())
    for point in body["data"]["timeseries"]:
        if isinstance(point.get("individuals"), int):
            point["individuals"] //= 10
    return unhcr_bytes(body)


def _mmp_half_the_incidents() -> bytes:
    """The sample export with every other incident record left out (the first and last kept: the same period)."""
    header, *records = rows_of(sample_mmp())
    kept = [r for i, r in enumerate(records) if i % 2 == 0 or i == len(records) - 1]
    return csv_bytes([header, *kept])


def _italy_unrecognised() -> bytes:
    return b"Giorno,Sbarcati,Porto\n2025-09-01,120,Lampedusa\n2025-09-02,80,Pozzallo\n"


def _glotip_truncated() -> bytes:
    data = real_glotip()
    return data[: len(data) // 2]


def _mmp_xlsx_truncated() -> bytes:
    data = real_mmp_xlsx()
    return data[: int(len(data) * 0.7)]


def _mmp_negative() -> bytes:
    return set_cell(sample_mmp(), 20, "Number of Survivors", "-4")


def _mmp_impossible_date() -> bytes:
    data = set_cell(sample_mmp(), 25, "Incident Date", "2019-02-30")
    return data


ITALY_SERIES = "italy_sea_monthly"


def cases() -> list[Case]:
    unhcr_ts = unhcr_address(ITALY_SERIES)
    unhcr_origin = unhcr_address("italy_origin")
    real_mmp_cases = [
        Case(
            "mmp-truncated",
            "iom_mmp",
            "truncated file",
            "build",
            lambda: (MMP, truncate_mid_line(real_mmp())),
            r"fields where the header has|malformed CSV",
            row=True,
            real="mmp",
        ),
        Case(
            "mmp-runaway-quote",
            "iom_mmp",
            "truncated file (unbalanced quote)",
            "build",
            lambda: (MMP, _runaway_quote(real_mmp())),
            r"malformed CSV|fields where the header has",
            row=True,
            real="mmp",
        ),
        Case(
            "mmp-header-renamed",
            "iom_mmp",
            "header renamed",
            "build",
            lambda: (MMP, rename_column(real_mmp(), "Number of Dead", "Dead persons")),
            r"missing needed column\(s\) dead .*unknown column\(s\) \['Dead persons'\]",
            row=True,
            real="mmp",
        ),
        Case(
            "mmp-column-missing",
            "iom_mmp",
            "column missing",
            "build",
            lambda: (MMP, drop_column(real_mmp(), "Number of Survivors")),
            r"missing needed column\(s\) survivors \(known as 'Number of Survivors'\)",
            row=True,
            real="mmp",
        ),
        Case(
            "mmp-extra-column",
            "iom_mmp",
            "extra column",
            "build",
            lambda: (MMP, add_column(real_mmp(), "Comment", "")),
            r"unknown column\(s\) \['Comment'\]",
            row=True,
            real="mmp",
        ),
        Case(
            "mmp-utf16",
            "iom_mmp",
            "wrong encoding (UTF-16)",
            "build",
            lambda: (MMP, _utf16_mmp()),
            r"holds NUL bytes \(UTF-16 text or binary\?\): not UTF-8 or Windows-1252",
            row=True,
            real="mmp",
        ),
        Case(
            "mmp-fraction",
            "iom_mmp",
            "count with a fraction",
            "build",
            lambda: (MMP, set_cell(real_mmp(), 150, "Number of Dead", "1234.7")),
            r"'1234.7' is not a count \(a fraction",
            row=True,
            column="Number of Dead",
            real="mmp",
        ),
        Case(
            "mmp-exponent",
            "iom_mmp",
            "count in exponent notation",
            "build",
            lambda: (MMP, set_cell(real_mmp(), 160, "Minimum Estimated Number of Missing", "1e4")),
            r"'1e4' is not a count \(exponent notation\)",
            row=True,
            column="Minimum Estimated Number of Missing",
            real="mmp",
        ),
        Case(
            "mmp-blank-count",
            "iom_mmp",
            "count of spaces only",
            "build",
            lambda: (MMP, set_cell(real_mmp(), 170, "Number of Survivors", "  ")),
            r"' +' is not a count \(it is blank",
            row=True,
            column="Number of Survivors",
            real="mmp",
        ),
        Case(
            "mmp-xlsx-far-cell",
            "iom_mmp",
            "hostile workbook (a cell at XFD1048576)",
            "import",
            lambda: ("Missing_Migrants_Global_Figures_allData.xlsx", _hostile(real_mmp_xlsx(), "cell")),
            r"column 16,384 \(limit 2,000\); refused before reading it",
            real="mmp",
        ),
        Case(
            "mmp-text-in-count",
            "iom_mmp",
            "text in a count",
            "build",
            lambda: (MMP, set_cell(real_mmp(), 100, "Number of Dead", "about 12")),
            r"'about 12' is not a count",
            row=True,
            column="Number of Dead",
            real="mmp",
        ),
        Case(
            "mmp-impossible-year",
            "iom_mmp",
            "impossible date",
            "build",
            lambda: (MMP, set_cell(real_mmp(), 200, "Incident Year", "2O19")),
            r"'2O19' is not a year",
            row=True,
            column="Incident Year",
            real="mmp",
        ),
        Case(
            "mmp-bad-date-format",
            "iom_mmp",
            "impossible date",
            "build",
            lambda: (MMP, set_cell(real_mmp(), 300, "Incident Date", "31/02/2019")),
            r"is not a date",
            row=True,
            column="Incident Date",
            real="mmp",
        ),
        Case(
            "mmp-xlsx-truncated",
            "iom_mmp",
            "truncated file (xlsx)",
            "import",
            lambda: ("Missing_Migrants_Global_Figures_allData.xlsx", _mmp_xlsx_truncated()),
            r"not a valid xlsx workbook",
            real="mmp",
        ),
    ]
    sample_mmp_cases = [
        Case("mmp-empty", "iom_mmp", "empty file", "import", lambda: (MMP, b""), r"is empty"),
        Case(
            "mmp-html-as-csv",
            "iom_mmp",
            "HTML error page as CSV",
            "import",
            lambda: (MMP, HTML_PAGE),
            r"HTML page",
        ),
        Case(
            "mmp-not-a-zip",
            "iom_mmp",
            "xlsx that is not a zip",
            "build",
            lambda: ("Missing_Migrants_Global_Figures_allData.xlsx", bytes(range(256)) * 40),
            r"not UTF-8",
            row=True,
        ),
        Case(
            "mmp-zip-bomb",
            "iom_mmp",
            "xlsx zip bomb",
            "import",
            lambda: ("Missing_Migrants_Global_Figures_allData.xlsx", zip_bomb()),
            r"would expand to",
        ),
        Case(
            "mmp-huge",
            "iom_mmp",
            "huge file (600 MB)",
            "import",
            lambda: (MMP, sample_mmp()[:4096]),
            r"larger than the limit",
            sparse_size=600_000_000,
        ),
        Case(
            "mmp-absurd-count",
            "iom_mmp",
            "absurd count (10^9)",
            "check",
            _tuple(MMP, _mmp_absurd),
            r"ExpectColumnValuesToBeBetween",
            column="dead",
        ),
        Case(
            "mmp-duplicate-id",
            "iom_mmp",
            "duplicate keys",
            "check",
            lambda: (MMP, duplicate_row(sample_mmp(), 15)),
            r"ExpectCompoundColumnsToBeUnique",
            column="incident_id",
        ),
        Case(
            "mmp-future-date",
            "iom_mmp",
            "future date",
            "check",
            _tuple(MMP, _mmp_future),
            r"ExpectColumnValuesToBeBetween",
            column="incident_date_yyyymmdd",
        ),
        Case(
            "mmp-negative-count",
            "iom_mmp",
            "negative count",
            "cleaned",
            _tuple(MMP, _mmp_negative),
            r"negative",
        ),
        Case(
            "mmp-half-the-incidents",
            "iom_mmp",
            "implausible new export (every other incident left out)",
            "vintage",
            lambda: (MMP, _mmp_half_the_incidents()),
            r"IMPLAUSIBLE: records in what both cover .*: [\d,]+ against [\d,]+ \(5\d%",
        ),
        Case(
            "mmp-reordered-bom-crlf",
            "iom_mmp",
            "reordered columns, BOM, CRLF",
            "accepted",
            lambda: (MMP, _bom_crlf(reorder(sample_mmp(), lambda h: h[::-1]))),
        ),
        Case(
            "mmp-cp1252",
            "iom_mmp",
            "Windows-1252 (re-saved by Excel, CRLF)",
            "accepted",
            lambda: (MMP, _excel_resave(sample_mmp())),
        ),
        Case(
            "mmp-new-layout",
            "iom_mmp",
            "new layout (headers recased and reworded, reordered, Windows-1252)",
            "accepted",
            lambda: (MMP, _new_layout_mmp()),
        ),
        Case(
            "mmp-new-layout-lacking-a-column",
            "iom_mmp",
            "new layout lacking a needed column",
            "build",
            lambda: (MMP, _new_layout_mmp(drop="Number of Children")),
            r"missing needed column\(s\) children",
            row=True,
        ),
    ]
    unhcr_cases = [
        Case(
            "unhcr-truncated",
            "unhcr_odp",
            "truncated file",
            "build",
            lambda: ("italy.json", unhcr_bytes(real_unhcr())[:-200]),
            r"not valid JSON",
            stands_for=unhcr_ts,
            real="unhcr",
        ),
        Case(
            "unhcr-empty",
            "unhcr_odp",
            "empty file",
            "import",
            lambda: ("italy.json", b""),
            r"is empty",
            stands_for=unhcr_ts,
        ),
        Case(
            "unhcr-html-as-json",
            "unhcr_odp",
            "HTML error page as JSON",
            "import",
            lambda: ("italy.json", HTML_PAGE),
            r"HTML page",
            stands_for=unhcr_ts,
        ),
        Case(
            "unhcr-wrong-shape",
            "unhcr_odp",
            "JSON of the wrong shape",
            "build",
            lambda: ("italy.json", unhcr_bytes({"data": {"series": real_unhcr()["data"]["timeseries"]}})),
            r"has no data.timeseries",
            stands_for=unhcr_ts,
            real="unhcr",
        ),
        Case(
            "unhcr-top-level-list",
            "unhcr_odp",
            "JSON of the wrong shape",
            "build",
            lambda: ("italy.json", unhcr_bytes(real_unhcr()["data"]["timeseries"])),
            r"top level: list",
            stands_for=unhcr_ts,
            real="unhcr",
        ),
        Case(
            "unhcr-origin-holds-series",
            "unhcr_odp",
            "JSON of the wrong shape",
            "build",
            lambda: ("origin.json", unhcr_bytes(real_unhcr())),
            r"stands for an origin address",
            stands_for=unhcr_origin,
            real="unhcr",
        ),
        Case(
            "unhcr-key-renamed",
            "unhcr_odp",
            "header renamed",
            "build",
            lambda: ("italy.json", _rename_key(real_unhcr(), 7, "individuals", "value")),
            r"data\.timeseries\[7\] lacks \['individuals'\]",
            row=True,
            stands_for=unhcr_ts,
            real="unhcr",
        ),
        Case(
            "unhcr-text-in-count",
            "unhcr_odp",
            "text in a count",
            "build",
            lambda: ("italy.json", edit_point(UNHCR_ITALY, 12, individuals="n/a")),
            r"data\.timeseries\[12\]\.individuals is 'n/a'",
            row=True,
            stands_for=unhcr_ts,
            real="unhcr",
        ),
        Case(
            "unhcr-fraction",
            "unhcr_odp",
            "count with a fraction (JSON number)",
            "build",
            lambda: ("italy.json", _unhcr_literal(12, "1234.7")),
            r"data\.timeseries\[12\]\.individuals is 1234\.7, not a whole number \(a fraction",
            row=True,
            stands_for=unhcr_ts,
            real="unhcr",
        ),
        Case(
            "unhcr-exponent",
            "unhcr_odp",
            "count in exponent notation (JSON number)",
            "build",
            lambda: ("italy.json", _unhcr_literal(13, "1e4")),
            r"data\.timeseries\[13\]\.individuals is 1e4, not a whole number \(exponent notation\)",
            row=True,
            stands_for=unhcr_ts,
            real="unhcr",
        ),
        Case(
            "unhcr-hexadecimal",
            "unhcr_odp",
            "hexadecimal count (string)",
            "build",
            lambda: ("italy.json", edit_point(UNHCR_ITALY, 14, individuals="0x2710")),
            r"data\.timeseries\[14\]\.individuals is '0x2710', not a whole number \(a hexadecimal number\)",
            row=True,
            stands_for=unhcr_ts,
            real="unhcr",
        ),
        Case(
            "unhcr-impossible-month",
            "unhcr_odp",
            "impossible date",
            "build",
            lambda: ("italy.json", edit_point(UNHCR_ITALY, 20, month=13)),
            r"\.month is '13', not a month",
            row=True,
            stands_for=unhcr_ts,
            real="unhcr",
        ),
        Case(
            "unhcr-negative",
            "unhcr_odp",
            "negative count",
            "check",
            lambda: ("italy.json", edit_point(UNHCR_ITALY, 3, individuals=-500)),
            r"ExpectColumnValuesToBeBetween",
            column="arrivals",
            stands_for=unhcr_ts,
            real="unhcr",
        ),
        Case(
            "unhcr-absurd",
            "unhcr_odp",
            "absurd count (10^9)",
            "check",
            lambda: ("italy.json", edit_point(UNHCR_ITALY, 4, individuals=10**9)),
            r"ExpectColumnValuesToBeBetween",
            column="arrivals",
            stands_for=unhcr_ts,
            real="unhcr",
        ),
        Case(
            "unhcr-duplicate-month",
            "unhcr_odp",
            "duplicate keys",
            "build",
            lambda: ("italy.json", edit_point(UNHCR_ITALY, 5, month=5)),
            r"repeats the period of data\.timeseries\[4\]",
            row=True,
            stands_for=unhcr_ts,
            real="unhcr",
        ),
        Case(
            "unhcr-future",
            "unhcr_odp",
            "future date",
            "check",
            lambda: ("italy.json", edit_point(UNHCR_ITALY, 6, year=2099)),
            r"ExpectColumnValuesToBeBetween",
            column="month_yyyymmdd",
            stands_for=unhcr_ts,
            real="unhcr",
        ),
        Case(
            "unhcr-utf16",
            "unhcr_odp",
            "wrong encoding",
            "import",
            lambda: ("italy.json", unhcr_sample_italy().decode().encode("utf-16")),
            r"looks like csv",
            stands_for=unhcr_ts,
        ),
        Case(
            "unhcr-bom",
            "unhcr_odp",
            "BOM",
            "accepted",
            lambda: ("italy.json", _unhcr_bom()),
            stands_for=unhcr_ts,
        ),
        Case(
            "unhcr-counts-a-tenth",
            "unhcr_odp",
            "implausible new fetch of a series (every monthly count a tenth)",
            "vintage",
            lambda: ("italy.json", _unhcr_tenth()),
            r"IMPLAUSIBLE: arrivals in the cells both give: [\d,]+ against [\d,]+ \(9\d\.\d% apart",
            stands_for=unhcr_ts,
        ),
    ]
    italy_cases = [
        Case(
            "italy-truncated",
            "italy_moi",
            "truncated file",
            "build",
            lambda: (SBARCHI, truncate_mid_line(real_italy(SBARCHI))),
            r"fields where the header has|malformed",
            row=True,
            real="italy_moi",
        ),
        Case("italy-empty", "italy_moi", "empty file", "import", lambda: (NAZIONALITA, b""), r"is empty"),
        Case(
            "italy-html-as-csv",
            "italy_moi",
            "HTML error page as CSV",
            "import",
            lambda: (SBARCHI, HTML_PAGE),
            r"HTML page",
        ),
        Case(
            "italy-header-renamed",
            "italy_moi",
            "header renamed",
            "build",
            lambda: (SBARCHI, rename_column(real_italy(SBARCHI), "Valore", "Value")),
            r"missing column\(s\) \['Valore'\], unexpected column\(s\) \['Value'\]",
            row=True,
            real="italy_moi",
        ),
        Case(
            "italy-column-missing",
            "italy_moi",
            "column missing",
            "build",
            lambda: (NAZIONALITA, drop_column(real_italy(NAZIONALITA), "ISO_3166-1")),
            r"missing column\(s\) \['ISO_3166-1'\]",
            row=True,
            real="italy_moi",
        ),
        Case(
            "italy-extra-column",
            "italy_moi",
            "extra column",
            "build",
            lambda: (ANAGRAFICA, add_column(real_italy(ANAGRAFICA), "Pagine", "4")),
            r"unexpected column\(s\) \['Pagine'\]",
            row=True,
            real="italy_moi",
        ),
        Case(
            "italy-unrecognised-header",
            "italy_moi",
            "header renamed (every column)",
            "build",
            lambda: ("sbarchi-export.csv", _italy_unrecognised()),
            r"matches none of the ministry files",
            row=True,
        ),
        Case(
            "italy-utf16",
            "italy_moi",
            "wrong encoding (UTF-16)",
            "rejected-at-import",
            lambda: (
                NAZIONALITA,
                set_cell(real_italy(NAZIONALITA), 30, "Nazione", "Perù").decode().encode("utf-16"),
            ),
            r"holds NUL bytes",
            real="italy_moi",
        ),
        Case(
            "italy-cp1252",
            "italy_moi",
            "Windows-1252 (re-saved by Excel, CRLF)",
            "accepted",
            lambda: (NAZIONALITA, _excel_resave(sample_italy(NAZIONALITA))),
        ),
        Case(
            "italy-exponent",
            "italy_moi",
            "count in exponent notation",
            "build",
            lambda: (SBARCHI, set_cell(real_italy(SBARCHI), 60, "Valore", "1e4")),
            r"'1e4' is not a count, empty, or a known extraction artefact \(value_artefacts.csv\) \(exponent",
            row=True,
            column="Valore",
            real="italy_moi",
        ),
        Case(
            "italy-blank-count",
            "italy_moi",
            "count of spaces only",
            "build",
            lambda: (SBARCHI, set_cell(real_italy(SBARCHI), 70, "Valore", "  ")),
            r"' +' is not a count.*\(it is blank",
            row=True,
            column="Valore",
            real="italy_moi",
        ),
        Case(
            "italy-text-in-count",
            "italy_moi",
            "text in a count",
            "build",
            lambda: (SBARCHI, set_cell(real_italy(SBARCHI), 50, "Valore", "circa 100")),
            r"'circa 100' is not a count",
            row=True,
            column="Valore",
            real="italy_moi",
        ),
        Case(
            "italy-negative",
            "italy_moi",
            "negative count",
            "build",
            lambda: (NAZIONALITA, set_cell(real_italy(NAZIONALITA), 40, "Valore", "-5")),
            r"'-5' is not a count",
            row=True,
            column="Valore",
            real="italy_moi",
        ),
        Case(
            "italy-impossible-report-date",
            "italy_moi",
            "impossible date",
            "build",
            lambda: (ANAGRAFICA, set_cell(real_italy(ANAGRAFICA), 10, "Data_Report", "2024-02-30")),
            r"'2024-02-30' is not a calendar date",
            row=True,
            column="Data_Report",
            real="italy_moi",
        ),
        Case(
            "italy-bad-iso-code",
            "italy_moi",
            "text in a code",
            "build",
            lambda: (NAZIONALITA, set_cell(real_italy(NAZIONALITA), 12, "ISO_3166-1", "Italia")),
            r"ISO 3166-1 alpha-2",
            row=True,
            column="ISO_3166-1",
            real="italy_moi",
        ),
        Case(
            "italy-absurd",
            "italy_moi",
            "absurd count (10^9)",
            "check",
            lambda: (SBARCHI, set_cell(sample_italy(SBARCHI), 200, "Valore", str(10**9))),
            r"ExpectColumnValuesToBeBetween",
            column="arrivals",
        ),
        Case(
            "italy-duplicate",
            "italy_moi",
            "duplicate keys",
            "check",
            lambda: (NAZIONALITA, duplicate_row(sample_italy(NAZIONALITA), 9)),
            r"ExpectCompoundColumnsToBeUnique",
            column="report_date",
        ),
        Case(
            "italy-future-report",
            "italy_moi",
            "future date",
            "check",
            _tuple(SBARCHI, _sbarchi_future_report),
            r"ExpectColumnValuesToBeBetween",
            column="report_date_yyyymmdd",
        ),
        Case(
            "italy-ytd-falls",
            "italy_moi",
            "implausible new file (a later report whose year-to-date figures are all 10)",
            "vintage",
            lambda: (NAZIONALITA, _italy_ytd_falls()),
            r"IMPLAUSIBLE: year-to-date totals at the latest published report of each year: 1 fall",
        ),
        Case(
            "italy-reordered",
            "italy_moi",
            "reordered columns",
            "accepted",
            lambda: (NAZIONALITA, reorder(sample_italy(NAZIONALITA), lambda h: h[::-1])),
        ),
    ]
    glotip_cases = [
        Case(
            "glotip-not-a-zip",
            "unodc_glotip",
            "xlsx that is not a zip",
            "import",
            lambda: (GLOTIP, b"Iso3_code,Country\nITA,Italy\n"),
            r"looks like csv, expected one of xlsx",
        ),
        Case(
            "glotip-html-as-xlsx",
            "unodc_glotip",
            "HTML error page as xlsx",
            "import",
            lambda: (GLOTIP, HTML_PAGE),
            r"HTML page",
        ),
        Case(
            "glotip-truncated",
            "unodc_glotip",
            "truncated file",
            "import",
            lambda: (GLOTIP, _glotip_truncated()),
            r"not a valid xlsx workbook",
            real="glotip",
        ),
        Case(
            "glotip-zip-bomb",
            "unodc_glotip",
            "xlsx zip bomb",
            "import",
            lambda: (GLOTIP, zip_bomb("xl/worksheets/sheet1.xml")),
            r"would expand to",
        ),
        Case(
            "glotip-far-cell",
            "unodc_glotip",
            "hostile workbook (a cell at XFD1048576, 2 KB)",
            "import",
            lambda: (GLOTIP, _hostile(glotip_xlsx(glotip_rows()[:20]), "cell")),
            r"column 16,384 \(limit 2,000\); refused before reading it",
        ),
        Case(
            "glotip-declared-dimension",
            "unodc_glotip",
            "hostile workbook (declares A1:XFD1048576)",
            "import",
            lambda: (GLOTIP, _hostile(glotip_xlsx(glotip_rows()[:20]), "dimension")),
            r"declares its dimension as A1:XFD1048576",
        ),
        Case(
            "glotip-unreadable-sheet",
            "unodc_glotip",
            "corrupt newer workbook (sheet XML cut: its release date cannot be read)",
            "rejected-at-import",
            lambda: (GLOTIP, _unreadable_sheet(glotip_xlsx(glotip_rows()))),
            r"cannot be read as xlsx \(XmlError.*\(reading its release date\)",
        ),
        Case(
            "glotip-all-suppressed",
            "unodc_glotip",
            "implausible new release (every value '<5')",
            "vintage",
            lambda: (GLOTIP, _glotip_all_suppressed()),
            r"IMPLAUSIBLE: values published as '<5': 100\.0%",
        ),
        Case(
            "glotip-fraction",
            "unodc_glotip",
            "count with a fraction (numeric cell)",
            "build",
            lambda: (GLOTIP, glotip_edit("txtVALUE", 1234.7)),
            r"'1234.7' is not a count.*a fraction",
            row=True,
            column="txtVALUE",
        ),
        Case(
            "glotip-header-renamed",
            "unodc_glotip",
            "header renamed",
            "build",
            lambda: (GLOTIP, glotip_edit("txtVALUE", "VALUE", row=2)),
            r"missing column\(s\) \['txtVALUE'\], unexpected column\(s\) \['VALUE'\]",
            row=True,
        ),
        Case(
            "glotip-column-missing",
            "unodc_glotip",
            "column missing",
            "build",
            lambda: (GLOTIP, glotip_columns(lambda rows: [r[:10] + r[11:] for r in rows])),
            r"missing column\(s\) \['Unit of measurement'\]",
            row=True,
        ),
        Case(
            "glotip-extra-column",
            "unodc_glotip",
            "extra column",
            "build",
            lambda: (
                GLOTIP,
                glotip_columns(lambda rows: [[*r, "Note" if i == 2 else ""] for i, r in enumerate(rows)]),
            ),
            r"unexpected column\(s\) \['Note'\]",
            row=True,
        ),
        Case(
            "glotip-sheet-renamed",
            "unodc_glotip",
            "header renamed (sheet)",
            "build",
            lambda: (GLOTIP, glotip_xlsx(glotip_rows(), sheet="Sheet1")),
            r"has no sheet 'data_glotip_1'",
        ),
        Case(
            "glotip-text-in-count",
            "unodc_glotip",
            "text in a count",
            "build",
            lambda: (GLOTIP, glotip_edit("txtVALUE", "many")),
            r"'many' is not a count",
            row=True,
            column="txtVALUE",
        ),
        Case(
            "glotip-negative",
            "unodc_glotip",
            "negative count",
            "build",
            lambda: (GLOTIP, glotip_edit("txtVALUE", "-3", row=8)),
            r"'-3' is not a count",
            row=True,
            column="txtVALUE",
        ),
        Case(
            "glotip-impossible-year",
            "unodc_glotip",
            "impossible date",
            "build",
            lambda: (GLOTIP, glotip_edit("Year", "20x1", row=9)),
            r"'20x1' is not a year",
            row=True,
            column="Year",
        ),
        Case(
            "glotip-absurd",
            "unodc_glotip",
            "absurd count (10^9)",
            "check",
            lambda: (GLOTIP, glotip_edit("txtVALUE", "1,000,000,000", row=6)),
            r"ExpectColumnValuesToBeBetween",
            column="value",
        ),
        Case(
            "glotip-future-year",
            "unodc_glotip",
            "future date",
            "check",
            lambda: (GLOTIP, glotip_edit("Year", 2099, row=7)),
            r"ExpectColumnValuesToBeBetween",
            column="year",
        ),
        Case(
            "glotip-reordered",
            "unodc_glotip",
            "reordered columns",
            "accepted",
            lambda: (GLOTIP, glotip_columns(lambda rows: rows[:2] + [r[::-1] for r in rows[2:]])),
        ),
    ]
    eurostat_cases = [
        Case(
            "eurostat-truncated",
            "eurostat_thb",
            "truncated file",
            "build",
            lambda: (VCTZ, truncate_mid_line(eurostat_fixture("crim_thb_vctz"))),
            r"fields where the header has|malformed",
            row=True,
        ),
        Case("eurostat-empty", "eurostat_thb", "empty file", "import", lambda: (VCTZ, b""), r"is empty"),
        Case(
            "eurostat-html-as-csv",
            "eurostat_thb",
            "HTML error page as CSV",
            "import",
            lambda: (VCTZ, HTML_PAGE),
            r"HTML page",
        ),
        Case(
            "eurostat-header-renamed",
            "eurostat_thb",
            "header renamed",
            "build",
            lambda: (VCTZ, rename_column(eurostat(), "OBS_VALUE", "VALUE")),
            r"missing column\(s\) \['OBS_VALUE'\]",
            row=True,
        ),
        Case(
            "eurostat-column-missing",
            "eurostat_thb",
            "column missing",
            "build",
            lambda: (VCTZ, drop_column(eurostat(), "OBS_FLAG")),
            r"missing column\(s\) \['OBS_FLAG'\]",
            row=True,
        ),
        Case(
            "eurostat-extra-dimension",
            "eurostat_thb",
            "extra column",
            "build",
            _tuple(VCTZ, _eurostat_extra_dimension),
            r"dimension 'c_birth' takes several values",
            row=True,
            column="c_birth",
        ),
        Case(
            "eurostat-value-before-period",
            "eurostat_thb",
            "reordered columns (SDMX order broken)",
            "build",
            _tuple(VCTZ, _eurostat_value_first),
            r"not in SDMX-CSV order",
            row=True,
        ),
        Case(
            "eurostat-text-in-count",
            "eurostat_thb",
            "text in a count",
            "build",
            lambda: (VCTZ, set_cell(eurostat(), 9, "OBS_VALUE", "n.a.")),
            r"'n.a.' is not a count",
            row=True,
            column="OBS_VALUE",
        ),
        Case(
            "eurostat-hexadecimal",
            "eurostat_thb",
            "hexadecimal count",
            "build",
            lambda: (VCTZ, set_cell(eurostat(), 11, "OBS_VALUE", "0x2710")),
            r"'0x2710' is not a count, ':' or empty \(a hexadecimal number\)",
            row=True,
            column="OBS_VALUE",
        ),
        Case(
            "eurostat-decimal-comma",
            "eurostat_thb",
            "decimal comma",
            "build",
            lambda: (VCTZ, set_cell(eurostat(), 12, "OBS_VALUE", "1.234,5")),
            r"'1.234,5' is not a count, ':' or empty \(both ',' and '.'",
            row=True,
            column="OBS_VALUE",
        ),
        Case(
            "eurostat-negative",
            "eurostat_thb",
            "negative count",
            "build",
            lambda: (VCTZ, set_cell(eurostat(), 10, "OBS_VALUE", "-12")),
            r"'-12' is not a count",
            row=True,
            column="OBS_VALUE",
        ),
        Case(
            "eurostat-duplicate",
            "eurostat_thb",
            "duplicate keys",
            "build",
            _tuple(VCTZ, _eurostat_duplicate),
            r"repeats an observation",
            row=True,
            column="TIME_PERIOD",
        ),
        Case(
            "eurostat-impossible-year",
            "eurostat_thb",
            "impossible date",
            "build",
            lambda: (VCTZ, set_cell(eurostat(), 11, "TIME_PERIOD", "2022-13")),
            r"is not a year",
            row=True,
            column="TIME_PERIOD",
        ),
        Case(
            "eurostat-unknown-dataflow",
            "eurostat_thb",
            "JSON/CSV of the wrong dataset",
            "import",
            lambda: ("crim_thb_other.csv", eurostat().replace(b"CRIM_THB_VCTZ", b"MIGR_ASYAPPCTZA")),
            r"not one of the configured",
        ),
        Case(
            "eurostat-absurd",
            "eurostat_thb",
            "absurd count (10^9)",
            "check",
            lambda: (VCTZ, set_cell(eurostat(), 12, "OBS_VALUE", str(10**9))),
            r"ExpectColumnValuesToBeBetween",
            column="value",
        ),
        Case(
            "eurostat-future-year",
            "eurostat_thb",
            "future date",
            "check",
            lambda: (VCTZ, set_cell(eurostat(), 13, "TIME_PERIOD", "2099")),
            r"ExpectColumnValuesToBeBetween",
            column="year",
        ),
        Case(
            "eurostat-reordered-dimensions",
            "eurostat_thb",
            "reordered columns",
            "accepted",
            _tuple(VCTZ, _eurostat_swap_dimensions),
        ),
        Case(
            "eurostat-crlf",
            "eurostat_thb",
            "CRLF",
            "accepted",
            lambda: ("crim_thb_vexp.csv", eurostat("crim_thb_vexp").replace(b"\n", b"\r\n")),
        ),
        Case(
            "eurostat-values-halved",
            "eurostat_thb",
            "implausible new file (every value half the published one)",
            "vintage",
            lambda: (VCTZ, _eurostat_halved()),
            r"IMPLAUSIBLE: registered victims in the cells both give: [\d,]+ against [\d,]+ \([4-9]\d\.\d% apart",
        ),
    ]
    return real_mmp_cases + sample_mmp_cases + unhcr_cases + italy_cases + glotip_cases + eurostat_cases


def _tuple(name: str, make: Callable[[], bytes]) -> Callable[[], tuple[str, bytes]]:
    return lambda: (name, make())


def _rename_key(body: dict, index: int, old: str, new: str) -> bytes:
    point = body["data"]["timeseries"][index]
    point[new] = point.pop(old)
    return unhcr_bytes(body)


SHARED = SHARED_DATA


OUTCOME = {
    "import": "refused at import, nothing stored",
    "rejected-at-import": "stored marked rejected at import, never used",
    "build": "build fails, snapshot marked rejected",
    "check": "blocking check fails, nothing published, snapshot marked rejected",
    "vintage": "blocking vintage check fails, nothing published, snapshot marked rejected with the comparison",
    "accepted": "accepted, same figures",
    "cleaned": "accepted, value set null and noted",
}


def policy_table() -> str:
    """The markdown table of docs/reliability.md (`python -m tests.reliability.corpus` prints it)."""
    lines = [
        "| case | source | input (made from) | policy | outcome | the message names |",
        "|---|---|---|---|---|---|",
    ]
    for case in cases():
        made = f"real `../shared/data/{case.real}`" if case.real else "sample generator or fixture"
        gist = case.expect.replace("\\", "").replace("|", " / ") if case.expect else "—"
        where = (
            ["source", "file"]
            + (["row"] if case.row else [])
            + ([f"column `{case.column}`"] if case.column else [])
        )
        if case.policy == "check":
            where = ["check", "expectation", f"column `{case.column}`", "failing values"]
        if case.policy == "vintage":
            where = ["check", "both files", "the comparison against its limit"]
        if case.policy in ("accepted", "cleaned"):
            where = ["—"]
        gap = " **Known gap** (strict xfail until fixed): " + case.gap + "." if case.gap else ""
        lines.append(
            f"| `{case.id}` | {case.source} | {case.kind} ({made}) | {case.policy} | {OUTCOME[case.policy]}: "
            f"{gist}{gap} | {', '.join(where)} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(policy_table())
