#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Hosted test of the LAVA jobs in lab/jobs/ with LAVA's own code (Debian's
lava-common and lava-dispatcher): strict schema validation as the server's
API does it, and each job's test monitor run by lava_dispatcher's
TestMonitorAction over recorded real serial logs (tests/fixtures/ktap/), with
the \\r\\r\\n a pty gives and reads cut at arbitrary points; LAVA's cases must
be the KTAP report's tests, result for result. Prints KTAP (build/host/test-lava).
"""
import copy
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "scripts"))
import ktaplib  # noqa: E402
import lavalib  # noqa: E402

FIXTURES = os.path.join(TOP, "tests", "fixtures", "ktap")
# whole reads as LAVA's maxread gives them, and reads split inside lines
CHUNKINGS = [(2000,), (1, 5, 2, 13, 3, 64, 1, 7, 300)]
LAVA_RESULT = {"pass": "pass", "fail": "fail", "skip": "skip"}


def expected_cases(text):
    """[(case, result)] LAVA must record for a report: every leaf test in
    order, named as LAVA names cases (lower case, non-word runs as _)."""
    rep = ktaplib.parse(text)
    out = []
    for suite in rep.root.subtests:
        for t in suite.leaves():
            if t is not suite:
                out.append((re.sub(r"\W+", "_", t.name.lower()), LAVA_RESULT[t.status]))
    return out, rep


def cases_problems(monitor, text, sizes):
    """Run monitor over text as a pty delivers it; [] when LAVA's cases are the report's."""
    want, rep = expected_cases(text)
    got, end = lavalib.monitor_cases(monitor, lavalib.pty_bytes(text), sizes)
    got = [(c["case"], c["result"]) for c in got]
    out = []
    if got != want:
        diff = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
        out.append("reads %s: %d cases, report has %d; first difference at %d: %s vs %s" %
                   (sizes, len(got), len(want), diff, got[diff:diff + 1], want[diff:diff + 1]))
    if end != (rep.summary is not None):
        out.append("reads %s: end %s, but the report %s a closing line" %
                   (sizes, "found" if end else "not found", "has" if rep.summary else "lacks"))
    if rep.summary and (sum(r == "pass" for _, r in got), sum(r == "fail" for _, r in got),
                        sum(r == "skip" for _, r in got)) != rep.summary:
        out.append("reads %s: LAVA's pass/fail/skip differ from the closing line %s" %
                   (sizes, rep.summary))
    return out


def fixture(name):
    return open(os.path.join(FIXTURES, name), encoding="utf-8", errors="replace").read()


def cut_log():
    """The real VT-d report cut off in the middle of a test (the machine hung)."""
    text = fixture("iso-bios.log")
    return text[:text.index("    # start: test_vtd_", text.index("# Subtest: vtd")) + 40]


LOGS = [("pass_and_skip", lambda: fixture("iso-bios.log")),
        ("planted_failures", lambda: fixture("selftest-fail.log")),
        ("watchdog_hang", lambda: fixture("selftest-hang.log")),
        ("cut_off_mid_test", cut_log)]


def checks():
    """(name, function returning a list of problems) for every test."""
    js = lavalib.jobs()
    out = []
    for name, job in js.items():
        out.append(("schema_" + name.replace("-", "_"),
                    lambda job=job: [p for p in [lavalib.schema_problems(job)] if p]))
    mons = {n: lavalib.monitors(j) for n, j in js.items()}
    first = next(iter(mons.values()))[0]

    def monitors_agree():
        return ["%s: %d monitors, or one unlike the others'" % (n, len(m))
                for n, m in mons.items() if m != [first]]
    out.append(("every_job_has_the_same_one_monitor", monitors_agree))

    def regexes():
        probs = []
        for key in ("start", "end", "pattern"):
            try:
                rx = re.compile(first[key], re.DOTALL)     # as pexpect compiles them
            except re.error as e:
                probs.append("%s: %s" % (key, e))
                continue
            if key == "pattern" and not {"result", "test_case_id"} <= set(rx.groupindex):
                probs.append("pattern lacks a result or test_case_id group")
        if set(first.get("fixupdict", {}).values()) != {"pass", "fail", "skip"}:
            probs.append("fixupdict does not map to pass, fail and skip")
        return probs
    out.append(("monitor_regexes_compile", regexes))
    for lname, log in LOGS:
        out.append(("monitor_cases_match_report_" + lname,
                    lambda log=log: [p for s in CHUNKINGS for p in
                                     cases_problems(first, log(), s)]))

    # the checks above must be able to fail: each planted mistake is caught
    def rejects_bad_job():
        bad = copy.deepcopy(js["qemu-iso"])
        lavalib.monitors(bad)[0]["name"] = "iommu testos"     # a space: not a LAVA name
        del lavalib.monitors(bad)[0]["end"]
        return [] if lavalib.schema_problems(bad) else ["a job without end passed validation"]
    out.append(("schema_rejects_a_planted_bad_monitor", rejects_bad_job))

    def catches_early_match():
        early = dict(first, pattern=first["pattern"].replace(r"[^\r\n]*(?=\r*\n)", ""))
        found = [p for s in CHUNKINGS for p in cases_problems(early, fixture("iso-bios.log"), s)]
        return [] if found else ["a pattern that matches before the line ends went unnoticed"]
    out.append(("split_reads_catch_a_pattern_that_matches_early", catches_early_match))

    def catches_nested_end():
        loose = dict(first, end=first["end"].replace("\\n", "", 1))
        found = cases_problems(loose, fixture("iso-bios.log"), CHUNKINGS[0])
        return [] if found else ["an end pattern matching a ring-3 program's summary went unnoticed"]
    out.append(("real_log_catches_an_end_that_matches_nested_summaries", catches_nested_end))
    return out


def main():
    try:
        tests = checks()
    except ImportError as e:
        print("KTAP version 1\n1..1\n# %s: run scripts/deps (lava-dispatcher, lava-common)" % e)
        print("not ok 1 test_lava_imports\n# iommu-testos: 0 passed, 1 failed, 0 skipped")
        return 1
    print("KTAP version 1")
    print("1..%d" % len(tests))
    failed = 0
    for n, (name, fn) in enumerate(tests, 1):
        problems = fn()
        for p in problems:
            print("# " + p)
        print("%s %d test_lava_%s" % ("not ok" if problems else "ok", n, name))
        failed += bool(problems)
    print("# iommu-testos: %d passed, %d failed, 0 skipped" % (len(tests) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
