"""A workbook just under every cap of docs/limits.md: ~60 MB of shared strings and a sheet of
~940,000 cells (near the 1,000,000-slot grid budget) -- the most a file can make formlint do
without being refused. Written to the path given (default target/worst-case.xlsx)."""
import sys
import zipfile

out = sys.argv[1] if len(sys.argv) > 1 else "target/worst-case.xlsx"
ROWS, COLS, STRINGS = 47_000, 20, 1_400_000

def part(z, name, chunks):
    info = zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    with z.open(info, "w") as f:
        for c in chunks:
            f.write(c.encode())

def sst():
    yield f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{STRINGS}" uniqueCount="{STRINGS}">'
    for i in range(STRINGS):
        yield f"<si><t>项目名称第{i:09d}号</t></si>"
    yield "</sst>"

def col(c):
    s = ""
    c += 1
    while c:
        c, r = divmod(c - 1, 26)
        s = chr(65 + r) + s
    return s

def sheet():
    yield '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    for r in range(1, ROWS + 1):
        cells = "".join(f'<c r="{col(c)}{r}" t="s"><v>{(r * COLS + c) % STRINGS}</v></c>' for c in range(COLS))
        yield f'<row r="{r}">{cells}</row>'
    yield "</sheetData></worksheet>"

with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
    part(z, "[Content_Types].xml", ['<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'])
    part(z, "_rels/.rels", ['<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'])
    part(z, "xl/workbook.xml", ['<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="自评表" sheetId="1" r:id="rId1"/></sheets></workbook>'])
    part(z, "xl/_rels/workbook.xml.rels", ['<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'])
    part(z, "xl/sharedStrings.xml", sst())
    part(z, "xl/worksheets/sheet1.xml", sheet())
