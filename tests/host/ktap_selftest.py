#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Hosted test of the report tools (scripts/ktaplib.py, the verdicts of scripts/runlib.py
that make check, soak and bench share).

Feeds good and broken KTAP logs to the parser and checks the counts and the
errors it finds (a hung or rebooted log must name the running test), the
JUnit XML against scripts/junit.xsd, and the HTML and text summaries; prints
its own KTAP report (run as build/host/test-ktap).
"""
import os
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "scripts"))
import ktaplib  # noqa: E402
import ktapreport  # noqa: E402
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


# the runner's start markers (tests/ktest.c), then a hang or a reboot in test_lib_b
STARTED = edit("    ok 1 test_lib_a\n", "    # start: test_lib_a\n    ok 1 test_lib_a\n"
               "    # start: test_lib_b\n")
HUNG = STARTED.split("    ok 2 test_lib_b")[0]
REBOOTED = HUNG + "SeaBIOS (version 1.16.2)\n" + GOOD[GOOD.index("KTAP version 1"):]
CASES += [
    ("start_markers_are_not_diagnostics", STARTED, (2, 0, 1), ""),
    ("hung_log_names_the_running_test", HUNG, None,
     "cut off (no closing line: the machine hung or rebooted?) while test_lib_b (suite lib)"),
    ("rebooted_log_names_the_running_test", REBOOTED, None,
     "cut off by a reboot (a new report starts) while test_lib_b (suite lib)"),
    ("cut_between_tests_names_the_last_finished", STARTED.split("    # start: test_lib_b")[0],
     None, "after test_lib_a (suite lib)"),
]


def junit_of(log):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "junit.xml")
        ktaplib.junit([("cfg", ktaplib.parse(log), 1.5)], path)
        return open(path).read(), ktaplib.junit_problems(path)


def junit_checks():
    """(name, problems) of the JUnit writer and its schema check."""
    out = []
    for name, log in (("good", GOOD), ("failed", CASES[2][1]), ("hung", HUNG),
                      ("rebooted", REBOOTED)):
        xml, probs = junit_of(log)
        out.append(("junit_valid_for_a_%s_report" % name, probs))
    xml, _ = junit_of(HUNG)
    want = '<testcase classname="cfg.lib" name="test_lib_b"><error '
    out.append(("junit_cut_off_run_is_an_error_of_the_running_test",
                [] if want in xml else ["no %r in %s" % (want, xml)]))
    with tempfile.TemporaryDirectory() as d:
        for name, old, new in (("missing_classname", ' classname="cfg.lib"', ""),
                               ("wrong_failure_count", 'failures="0"', 'failures="2"'),
                               ("two_results_in_a_case", "<skipped ",
                                "<failure>x</failure><skipped ")):
            path = os.path.join(d, name + ".xml")
            xml, _ = junit_of(GOOD)
            assert old in xml, old
            open(path, "w").write(xml.replace(old, new, 1))
            out.append(("junit_schema_rejects_" + name,
                        [] if ktaplib.junit_problems(path) else ["accepted"]))
    return out


def summary_checks():
    """(name, problems) of the people's summaries: scripts/ktap and its --html."""
    out = []
    bad = edit("ok 1 test_lib_a", "# FAIL <script>x</script> & more\n    not ok 1 test_lib_a")
    page = ktapreport.html_summary([("vtd", ktaplib.parse(bad), 2.0),
                                    ("amdvi", ktaplib.parse(HUNG), 1.0)])
    probs = [m for m in ("&lt;script&gt;x&lt;/script&gt; &amp; more", "test_lib_a",
                         "CUT-OFF", "while test_lib_b (suite lib) was running",
                         "1: no device") if m not in page]
    if "<script>" in page:
        probs.append("a diagnostic's markup reached the page unescaped")
    out.append(("html_shows_failures_cut_off_and_skips_escaped", probs))
    with tempfile.TemporaryDirectory() as d:
        log = os.path.join(d, "hung.log")
        open(log, "w").write(HUNG)
        r = subprocess.run([sys.executable, os.path.join(TOP, "scripts", "ktap"),
                            "--html", os.path.join(d, "s.html"), log],
                           capture_output=True, text=True)
        probs = [] if r.returncode == 1 and "CUT OFF" in r.stdout and \
            "while test_lib_b" in r.stdout and os.path.exists(os.path.join(d, "s.html")) \
            else ["scripts/ktap on a hung log: status %d, output %r" % (r.returncode, r.stdout)]
    out.append(("ktap_tool_reports_a_cut_off_log", probs))
    return out


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
    extra = junit_checks() + summary_checks()
    print("1..%d" % (len(CASES) + len(VERDICTS) + len(extra)))
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
    for name, problems in extra:
        n += 1
        for p in problems:
            print("# " + p)
        print("%s %d test_ktap_%s" % ("not ok" if problems else "ok", n, name))
        failed += bool(problems)
    print("# iommu-testos: %d passed, %d failed, 0 skipped" % (n - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
