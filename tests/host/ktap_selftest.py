#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Hosted test of the report tools (scripts/ktaplib.py, the verdicts of scripts/runlib.py
that make check, soak and bench share).

Feeds good and broken KTAP logs to the parser and checks the counts and the
errors it finds (a hung or rebooted log must name the running test), the
JUnit XML against scripts/junit.xsd, and the HTML and text summaries; the
AMD-Vi event-log statement of each configuration, the distinct-test lines
and REPEAT's changed results; prints its own KTAP report (run as
build/host/test-ktap).
"""
import os
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "scripts"))
import bringuplib  # noqa: E402
import ktaplib  # noqa: E402
import ktapreport  # noqa: E402
import qemulib  # noqa: E402
import runlib  # noqa: E402
import screenlib  # noqa: E402

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
    # the machine died while writing a result line: no result, and no made-up test name
    ("cut_mid_result_line_names_the_running_test", HUNG + "    ok 2 test_li", None,
     "cut off (no closing line: the machine hung or rebooted?) while test_lib_b (suite lib)"),
    # serial line noise (a UART reset's NUL, bytes not UTF-8, a terminal escape, a
    # stray empty line) loses no result and breaks no suite apart
    ("line_noise_is_not_ktap", edit("    ok 2 test_lib_b", "\x00\ufffd    ok 2 test_lib_b").replace(
        "    ok 1 test_user_prog", "\x1b[2J\x1b[H\n\n    ok 1 test_user_prog"), (2, 0, 1), ""),
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


# a real log of the vtd configuration (suite=lib) and the section it ran
BRINGUP_LOG = os.path.join(TOP, "tests", "fixtures", "ktap", "bringup-vtd.log")
VTD = {"machine": "q35", "boot": "pvh",
       "extra_params": "-device intel-iommu -device edu,dma_mask=0xffffffffffffffff"}


def bringup_problems(log, **sec):
    cfg = dict(VTD, **sec)
    return bringuplib.check(log, cfg, ["1234:11e8"] * int(cfg.pop("edus", 1)))


def bringup_checks():
    """(name, problems) of the bring-up line's tools and of each check it makes."""
    log = open(BRINGUP_LOG).read()
    line = bringuplib.line(log)
    out = [("bringup_real_log_matches_its_configuration", bringup_problems(log))]
    # the same one-CPU run described other ways QEMU and the kernel accept
    for name, sec in (("maxcpus_0_runs_the_boot_cpu", {"append": "maxcpus=0"}),
                      ("smp_as_a_topology", {"smp": "sockets=1,cores=1,threads=1"})):
        try:
            probs = bringup_problems(log, **sec)
        except ValueError as e:
            probs = ["checker failed: %s" % e]
        out.append(("bringup_" + name, probs))
    # each fact, planted wrong, must be caught
    plants = [
        ("aw_bits_48_needs_another_cap", {"extra_params": VTD["extra_params"].replace(
            "intel-iommu", "intel-iommu,aw-bits=48")}, "facts sheet says"),
        ("caching_mode_needs_cap_cm", {"extra_params": VTD["extra_params"].replace(
            "intel-iommu", "intel-iommu,caching-mode=on")}, "facts sheet says"),
        ("two_cpus", {"smp": "2"}, "CPU count"),
        ("a_second_edu", {"edus": 2}, "PCI functions 1234:11e8"),
        ("report_from_com2", {"console": "com2"}, "consoles are"),
        ("smbios_strings", {"extra_params": VTD["extra_params"] +
                            " -smbios type=1,manufacturer=Other"}, "SMBIOS vendor"),
        ("uefi_boot", {"boot": "iso-uefi"}, "boot firmware"),
        ("more_memory", {"memory": "1G"}, "usable memory"),
        ("no_iommu", {"extra_params": "-device edu"}, "units at QEMU's IOMMU bases"),
        ("remapping_expected_off", {"intremap": "off"}, "the configuration expects off"),
    ]
    for name, sec, want in plants:
        probs = bringup_problems(log, **sec)
        out.append(("bringup_catches_" + name,
                    [] if any(want in p for p in probs) else ["not caught: %s" % probs]))
    raw = bringuplib.raw_tables(bringuplib.extract(log)[0])["DMAR"]
    bad = bytearray(raw)
    bad[60] ^= 0x10
    import base64
    forged = log.replace(base64.b64encode(raw).decode(), base64.b64encode(bytes(bad)).decode())
    probs = bringup_problems(forged)
    out.append(("bringup_catches_a_forged_raw_table",
                [] if any("checksum" in p for p in probs) and
                any("differs from iommu-acpi" in p for p in probs) else ["%s" % probs]))
    for name, text, want in (("no_line", log.replace("# bringup: ", "# bring: "), "no '#"),
                             ("broken_json", log.replace(line, line[:-9]), "not JSON"),
                             ("not_an_object", log.replace(line, "[1, 2]"), "not a JSON object")):
        probs = bringup_problems(text)
        out.append(("bringup_" + name, [] if probs and want in probs[0] else ["%s" % probs]))
    with tempfile.TemporaryDirectory() as d:
        ktap = [sys.executable, os.path.join(TOP, "scripts", "ktap")]
        r = subprocess.run(ktap + ["--bringup", BRINGUP_LOG], capture_output=True, text=True)
        out.append(("ktap_bringup_writes_the_line_as_printed",
                    [] if r.returncode == 0 and r.stdout == line + "\n" else
                    ["status %d, %d bytes" % (r.returncode, len(r.stdout))]))
        r = subprocess.run(ktap + ["--extract-acpi", BRINGUP_LOG, d], capture_output=True,
                           text=True)
        dmar = os.path.join(d, "dmar.bin")
        acpi = subprocess.run([bringuplib.IOMMU_ACPI, dmar], capture_output=True, text=True) \
            if os.path.exists(dmar) else None
        out.append(("ktap_extract_acpi_gives_a_table_iommu_acpi_accepts",
                    [] if r.returncode == 0 and acpi and acpi.returncode == 0 and
                    open(dmar, "rb").read() == raw else ["%r %r" % (r.stdout, acpi)]))
        nolog = os.path.join(d, "none.log")
        open(nolog, "w").write("KTAP version 1\n")
        r = subprocess.run(ktap + ["--bringup", nolog], capture_output=True, text=True)
        out.append(("ktap_bringup_fails_without_the_line",
                    [] if r.returncode == 1 and "no '# bringup:'" in r.stderr else
                    ["status %d %r" % (r.returncode, r.stderr)]))
    # a configuration must say which interrupt remapping it expects, and it goes to the kernel
    cfgs = [({"extra_params": VTD["extra_params"]}, "no intremap key"),
            (dict(VTD, intremap="amdvi"), "intremap = amdvi with intel-iommu"),
            ({"extra_params": "-device edu", "intremap": "vtd"}, "without an IOMMU device")]
    out.append(("qemu_cfg_intremap_key_is_required_and_checked",
                ["%r: %r" % (c, qemulib.intremap_problem(c)) for c, want in cfgs
                 if want not in qemulib.intremap_problem(c)] +
                ([] if qemulib.intremap_problem(dict(VTD, intremap="vtd")) == "" else ["vtd"])))
    # icount = on: only single-threaded TCG gets -icount (never KVM, never with thread=multi)
    ic = dict(VTD, icount="on")
    out.append(("qemu_cfg_icount_only_under_single_threaded_tcg",
                [w for w, bad in (
                    ("tcg", qemulib.icount_for(ic, "tcg") != ["-icount", "shift=%d,sleep=off" %
                                                               qemulib.ICOUNT_SHIFT]),
                    ("kvm", qemulib.icount_for(ic, "kvm") != []),
                    ("off", qemulib.icount_for(dict(VTD, icount="off"), "tcg") != []),
                    ("thread=multi", "single-threaded" not in qemulib.icount_problem(
                        dict(ic, accel="tcg,thread=multi"))),
                    ("yes", "on or off" not in qemulib.icount_problem(dict(VTD, icount="yes"))),
                    ("fine", qemulib.icount_problem(ic) != "")) if bad] +
                icount_env_checks(ic)))
    out.append(("qemu_cfg_intremap_reaches_the_kernel",
                [] if "expect_intremap=vtd" in qemulib.append_words(dict(VTD, intremap="vtd"), "")
                else ["not in the command line"]))
    rep = ktaplib.parse(log)
    out.append(("bringup_line_is_not_a_boot_line_for_people",
                [] if rep.preamble and not any("bringup" in ln for ln in rep.preamble)
                else ["preamble %r" % rep.preamble[-3:]]))
    return out


