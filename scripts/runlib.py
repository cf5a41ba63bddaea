# SPDX-License-Identifier: MIT
"""Shared by scripts/check, soak and bench: run hosted test programs and
QEMU configurations, turn their KTAP reports into rows, print the summary
table (configuration, passed, failed, skipped, seconds, result).
"""
import concurrent.futures
import os
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import bringuplib  # noqa: E402
import ktaplib  # noqa: E402
import qemulib  # noqa: E402

print_lock = threading.Lock()


def say(msg):
    with print_lock:
        print(msg, flush=True)


class Row:
    def __init__(self, name, passed=0, failed=0, skipped=0, seconds=0.0, note=""):
        self.name, self.passed, self.failed, self.skipped = name, passed, failed, skipped
        self.seconds, self.note = seconds, note


def row_from_report(name, rep, seconds, status, why="", more=()):
    """A table row from a report; more: problems found beside the KTAP."""
    row = Row(name, rep.passed, rep.failed, rep.skipped, seconds)
    problems = list(rep.errors) + list(more)
    if status not in ("pass", "fail"):
        problems.insert(0, "run ended by %s%s" % (status, ": " + why if why else ""))
    elif status == "fail" and rep.failed == 0:
        problems.insert(0, "run reported failure but no test failed")
    elif status == "pass" and rep.failed:
        problems.insert(0, "run reported success despite failed tests")
    if problems:
        row.failed = max(row.failed, 1)
        row.note = problems[0]
    else:
        row.note = "ok" if not rep.failed else "FAILED"
    return row, problems


def show_failures(name, rep, problems, log):
    lines = []
    for test, diag in ktaplib.failures(rep):
        lines.append("  FAIL %s: %s" % (name, test))
        lines += ["        " + d for d in diag[-12:]]
    for p in problems:
        lines.append("  PROBLEM %s: %s" % (name, p))
    if lines:
        lines.append("  (log: %s)" % os.path.relpath(log, TOP))
        say("\n".join(lines))


def run_host(path, verbose, args=(), name=None, timeout=900, env=None):
    """Run a hosted program that prints KTAP; its row is named host:NAME."""
    name = name or "host:" + os.path.basename(path)
    log = os.path.join(TOP, "build", "logs", name.split(":")[-1] + ".log")
    t0 = time.time()
    try:
        p = subprocess.run([path] + list(args), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout, cwd=TOP, env=env)
        out, code = p.stdout.decode("utf-8", "replace"), p.returncode
        status = "pass" if code == 0 else "fail" if code > 0 else "crash"
        why = "" if code >= 0 else "killed by signal %d" % -code
    except subprocess.TimeoutExpired as e:
        out, status = (e.stdout or b"").decode("utf-8", "replace"), "timeout"
        why = "%d s" % timeout
    open(log, "w").write(out)
    if verbose:
        say(out)
    rep = ktaplib.parse(out)
    row, problems = row_from_report(name, rep, time.time() - t0, status, why)
    show_failures(name, rep, problems, log)
    return row, rep


