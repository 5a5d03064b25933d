#!/usr/bin/python3
"""Extract the MRZ glyph outlines of OCR-B into assets/ocrb/ocrb-mrz.json.

The kiosk reads MRZs against templates drawn from these outlines, and the
tests render synthetic document pages with them, so neither needs the font
at run time. Run from the repository root, on Debian:

    apt-get install fonts-ocr-b python3-fonttools
    /usr/bin/python3 capture/document/mrz/ocrb/gen/gen_outlines.py

fontTools interprets the whole CFF charstring language, including the flex
operator (12 37) that golang.org/x/image/font/sfnt does not support and
that Debian's OCRB.otf uses for '<' and '8'. The outlines are written in
font units (y up) as SVG-like path strings: M x y, L x y, C x1 y1 x2 y2 x y,
Q x1 y1 x y, Z.
"""

import hashlib
import json
import sys

from fontTools.pens.recordingPen import RecordingPen
from fontTools.ttLib import TTFont

FONT = "/usr/share/fonts/opentype/ocr-b/OCRB.otf"
COPYRIGHT = "/usr/share/doc/fonts-ocr-b/copyright"
OUT = "assets/ocrb/ocrb-mrz.json"
CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<"


def num(v):
    """Format a coordinate compactly: integers stay integers."""
    r = round(v, 2)
    return str(int(r)) if r == int(r) else repr(r)


def path_of(glyph_set, name):
    pen = RecordingPen()
    glyph_set[name].draw(pen)
    out = []
    for op, pts in pen.value:
        if op == "moveTo":
            out.append("M " + " ".join(num(c) for p in pts for c in p))
        elif op == "lineTo":
            out.append("L " + " ".join(num(c) for p in pts for c in p))
        elif op == "curveTo":
            if len(pts) != 3:
                sys.exit(f"{name}: curveTo with {len(pts)} points")
            out.append("C " + " ".join(num(c) for p in pts for c in p))
        elif op == "qCurveTo":
            if len(pts) != 2:
                sys.exit(f"{name}: qCurveTo with {len(pts)} points")
            out.append("Q " + " ".join(num(c) for p in pts for c in p))
        elif op in ("closePath", "endPath"):
            out.append("Z")
        else:
            sys.exit(f"{name}: unexpected pen operation {op}")
    return " ".join(out)


def main():
    data = open(FONT, "rb").read()
    font = TTFont(FONT)
    cmap = font.getBestCmap()
    glyph_set = font.getGlyphSet()
    advances = set()
    glyphs = {}
    for ch in CHARS:
        name = cmap.get(ord(ch))
        if name is None:
            sys.exit(f"{FONT} has no glyph for {ch!r}")
        advances.add(font["hmtx"][name][0])
        glyphs[ch] = path_of(glyph_set, name)
        if not glyphs[ch]:
            sys.exit(f"{ch!r}: empty outline")
    if len(advances) != 1:
        sys.exit(f"OCR-B should be monospaced, advances {sorted(advances)}")
    os2 = font["OS/2"]
    doc = {
        "font": font["name"].getDebugName(4),
        "version": font["name"].getDebugName(5),
        "source": "Debian package fonts-ocr-b, " + FONT,
        "source_sha256": hashlib.sha256(data).hexdigest(),
        "units_per_em": font["head"].unitsPerEm,
        "advance": advances.pop(),
        "cap_height": os2.sCapHeight,
        "ascender": font["hhea"].ascent,
        "descender": font["hhea"].descent,
        "glyphs": glyphs,
    }
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")
    with open("assets/ocrb/COPYRIGHT", "w") as f:
        f.write("The outlines in ocrb-mrz.json were extracted from OCRB.otf of Debian's\n")
        f.write("fonts-ocr-b package by capture/document/mrz/ocrb/gen/gen_outlines.py.\n")
        f.write("The font is public domain; the package's copyright file follows.\n\n")
        f.write(open(COPYRIGHT).read())


if __name__ == "__main__":
    main()