def icount_env_checks(ic):
    """IOMMU_TESTOS_ICOUNT=on / off overrides a configuration's icount key."""
    bad, saved = [], os.environ.get("IOMMU_TESTOS_ICOUNT")
    try:
        os.environ["IOMMU_TESTOS_ICOUNT"] = "off"
        if qemulib.icount_for(ic, "tcg"):
            bad.append("off kept it")
        os.environ["IOMMU_TESTOS_ICOUNT"] = "on"
        if not qemulib.icount_for(dict(VTD), "tcg") or qemulib.icount_for(dict(VTD), "kvm"):
            bad.append("on: not under tcg alone")
    finally:
        if saved is None:
            os.environ.pop("IOMMU_TESTOS_ICOUNT", None)
        else:
            os.environ["IOMMU_TESTOS_ICOUNT"] = saved
    return bad


def qemu_tool_checks():
    """(name, problems) of scripts/qemu's command line: --print-cmd shows what a run uses."""
    qemu = [sys.executable, os.path.join(TOP, "scripts", "qemu"), "smp-vtd", "--print-cmd"]
    out = []
    for name, more, want in (("print_cmd_has_the_configuration_accel", [],
                              [" -accel tcg,thread=multi ", " -smp 4 "]),
                             ("accel_tcg_keeps_its_options", ["--accel", "tcg"],
                              [" -accel tcg,thread=multi "]),
                             ("smp_replaces_the_configuration_cpus",
                              ["--smp", "5,sockets=5"], [" -smp 5,sockets=5 "])):
        r = subprocess.run(qemu + more, capture_output=True, text=True)
        ok = r.returncode == 0 and all(w in r.stdout for w in want)
        out.append(("qemu_" + name, [] if ok else
                    ["status %d, %r" % (r.returncode, (r.stdout + r.stderr)[:160])]))
    return out