def run_qemu(name, sec, verbose, out=None):
    """Boot one configuration; out (a stream) sees the serial log live, as V=1 does."""
    try:
        qemulib.amdvi_event_log_expected(sec, qemulib.qemu_version())
    except ValueError as e:
        say("  PROBLEM %s: scripts/qemu.cfg: %s" % (name, e))
        return Row(name, 0, 1, 0, 0.0, "scripts/qemu.cfg: no amdvi_event_log statement"), \
            ktaplib.Report()
    why = qemulib.unmet_needs(sec)
    if why:
        return Row(name, 0, 0, 1, 0.0, "skipped: " + why), ktaplib.Report()
    r = qemulib.run(name, sec, live=verbose or out is not None, out=out or sys.stdout)
    text = open(r.log, encoding="utf-8", errors="replace").read()
    rep = ktaplib.parse(text)
    expect = sec.get("expect", "pass")
    # the bring-up line against what QEMU was started with, the lines the
    # configuration expects, and the framebuffer as QEMU shows it
    more = []
    if r.status != "error" and sec.get("bringup") != "no":
        more = bringuplib.check(text, sec, qemulib.expected_pci(sec.get("extra_params", "")))
    more += bringuplib.expected_lines(text, sec) + ([r.screen] if r.screen else [])
    if expect == "fail":
        # the run must fail, with valid KTAP, each planted failure (expect_failed) failed
        # and nothing else
        want = set(sec.get("expect_failed", "").split())
        failed = {t.name for t in rep.root.leaves() if t.status == "fail"}
        good = r.status == "fail" and not rep.errors and rep.failed > 0 and \
            (not want or failed == want)
        if want and failed != want:
            say("  PROBLEM %s: failed %s; expected to fail exactly %s" %
                (name, " ".join(sorted(failed)) or "nothing", " ".join(sorted(want))))
    elif expect == "crash":
        # the watchdog (or a panic) must end the run with a register dump
        good = r.status == "crash" and "RIP" in text
    elif expect == "reboot":
        # exit=reboot: a whole report, then a reset (QEMU -no-reboot quits with 0)
        good = r.code == 0 and rep.ok and rep.passed > 0
    elif expect == "hang":
        # nothing in the guest can end the run: the host's time-out must, with the
        # guest's registers from QEMU's monitor in the log
        good = r.status == "timeout" and "# qemu: RIP " in text
    elif expect == "halt":
        # exit=halt: a whole report, then the machine stays halted until the timeout
        good = r.status == "timeout" and rep.ok and rep.passed > 0
    else:
        good = False
    if expect != "pass":
        row = Row(name, 1 if good and not more else 0, 0 if good and not more else 1, 0,
                  r.seconds, "%s as expected" % expect if good and not more else
                  more[0] if good else "expected a %s run, got %s%s" % (
                      expect, r.status, " without a register dump on the console"
                      if expect == r.status == "crash" else
                      " without QEMU's register dump in the log"
                      if expect == "hang" and r.status == "timeout" else ""))
        if more:
            show_failures(name, ktaplib.Report(), more, r.log)
        return row, rep
    if r.status in ("pass", "fail"):
        more += qemulib.amdvi_event_log_problems(sec, text, qemulib.qemu_version())
    row, problems = row_from_report(name, rep, r.seconds, r.status, qemu_error(r), more)
    show_failures(name, rep, problems, r.log)
    return row, rep


def qemu_error(r):
    """QEMU's own first error line when it did not run the kernel to the end."""
    if r.status != "error":
        return ""
    errlog = r.log[:-4] + ".stderr"
    try:
        lines = [ln.strip() for ln in open(errlog, errors="replace") if ln.strip()]
    except OSError:
        lines = []
    return (lines[0] if lines else "QEMU exited with status %s" % r.code)[:100]


def table(rows, total_secs):
    w = max(len(r.name) for r in rows + [Row("configuration")])
    out = ["", "%-*s  %6s  %6s  %7s  %7s  %s" % (w, "configuration", "passed", "failed",
                                                "skipped", "seconds", "result")]
    for r in rows:
        out.append("%-*s  %6d  %6d  %7d  %7.1f  %s" % (w, r.name, r.passed, r.failed,
                                                      r.skipped, r.seconds, r.note))
    out.append("%-*s  %6d  %6d  %7d  %7.1f" % (w, "total", sum(r.passed for r in rows),
                                              sum(r.failed for r in rows),
                                              sum(r.skipped for r in rows), total_secs))
    return "\n".join(out)


def config_names(cfgs, group, tag="qemu"):
    """Sections of qemu.cfg in group, or those CONFIGS=a,b names (any group).

    Returns (names, rows): a configuration asked for and not there is a
    failed row, not a silent skip.
    """
    names = [n for n in cfgs.sections() if group in cfgs[n].get("groups", "").split()]
    rows = []
    only = os.environ.get("CONFIGS")
    if only:
        for n in only.split(","):
            if n not in cfgs.sections():
                say("[%s] %-22s no such configuration in scripts/qemu.cfg" % (tag, n))
                rows.append(Row(n, 0, 1, 0, 0.0, "no such configuration"))
        names = [n for n in cfgs.sections() if n in only.split(",")]
    for n in names:
        for key, check in (("intremap", qemulib.intremap_problem),
                           ("icount", qemulib.icount_problem)):
            why = check(cfgs[n])
            if why:
                say("[%s] %-22s scripts/qemu.cfg: %s" % (tag, n, why))
                rows.append(Row(n + ":" + key, 0, 1, 0, 0.0, why[:60]))
    return names, rows


