#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Write the hand-made seed inputs of the tool fuzz targets into
tests/fuzz/corpus/acpi-tool/seed-* (tests/fuzz/acpi_tool_fuzz.c: flags byte,
arguments, file) and tests/fuzz/corpus/caps-tool/seed-* (caps_tool_fuzz.c:
NUL-separated arguments): every fixture table as a binary file and as
acpidump text, the inputs of issue 10 items 1 and 8, and the usage cases.
The fuzzer's own finds are merged beside them by make fuzz-run FUZZ_SAVE=1.
Usage: tests/fuzz/tool_seeds.py
"""
import csv
import glob
import hashlib
import os

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
FIX = os.path.join(TOP, "tests", "fixtures")


def write(kind, data):
    d = os.path.join(HERE, "corpus", kind)
    os.makedirs(d, exist_ok=True)
    name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def acpi_input(content, args=(), json=False, chunk_exp=12):
    """flags (json, argument count, read buffer 16 << chunk_exp), arguments, file."""
    flags = (1 if json else 0) | (len(args) << 1) | (chunk_exp << 4)
    return bytes([flags]) + b"".join(a + b"\0" for a in args) + content


def acpidump(sig, b):
    """acpidump's text form of one table."""
    out = [b"%s @ 0x00000000bffe0000" % sig]
    for off in range(0, len(b), 16):
        row = b[off:off + 16]
        hexes = b"".join(b" %02X" % c for c in row) + b"   " * (16 - len(row))
        text = bytes(c if 0x20 <= c < 0x7f else 0x2e for c in row)
        out.append(b"    %04X:%s  %s" % (off, hexes, text))
    return b"\n".join(out) + b"\n\n"


def acpi_seeds():
    tables = sorted(glob.glob(os.path.join(FIX, "acpi", "*", "*.bin")))
    blobs = [open(t, "rb").read() for t in tables]
    for b in blobs:
        write("acpi-tool", acpi_input(b))
        write("acpi-tool", acpi_input(b, json=True))
        write("acpi-tool", acpi_input(acpidump(b[:4], b), json=True, chunk_exp=2))
    dmar = next(b for b in blobs if b[:4] == b"DMAR")
    ivrs = next(b for b in blobs if b[:4] == b"IVRS")
    both = acpidump(b"FACP", b"FACP" + bytes(60)) + acpidump(b"DMAR", dmar) + acpidump(b"IVRS", ivrs)
    write("acpi-tool", acpi_input(both))
    write("acpi-tool", acpi_input(both.replace(b"\n", b"\r\n"), json=True))
    write("acpi-tool", acpi_input(both, args=(b"@", b"!", b"@"), json=True, chunk_exp=0))
    # a hex line at the wrong offset, a line too long to keep, the table cut by text
    text = acpidump(b"DMAR", dmar)
    write("acpi-tool", acpi_input(text.replace(b"    0010:", b"    0020:", 1)))
    write("acpi-tool", acpi_input(text.replace(b"    0020:", b"x" * 300 + b"\n    0020:", 1)))
    write("acpi-tool", acpi_input(text.replace(b"    0030:", b"DSDT @ 0x0\n    0030:", 1)))
    # issue 10 item 1: short last lines where the read buffer ends (16 << n bytes)
    for exp in (0, 1):
        for size in [(n << exp) - k for n in (16, 32) for k in (1, 2, 3, 4)]:
            for last in (b"A", b"AB", b"ABC", b"DMAR"):
                pad = size - len(last)
                write("acpi-tool", acpi_input(b"x" * (pad - 1) + b"\n" + last, chunk_exp=exp))
    write("acpi-tool", acpi_input(b"x" * 65531 + b"\nA"))
    write("acpi-tool", acpi_input(text + b"A", chunk_exp=3))
    # arguments: options, help, unknown, missing file, empty file
    for args in ((b"--json", b"--json"), (b"-h",), (b"--help",), (b"--bogus",), (b"!",),
                 (b"-",), (b"",), (b"@", b"--json", b"@")):
        write("acpi-tool", acpi_input(dmar, args=args))
    write("acpi-tool", acpi_input(b""))
    write("acpi-tool", acpi_input(b"DMAR"))
    write("acpi-tool", acpi_input(b"IVRS @ 0x"))


def caps_seeds():
    def out(*args):
        write("caps-tool", b"\0".join(a.encode() for a in args))

    with open(os.path.join(FIX, "regs", "vtd-caps.tsv"), newline="") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            out("--json", "vtd", "DMAR: %s: reg_base_addr %s ver %s cap %s ecap %s" %
                (r["unit"], r["reg_base"], r["ver"], r["cap"], r["ecap"]))
            out("vtd", r["cap"], "0x" + r["ecap"], r["ver"])
    with open(os.path.join(FIX, "regs", "amdvi-efr.tsv"), newline="") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            two = r["efr"] + ("" if r["efr2"] == "-" else ", " + r["efr2"])
            out("--json", "amdvi", "AMD-Vi: Extended features (%s): %s" % (two, r["linux_flags"]))
            out("amdvi", r["efr"])
    # issue 10 item 8 and the other rejections
    for args in (("vtd", "cap 12zz ecap f050da"), ("vtd", "cap ecap f"), ("vtd", "12zz", "f050da"),
                 ("vtd", "1", "2", "1:0x"), ("vtd", "1", "2", "16:0"), ("vtd", "cap 1 ecap 2 cap 3"),
                 ("vtd", "ecap 2 cap"), ("amdvi", "AMD-Vi: Extended features (0x12,)"),
                 ("amdvi", "AMD-Vi: Extended features (0x12, 0x3"), ("amdvi", "0x1", "0x2", "0x3"),
                 ("amdvi", "11112222333344445"), ("amdvi", "0x" + "1" * 1100),
                 ("vtd",), ("",), ("arm", "1", "2"), ("-h",), ("--json", "--help"),
                 ("--json", "vtd", "d2008c40660462,f050da")):
        out(*args)


def main():
    acpi_seeds()
    caps_seeds()


if __name__ == "__main__":
    main()
