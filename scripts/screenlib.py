# SPDX-License-Identifier: MIT
"""What the kernel drew on the framebuffer, checked from the host: take a
QEMU screendump over QMP, render the expected text with the kernel's own
font (arch/x86/font8x8.c, read from its source) and find it, pixel for
pixel, on one text row of the screen.
"""
import json
import os
import re
import socket
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
FONT_SRC = os.path.join(TOP, "arch", "x86", "font8x8.c")
CELL_W, CELL_H = 8, 16          # arch/x86/screen.h: the 8x8 design at double height
FG, BG = 0xaa, 0x00             # FB_FG_LEVEL, FB_BG_LEVEL
SLACK = 8                       # colour error a 15/16-bit framebuffer may add


def font(path=FONT_SRC):
    """{byte: [8 row bitmaps]} from the C source; each row's comment must draw its value."""
    glyphs, code, problems = {}, None, []
    for line in open(path):
        m = re.match(r"\s*\[0x([0-9a-f]{2}) - FONT_FIRST\]", line)
        if m:
            code = int(m.group(1), 16)
            glyphs[code] = []
            continue
        m = re.match(r"\s*0x([0-9a-f]{2}),\s*/\* ([.#]{8}) \*/", line)
        if m and code is not None:
            v = int(m.group(1), 16)
            if v != int(m.group(2).replace(".", "0").replace("#", "1"), 2):
                problems.append("glyph 0x%02x row %d: 0x%02x is not %s" %
                                (code, len(glyphs[code]), v, m.group(2)))
            glyphs[code].append(v)
    for c, rows in glyphs.items():
        if len(rows) != 8:
            problems.append("glyph 0x%02x has %d rows" % (c, len(rows)))
    if problems:
        raise ValueError("; ".join(problems))
    return glyphs


def glyph(glyphs, ch):
    c = ord(ch)
    return glyphs[c if 0x20 <= c <= 0x7e else 0x7f]


def read_ppm(path):
    """(width, height, RGB bytes) of a binary PPM (P6, maxval 255) as QEMU writes it."""
    data = open(path, "rb").read()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P6" or int(fields[3]) != 255:
        raise ValueError("not a P6 PPM with maxval 255")
    w, h = int(fields[1]), int(fields[2])
    return w, h, data[pos + 1:pos + 1 + 3 * w * h]


def _row_matches(img, w, row, text, glyphs):
    """Whether text row `row` shows text (and blanks after it), pixel for pixel."""
    cols = w // CELL_W
    for col in range(cols):
        bits = glyph(glyphs, text[col]) if col < len(text) else [0] * 8
        for y in range(CELL_H):
            base = ((row * CELL_H + y) * w + col * CELL_W) * 3
            for x in range(CELL_W):
                want = FG if bits[y // 2] & (0x80 >> x) else BG
                px = img[base + 3 * x:base + 3 * x + 3]
                if any(abs(v - want) > SLACK for v in px):
                    return False
    return True


def find_text(path, text, glyphs=None):
    """The text row of screendump `path` that shows exactly `text`, or None."""
    glyphs = glyphs or font()
    w, h, img = read_ppm(path)
    if len(text) > w // CELL_W:
        return None
    for row in range(h // CELL_H):
        if _row_matches(img, w, row, text, glyphs):
            return row
    return None


class Qmp:
    """The smallest QMP client: one command at a time, events skipped."""

    def __init__(self, path, timeout=10):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(timeout)
        self.s.connect(path)
        self.f = self.s.makefile("rwb")
        self._reply()                   # the greeting
        self.cmd("qmp_capabilities")

    def _reply(self):
        while True:
            line = self.f.readline()
            if not line:
                raise OSError("QMP closed")
            msg = json.loads(line)
            if "event" not in msg:
                return msg

    def cmd(self, name, **args):
        self.f.write(json.dumps({"execute": name, "arguments": args}).encode() + b"\n")
        self.f.flush()
        r = self._reply()
        if "error" in r:
            raise OSError("QMP %s: %s" % (name, r["error"].get("desc")))
        return r.get("return")

    def close(self):
        self.s.close()


def check_screen(qmp_path, ppm, text, tries=3, settle=1.0):
    """Screendump until text shows on a row (the kernel may still be scrolling).
    Returns None when it does, else the problem."""
    glyphs = font()
    try:
        q = Qmp(qmp_path)
    except (OSError, ValueError) as e:
        return "no QMP monitor for the screendump: %s" % e
    why = "closing line not found on the framebuffer"
    try:
        for _ in range(tries):
            time.sleep(settle)
            if os.path.exists(ppm):
                os.unlink(ppm)
            q.cmd("screendump", filename=ppm)
            row = find_text(ppm, text, glyphs)
            if row is not None:
                why = None
                break
    except (OSError, ValueError) as e:
        why = "screendump failed: %s" % e
    try:
        q.cmd("quit")
    except (OSError, ValueError):
        pass                            # QEMU may close the socket before it answers
    q.close()
    return why
