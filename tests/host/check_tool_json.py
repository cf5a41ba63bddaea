#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Check the JSON of build/host/iommu-acpi and iommu-caps against the fixtures.

Called by tests/host/acpi_tools.c; prints one line per problem and a last
line "OK <n>" (n objects checked) or "BAD <n problems>".

  check_tool_json.py acpi MANIFEST.tsv OUT.json STATUS   (iommu-acpi --json over fixtures)
  check_tool_json.py vtd vtd-caps.tsv OUT.json STATUS     (one iommu-caps object per TSV row)
  check_tool_json.py amdvi amdvi-efr.tsv OUT.json STATUS

STATUS is the tools' exit status (the worst of the runs): it must be 0, since
every fixture is valid; 70 is named as what it is, a sanitizer report.
"""
import csv
import json
import sys

VTD_NUM = {"mgaw", "ndoms", "nfr", "fro_offset", "mamv", "iro_offset", "mhmv", "pss"}
VTD_LIST = {"agaw_levels_supported": int, "agaw_widths": int, "superpages": str}
AMD_NUM = {"hats", "gats", "glxsup", "smifsup", "smifrc", "gamsup", "pasmax",
           "devtblsegsup", "efr2_snpavicsup"}
AMD_RAW = {"machine", "cpu", "efr", "efr2", "linux_flags", "source", "linux_words_match"}
VTD_RAW = {"machine", "cpu", "unit", "reg_base", "ver", "cap", "ecap", "source"}

problems = []


def bad(msg):
    problems.append(msg)
    print(msg)


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def objects(path):
    out = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            try:
                out.append(json.loads(line))
            except ValueError as e:
                bad("line %d is not JSON: %s" % (n, e))
    return out


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def check_acpi(manifest, out):
    want = {r["file"]: r for r in rows(manifest)}
    objs = objects(out)
    for o in objs:
        for k, t in (("file", str), ("signature", str), ("valid", bool), ("errors", list),
                     ("warnings", list), ("units", list), ("reserved", list), ("rules", list)):
            if not isinstance(o.get(k), t):
                bad("%s: key %s missing or not %s" % (o.get("file"), k, t.__name__))
        # each rule listed ends one of the messages, and the other way round
        tagged = [m.rsplit(" [", 1)[1][:-1] for m in o.get("errors", []) + o.get("warnings", [])
                  if m.endswith("]") and " [" in m]
        if sorted(tagged) != sorted(o.get("rules", [])):
            bad("%s: rules %s, messages end with %s" % (o.get("file"), o.get("rules"), tagged))
        name = o.get("file", "").split("tests/fixtures/acpi/")[-1]
        r = want.get(name)
        if r is None:
            bad("%s: no manifest row" % name)
            continue
        if o["signature"] != r["table"] or o["valid"] is not True or o["errors"]:
            bad("%s: signature/valid/errors wrong: %s %s %s" % (name, o["signature"], o["valid"], o["errors"]))
        for u in o["units"]:
            if not (is_int(u.get("base")) and is_int(u.get("segment"))):
                bad("%s: unit base/segment not integers: %r" % (name, u))
        for res in o["reserved"]:
            if not (is_int(res.get("start")) and is_int(res.get("end")) and res["start"] <= res["end"]):
                bad("%s: reserved range wrong: %r" % (name, res))
        if r["table"] == "DMAR":
            got = ",".join(hex(u["base"]) for u in o["units"])
            if got != r["drhd_base_addresses"] or o["host_address_width"] != int(r["host_address_width"]):
                bad("%s: units %s (haw %s), manifest %s" % (name, got, o["host_address_width"], r["drhd_base_addresses"]))
            if len(o["reserved"]) != int(r["n_rmrr"]):
                bad("%s: %d reserved, manifest n_rmrr %s" % (name, len(o["reserved"]), r["n_rmrr"]))
        else:
            got = ",".join(hex(h["base"]) for h in o["ivhds"])
            if got != r["ivhd_base_addresses"]:
                bad("%s: IVHD bases %s, manifest %s" % (name, got, r["ivhd_base_addresses"]))
            if len(o["units"]) != len(set(r["ivhd_base_addresses"].split(","))):
                bad("%s: %d units for %s" % (name, len(o["units"]), r["ivhd_base_addresses"]))
            if o["ivinfo"] != int(r["iv_info"], 0) or o["device_entries"] != int(r["n_device_entries"]):
                bad("%s: ivinfo/device_entries differ" % name)
    if len(objs) != len(want):
        bad("%d JSON objects for %d manifest rows" % (len(objs), len(want)))
    return len(objs)


def text_of(key, v, lists):
    """A JSON value as the TSV writes it."""
    if v is None:
        return "-"
    if key in lists:
        return ",".join(str(x) for x in v) if v else "-"
    if isinstance(v, bool):
        return "1" if v else "0"
    return str(v)


def same(want, got):
    try:
        return int(want, 0) == int(got, 0)
    except ValueError:
        return want == got


def check_caps(kind, tsv, out):
    num, lists, raw = (VTD_NUM, VTD_LIST, VTD_RAW) if kind == "vtd" else (AMD_NUM, {}, AMD_RAW)
    tab, objs = rows(tsv), objects(out)
    if len(tab) != len(objs):
        bad("%d rows, %d JSON objects" % (len(tab), len(objs)))
    for i, (r, o) in enumerate(zip(tab, objs)):
        for col, want in r.items():
            if col in raw:
                continue
            if col not in o:
                bad("row %d: JSON has no key %s" % (i + 2, col))
                continue
            v = o[col]
            if v is not None:
                if col in lists:
                    ok = isinstance(v, list) and all(isinstance(x, lists[col]) for x in v)
                elif col in num:
                    ok = is_int(v)
                elif col == "linux_words_recomputed":
                    ok = isinstance(v, str)
                else:
                    ok = isinstance(v, bool)
                if not ok:
                    bad("row %d: %s has the wrong JSON type: %r" % (i + 2, col, v))
            if not same(want, text_of(col, v, lists)):
                bad("row %d: %s fixture %s, JSON %s" % (i + 2, col, want, text_of(col, v, lists)))
        if o.get("warnings"):
            bad("row %d: warnings on a real unit: %s" % (i + 2, o["warnings"]))
    return len(objs)


SANITIZER_EXIT = 70  # tools/tools.h TOOL_EXIT_SANITIZER


def main():
    kind, table, out, status = sys.argv[1:5]
    if int(status) == SANITIZER_EXIT:
        bad("the tool exited %d: a sanitizer report, not a result" % SANITIZER_EXIT)
    elif int(status) != 0:
        bad("the tool exited %s on fixtures that are all valid" % status)
    n = check_acpi(table, out) if kind == "acpi" else check_caps(kind, table, out)
    print("BAD %d" % len(problems) if problems else "OK %d" % n)


if __name__ == "__main__":
    main()