def write_ppm(path, w, h, rows):
    """A screen of w x h pixels with rows[r] drawn on text row r as the kernel draws."""
    glyphs = screenlib.font()
    img = bytearray(w * h * 3)
    for r, text in rows.items():
        for c, ch in enumerate(text):
            bits = screenlib.glyph(glyphs, ch)
            for y in range(16):
                for x in range(8):
                    if bits[y // 2] & (0x80 >> x):
                        at = ((r * 16 + y) * w + c * 8 + x) * 3
                        img[at:at + 3] = b"\xaa\xaa\xaa"
    with open(path, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (w, h) + bytes(img))
    return img


def screen_checks():
    """(name, problems) of the host's reading of the framebuffer."""
    out = []
    line = "# iommu-testos: 12 passed, 0 failed, 3 skipped"
    with tempfile.TemporaryDirectory() as d:
        ppm = os.path.join(d, "s.ppm")
        write_ppm(ppm, 400, 96, {1: "KTAP version 1", 4: line})
        out.append(("screen_finds_the_closing_line_on_its_row",
                    [] if screenlib.find_text(ppm, line) == 4 else ["not on row 4"]))
        out.append(("screen_other_text_is_not_the_line",
                    [] if screenlib.find_text(ppm, line.replace("12", "13")) is None
                    else ["13 passed found"]))
        write_ppm(ppm, 400, 96, {4: line + "x"})
        out.append(("screen_a_longer_row_is_not_the_line",
                    [] if screenlib.find_text(ppm, line) is None else ["found"]))
        img = write_ppm(ppm, 400, 96, {4: line})
        img[((4 * 16 + 5) * 400 + 3 * 8 + 2) * 3] ^= 0xff
        with open(ppm, "wb") as f:
            f.write(b"P6\n400 96\n255\n" + bytes(img))
        out.append(("screen_one_wrong_pixel_fails",
                    [] if screenlib.find_text(ppm, line) is None else ["found"]))
        src = open(screenlib.FONT_SRC).read()
        bad = os.path.join(d, "font.c")
        open(bad, "w").write(src.replace("0x7c,\t/* .#####.. */", "0x7e,\t/* .#####.. */", 1))
        try:
            screenlib.font(bad)
            probs = ["a row whose comment disagrees was accepted"]
        except ValueError:
            probs = []
        out.append(("screen_font_rows_match_their_pictures", probs))
    return out


AMDVI = {"extra_params": "-device amd-iommu -device edu"}
PROBE_BROKEN = "# amdvi0: event log probe: broken (an illegal command logged nothing)\n"
PROBE_WORKS = "# amdvi0: event log probe: works (an illegal command was logged)\n"


def event_log_checks():
    """scripts/qemu.cfg's amdvi_event_log: every AMD-Vi configuration states it,
    and a probe that finds otherwise under a QEMU version is a problem."""
    stated = dict(AMDVI, amdvi_event_log="broken in QEMU 7.2, 8.0")
    cases = [  # (name, section, log, QEMU version, a problem expected?)
        ("known_broken_version_broken", stated, PROBE_BROKEN, "7.2", False),
        ("known_broken_version_works", stated, PROBE_WORKS, "8.0", True),
        ("other_version_must_work", stated, PROBE_BROKEN, "9.1", True),
        ("other_version_works", stated, PROBE_WORKS, "9.1", False),
        ("stated_works_but_broken", dict(AMDVI, amdvi_event_log="works"), PROBE_BROKEN, "7.2",
         True),
        ("no_probe_line", stated, "", "7.2", True),
        ("no_statement", dict(AMDVI), PROBE_BROKEN, "7.2", True),
        ("garbled_statement", dict(AMDVI, amdvi_event_log="broken since 7"), PROBE_BROKEN, "7.2",
         True),
        ("no_amdvi_no_statement_needed", {"extra_params": "-device intel-iommu"}, "", "7.2",
         False),
    ]
    out = []
    for name, sec, log, version, want in cases:
        got = qemulib.amdvi_event_log_problems(sec, log, version)
        out.append(("amdvi_event_log_" + name, [] if bool(got) == want else
                    ["problems %r, expected %s" % (got, "one" if want else "none")]))
    missing = []
    for name, sec in qemulib.load_configs().items():
        try:
            want, _ = qemulib.amdvi_event_log_expected(dict(sec), "7.2")
        except ValueError as e:
            missing.append("%s: %s" % (name, e))
            continue
        if "amd-iommu" in sec.get("extra_params", "") and want != "broken":
            missing.append("%s: expects %s under QEMU 7.2, whose event log is broken" %
                           (name, want))
    out.append(("every_amdvi_configuration_states_its_event_log", missing))
    return out


def distinct_checks():
    """The distinct-test lines of make check and REPEAT's changed results."""
    a = {"lib.t1": ("pass", ""), "lib.t2": ("skip", "needs iommu"), "lib.t3": ("skip", "")}
    b = {"lib.t1": ("pass", ""), "lib.t2": ("fail", ""), "lib.t3": ("skip", "its own reason")}
    lines = runlib.distinct_lines([("x", a), ("y", b)])
    probs = []
    if not lines[0].startswith("distinct tests: 3; 2 ran in some configuration (1 passed "
                               "wherever they ran, 1 failed somewhere), 1 skipped in every"):
        probs.append("first line %r" % lines[0])
    if lines[1:] != ["  never ran: lib.t3 (its own reason)"]:
        probs.append("never-ran lines %r" % lines[1:])
    changed = runlib.changed_lines({"vtd": [a, b, a], "amdvi": [a, a]})
    want = ["  vtd: lib.t2: skip, fail, skip"]  # t3's reason changed, not its result
    if changed != want:
        probs.append("changed %r, expected %r" % (changed, want))
    return [("distinct_tests_and_changed_results", probs)]


def load_script(name):
    """A script of scripts/ without a .py name, as a module."""
    import importlib.machinery
    import importlib.util
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", name)
    loader = importlib.machinery.SourceFileLoader(name.replace("-", "_"), path)
    spec = importlib.util.spec_from_loader(loader.name, loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def bench_compare_checks():
    """bench-compare's worst ratio: over the work figures, never a floor; a
    figure one side lacks is listed as missing, not dropped."""
    bc = load_script("bench-compare")
    bc.say = lambda msg="": None
    ours = [{"floor_syscall_us": (0.23, "us"), "a_4k_map_us": (4.0, "us"),
             "e_1m_areas_pair_us": (7.0, "us")}]
    linux = [{"floor_syscall_us": (0.24, "us"), "a_4k_map_us": (6.0, "us")}]
    worst, name, missing, _ = bc.table(ours, [("6.12", linux)])
    probs = []
    if (round(worst, 2), name) != (1.5, "a_4k_map_us vs Linux 6.12"):
        probs.append("worst %r (%s), expected 1.50 (a_4k_map_us vs Linux 6.12)" % (worst, name))
    if missing != ["e_1m_areas_pair_us (Linux 6.12)"]:
        probs.append("missing %r" % missing)
    return [("bench_compare_ranks_work_not_floors", probs)] + bench_compare_again_checks(bc)


def bench_compare_again_checks(bc):
    """A boot whose system-call floor is over 1.25x its side's fastest is
    booted again; the new boot replaces it only when its floor is lower and it
    finished as a round must; every side is booted again by the same rule."""
    said = []
    bc.say = lambda msg="": said.append(msg)

    def boot_of(p, pair):
        return {"floor_syscall_us": (p, "us"), "a_4k_pair_us": (pair, "us"), "done": (1, "bool")}

    probs = []
    for probes, want in (([0.198, 0.325, 0.194], [1]), ([0.2, 0.25], []), ([0.2, 0.2501], [1]),
                         ([0.3, 0.2, 0.3], [0, 2])):
        got = bc.slow_rounds([boot_of(p, 5.0) for p in probes])
        if got != want:
            probs.append("slow_rounds(%r) = %r, expected %r" % (probes, got, want))
    if bc.slow_rounds([{}, boot_of(0.2, 5.0)]) != []:
        probs.append("a boot without the floor counted as slow")
    # a boot slow only by its end floor (the host slowed down after the start) is slow too,
    # and a boot's end floor counts in its side's fastest
    ends = [dict(boot_of(0.198, 5.2), floor_syscall_end_us=(e, "us")) for e in (0.2, 0.33, 0.19)]
    if bc.slow_rounds(ends) != [1]:
        probs.append("slow_rounds by the end floor = %r, expected [1]" % bc.slow_rounds(ends))
    ends = [dict(boot_of(0.198, 5.2), floor_syscall_end_us=(0.26, "us")), boot_of(0.25, 5.2)]
    if bc.slow_rounds(ends) != [] or bc.fastest_floor(ends) != 0.25:
        probs.append("a boot's slower floor is its probe: %r, fastest %r, expected [] and 0.25" %
                     (bc.slow_rounds(ends), bc.fastest_floor(ends)))
    rounds = [boot_of(0.198, 5.2), dict(boot_of(0.2, 7.1), floor_syscall_end_us=(0.4, "us"))]
    bc.rerun_slow("ours", rounds, lambda tag: (dict(boot_of(0.2, 5.0),
                                                    floor_syscall_end_us=(0.3, "us")), "pass"), 1)
    if rounds[1]["a_4k_pair_us"][0] != 5.0:
        probs.append("a boot again with a lower end floor did not replace round 2: %r" % rounds[1])
    # the slow round is booted again and the faster boot replaces it
    rounds = [boot_of(0.198, 5.2), boot_of(0.325, 7.1), boot_of(0.194, 5.1)]
    tags = []
    bc.rerun_slow("ours", rounds, lambda tag: tags.append(tag) or (boot_of(0.197, 5.0), "pass"), 2)
    if tags != ["2-again1"] or rounds[1]["a_4k_pair_us"][0] != 5.0:
        probs.append("a slow round booted again as %r, round 2 now %r" % (tags, rounds[1]))
    # a boot again that is no faster is not kept, and the tries end
    rounds = [boot_of(0.198, 5.2), boot_of(0.325, 7.1)]
    tags = []
    bc.rerun_slow("Linux 6.12", rounds, lambda tag: tags.append(tag) or (boot_of(0.4, 9.0), "done"),
                  2)
    if tags != ["2-again1", "2-again2"] or rounds[1]["a_4k_pair_us"][0] != 7.1:
        probs.append("a slower boot again: tags %r, round 2 %r" % (tags, rounds[1]))
    if not any("still slow" in m for m in said):
        probs.append("a round still slow after the tries was not said")
    # a failed boot again (no closing figure) is not kept
    rounds = [boot_of(0.198, 5.2), boot_of(0.325, 7.1)]
    bc.rerun_slow("ours", rounds, lambda tag: ({"floor_syscall_us": (0.19, "us")}, "pass"), 1)
    if rounds[1].get("a_4k_pair_us", (None,))[0] != 7.1:
        probs.append("a boot again without its closing figure replaced round 2")
    # nor one QEMU failed or killed after its closing figure, which as a round would be FAILED
    for how in ("fail", "timeout"):
        rounds = [boot_of(0.198, 5.2), boot_of(0.325, 7.1)]
        bc.rerun_slow("ours", rounds, lambda tag: (boot_of(0.19, 5.0), how), 1)
        if rounds[1]["a_4k_pair_us"][0] != 7.1:
            probs.append("a boot again that ended %r replaced round 2" % how)
    # a floor of 0.000 (a log with no measure) is no side's fastest: no division by it
    rounds = [boot_of(0.0, 5.2), boot_of(0.2, 5.2), boot_of(0.325, 7.1)]
    try:
        bc.rerun_slow("ours", rounds, lambda tag: (boot_of(0.19, 5.0), "pass"), 1)
        if rounds[2]["a_4k_pair_us"][0] != 5.0:
            probs.append("with a 0 floor beside it, round 3 was not booted again: %r" % rounds)
    except ZeroDivisionError as e:
        probs.append("a 0 floor: %r" % e)
    # main's wiring: each side's slow round booted again on its own kernel
    booted = []
    run_ours, run_linux = bc.run_ours, bc.run_linux
    bc.run_ours = lambda tag: booted.append(("ours", tag)) or (boot_of(0.19, 5.0), "pass", 1, "")
    bc.run_linux = lambda n, image, initrd, tag: booted.append((n, image, tag)) or \
        (boot_of(0.19, 5.0), "done", 1, "")
    try:
        ours = [boot_of(0.2, 5.0), boot_of(0.3, 5.0)]
        theirs = {"6.1": [boot_of(0.5, 9.0), boot_of(0.9, 9.0)],
                  "6.12": [boot_of(0.4, 9.0), boot_of(0.2, 9.0)]}
        bc.boot_again(1, ours, theirs, [("6.1", ("v61", "i61")), ("6.12", ("v612", "i612"))])
    finally:
        bc.run_ours, bc.run_linux = run_ours, run_linux
    want = [("ours", "2-again1"), ("6.1", "v61", "2-again1"), ("6.12", "v612", "1-again1")]
    if booted != want:
        probs.append("boot_again booted %r, expected %r" % (booted, want))
    if [r[1]["floor_syscall_us"][0] for r in (ours, theirs["6.1"])] + \
            [theirs["6.12"][0]["floor_syscall_us"][0]] != [0.19, 0.19, 0.19]:
        probs.append("boot_again did not keep the faster boots: %r %r" % (ours, theirs))
    return [("bench_compare_boots_slow_rounds_again", probs),
            ("bench_compare_bad_environment_is_a_usage_error", bench_compare_env_checks(bc))]


def bench_compare_env_checks(bc):
    """BENCH_COMPARE_N/_AGAIN that are no number: argparse's usage error (exit 2), not a
    traceback; good ones are numbers."""
    probs = []
    saved = {k: os.environ.get(k) for k in ("BENCH_COMPARE_N", "BENCH_COMPARE_AGAIN")}
    stderr = sys.stderr
    try:
        sys.stderr = open(os.devnull, "w")
        for k in saved:
            os.environ.update({"BENCH_COMPARE_N": "3", "BENCH_COMPARE_AGAIN": "2", k: "x"})
            try:
                bc.parse_args([])
                probs.append("%s=x accepted" % k)
            except SystemExit as e:
                if e.code != 2:
                    probs.append("%s=x: exit %r, expected argparse's 2" % (k, e.code))
            except Exception as e:  # the traceback this checks against
                probs.append("%s=x raised %r" % (k, e))
        os.environ.update({"BENCH_COMPARE_N": "5", "BENCH_COMPARE_AGAIN": "0"})
        a = bc.parse_args([])
        if (a.n, a.again) != (5, 0):
            probs.append("BENCH_COMPARE_N=5 BENCH_COMPARE_AGAIN=0 gave %r %r" % (a.n, a.again))
    finally:
        sys.stderr.close()
        sys.stderr = stderr
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return probs


def check_pool_checks():
    """make check's pool starts the longest runs first, by the last durations,
    and a corrupt durations file only loses the order, never the runs."""
    chk = load_script("check")
    probs, started = [], []
    chk.say = lambda msg: started.append(msg.split()[1]) if msg.endswith("started") else None
    with tempfile.TemporaryDirectory() as d:
        chk.DURATIONS = os.path.join(d, "durations.json")
        with open(chk.DURATIONS, "w") as f:
            f.write('{"short": 1.0, "long": 30.0, "host:mid": 5.0}')
        ok = lambda n: (lambda: (runlib.Row(n, 1), ktaplib.Report()))
        work = [("short", "qemu", ok("short")), ("host:mid", "host", ok("host:mid")),
                ("long", "qemu", ok("long")), ("new", "qemu", ok("new"))]
        done = chk.run_pool(work, 1)
        if started != ["long", "mid", "short", "new"]:
            probs.append("started in the order %r" % started)
        if sorted(done) != ["host:mid", "long", "new", "short"]:
            probs.append("results for %r" % sorted(done))
        with open(chk.DURATIONS, "w") as f:
            f.write("{not json")
        started.clear()
        if len(chk.run_pool(work, 2)) != 4 or len(started) != 4:
            probs.append("a corrupt durations file lost runs: %r" % started)
    return [("check_pool_longest_first", probs)]


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
    extra = junit_checks() + summary_checks() + bringup_checks() + screen_checks() + \
        qemu_tool_checks() + event_log_checks() + distinct_checks() + \
        bench_compare_checks() + check_pool_checks()
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