def run_configs(runs, jobs, verbose, tag="qemu", out_for=None):
    """Boot each (name, section) jobs at a time, a line as each starts and ends.

    out_for(name) may give a stream that sees that run's serial log live.
    Returns [(name, row, report)] in the order given.
    """
    results = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as ex:
        futs = {}
        for n, sec in runs:
            say("[%s] %-22s started" % (tag, n))
            out = out_for(n) if out_for else None
            futs[ex.submit(run_qemu, n, sec, verbose, out)] = n
        for f in concurrent.futures.as_completed(futs):
            n = futs[f]
            try:
                row, rep = f.result()
            except Exception as e:  # a broken config is a failure, not a crash of the run
                row, rep = Row(n, 0, 1, 0, 0.0, "error: %s" % e), ktaplib.Report()
            results[n] = (row, rep)
            say("[%s] %-22s %d passed, %d failed, %d skipped (%.1f s) %s" %
                (tag, n, row.passed, row.failed, row.skipped, row.seconds, row.note))
    return [(n, results[n][0], results[n][1]) for n, _ in runs]


def test_results(name, rep):
    """{test key: (status, skip reason)} of one report; the key is suite.test,
    or program.test for a hosted program's flat report."""
    out = {}

    def walk(t, path):
        for s in t.subtests:
            p = path + [s.name]
            if s.subtests:
                walk(s, p)
            else:
                key = ".".join(p if len(p) > 1 else [name.split(":")[-1]] + p)
                out[key] = (s.status or "fail", s.skip_reason)
    walk(rep.root, [])
    return out


def distinct_lines(results):
    """Lines saying how many distinct tests ran, passed and skipped over every
    run in results ([(run name, {key: (status, reason)})]), and which tests
    no run ran at all."""
    seen = {}
    for _, res in results:
        for key, (status, why) in res.items():
            st = seen.setdefault(key, {"pass": 0, "fail": 0, "skip": 0, "why": ""})
            st[status if status in st else "fail"] += 1
            # a test's own reason (where what it needs was there) says more than "needs X"
            if why and (not st["why"] or (st["why"].startswith("needs ") and
                                          not why.startswith("needs "))):
                st["why"] = why
    ran = [k for k, v in seen.items() if v["pass"] or v["fail"]]
    failed = [k for k in ran if seen[k]["fail"]]
    never = sorted(k for k in seen if k not in ran)
    lines = ["distinct tests: %d; %d ran in some configuration (%d passed wherever they ran, "
             "%d failed somewhere), %d skipped in every configuration" %
             (len(seen), len(ran), len(ran) - len(failed), len(failed), len(never))]
    lines += ["  never ran: %s (%s)" % (k, seen[k]["why"] or "no reason given") for k in never]
    return lines


def changed_lines(runs):
    """runs: {configuration: [{key: (status, reason)} per repetition]}. Lines naming
    every test whose result differs between repetitions of one configuration."""
    lines = []
    for cfg, reps in runs.items():
        keys = sorted(set().union(*[set(r) for r in reps]))
        for k in keys:
            got = [r.get(k, ("missing", ""))[0] for r in reps]
            if len(set(got)) > 1:
                lines.append("  %s: %s: %s" % (cfg, k, ", ".join(got)))
    return lines


def machine():
    """One line naming where a long run ran: CPU, CPUs, memory, QEMU, load."""
    model, mem = "?", "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = "%.0f GiB" % (int(line.split()[1]) / 1048576)
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    return "%s, %d CPUs, %s RAM, QEMU %s, load %.1f at the end" % (
        model, os.cpu_count() or 0, mem, qemulib.qemu_version() or "?", load)


def write_summary(path, title, command, columns, rows, t0):
    """A long run's summary file: what ran, where, when, and one row per
    target or configuration (columns: names; rows: lists of values)."""
    rev = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=TOP, text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.strip()
    widths = [max(len(str(c)), *(len(str(r[i])) for r in rows)) for i, c in enumerate(columns)]
    fmt = "  ".join("%%-%ds" % w if i == 0 else "%%%ds" % w for i, w in enumerate(widths))
    lines = ["# %s" % title,
             "date:    %s" % time.strftime("%Y-%m-%d %H:%M:%S %z"),
             "commit:  %s" % (rev or "?"),
             "machine: %s" % machine(),
             "command: %s" % command,
             "elapsed: %.0f s" % (time.time() - t0), "",
             fmt % tuple(columns)]
    lines += [fmt % tuple(r) for r in rows]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    say("summary: %s" % os.path.relpath(path, TOP))


def finish(rows, t0, notes=()):
    """Print the table, the notes and the totals line; the exit status."""
    say(table(rows, time.time() - t0))
    for line in notes:
        say(line)
    p, f, s = (sum(r.passed for r in rows), sum(r.failed for r in rows),
               sum(r.skipped for r in rows))
    say("iommu-testos: %d passed, %d failed, %d skipped" % (p, f, s))
    return 1 if f or not rows else 0
