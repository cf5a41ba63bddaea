#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Hosted test of the report tools (scripts/ktaplib.py, the verdicts of scripts/runlib.py
that make check, soak and bench share).

Feeds good and broken KTAP logs to the parser and checks the counts and the
errors it finds; prints its own KTAP report (run as build/host/test-ktap).
"""
import os
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "scripts"))
import ktaplib  # noqa: E402
import runlib  # noqa: E402

GOOD = """\
GRUB and firmware noise
KTAP version 1
1..2
    KTAP version 1
    # Subtest: lib
    1..2
    ok 1 test_lib_a
    ok 2 test_lib_b # SKIP no device
ok 1 lib
    KTAP version 1
    # Subtest: user
    1..1
    # KTAP version 1
    # 1..2
    # ok 1 test_x
    # ok 2 test_y
    # # iommu-testos: 2 passed, 0 failed, 0 skipped
    ok 1 test_user_prog
ok 2 user
# iommu-testos: 2 passed, 0 failed, 1 skipped
"""


def edit(old, new, text=GOOD):
    assert old in text, old
    return text.replace(old, new, 1)


# name, log, (passed, failed, skipped), error substring ("" = valid)
CASES = [
    ("good_report", GOOD, (2, 0, 1), ""),
    ("console_prefix_cut_from_every_line",
     "".join("[com1] " + ln + "\n" for ln in GOOD.split("\n")[1:]), (2, 0, 1), ""),
    ("failed_test_counts", edit("ok 1 test_lib_a", "not ok 1 test_lib_a").replace(
        "2 passed, 0 failed, 1", "1 passed, 1 failed, 1"), (1, 1, 1), ""),
    ("cut_short_report", GOOD.split("ok 1 test_user_prog")[0], None, "plan says"),
    ("numbering_gap", edit("ok 2 test_lib_b", "ok 3 test_lib_b"), None, "numbered 3"),
    ("summary_disagrees", edit("2 passed, 0 failed, 1 skipped", "3 passed, 0 failed, 1 skipped"),
     None, "summary line says"),
    ("no_summary", edit("# iommu-testos: 2 passed, 0 failed, 1 skipped\n", ""), None,
     "no '# iommu-testos"),
    ("no_header", GOOD.replace("KTAP version 1", "KTAP version 9"), None, "KTAP version 1"),
    ("nested_program_cut_short", edit("    # ok 2 test_y\n", ""), None, "its program's report"),
    ("nested_program_numbering", edit("    # ok 2 test_y", "    # ok 7 test_y"), None,
     "its program's report"),
    ("nested_failure_under_a_passing_test",
     edit("    # ok 2 test_y", "    # not ok 2 test_y").replace(
         "# # iommu-testos: 2 passed, 0 failed", "# # iommu-testos: 1 passed, 1 failed"),
     None, "passed although its program reported 1 failure"),
    ("nested_summary_is_not_the_last_line", GOOD.split("\n# iommu-testos:")[0] + "\n", None,
     "no '# iommu-testos"),
]


# scripts/check's verdict on one run: (name, log, run status, must the row fail?)
VERDICTS = [
    ("passing_run_passes", GOOD, "pass", False),
    ("crash_fails_even_with_a_valid_report", GOOD, "crash", True),
    ("timeout_fails", GOOD, "timeout", True),
    ("qemu_error_fails", "", "error", True),
    ("success_status_with_a_failed_test_fails",
     edit("ok 1 test_lib_a", "not ok 1 test_lib_a").replace("2 passed, 0 failed, 1",
                                                           "1 passed, 1 failed, 1"),
     "pass", True),
    ("failure_status_with_no_failed_test_fails", GOOD, "fail", True),
    ("invalid_ktap_fails", edit("ok 2 test_lib_b", "ok 3 test_lib_b"), "pass", True),
]


def verdict_problems(log, status, must_fail):
    row, _ = runlib.row_from_report("t", ktaplib.parse(log), 0.0, status)
    if bool(row.failed) != must_fail:
        return ["row failed=%d note %r, expected %s" %
                (row.failed, row.note, "a failure" if must_fail else "a pass")]
    return []


def main():
    n = 0
    failed = 0
    print("KTAP version 1")
    print("1..%d" % (len(CASES) + len(VERDICTS)))
    for name, log, counts, err in CASES:
        n += 1
        rep = ktaplib.parse(log)
        problems = []
        if counts and (rep.passed, rep.failed, rep.skipped) != counts:
            problems.append("counts %d/%d/%d, expected %d/%d/%d" %
                            ((rep.passed, rep.failed, rep.skipped) + counts))
        if not err and rep.errors:
            problems.append("valid log rejected: %s" % rep.errors[0])
        if err and not any(err in e for e in rep.errors):
            problems.append("error %r not found in %s" % (err, rep.errors))
        for p in problems:
            print("# " + p)
        print("%s %d test_ktap_%s" % ("not ok" if problems else "ok", n, name))
        failed += bool(problems)
    for name, log, status, must_fail in VERDICTS:
        n += 1
        problems = verdict_problems(log, status, must_fail)
        for p in problems:
            print("# " + p)
        print("%s %d test_check_%s" % ("not ok" if problems else "ok", n, name))
        failed += bool(problems)
    print("# iommu-testos: %d passed, %d failed, 0 skipped" % (n - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
