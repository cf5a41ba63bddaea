# SPDX-License-Identifier: MIT
"""Parse and check KTAP version 1 reports (the kernel's and the hosted tests').

parse(text) -> Report with the test tree, leaf counts, the "# iommu-testos:"
summary line, and every structural error found (missing header or plan,
plan/count mismatch, numbering gaps, a report cut short), also in the reports
ring-3 programs print as their test's diagnostics. A report cut off (the
machine hung or rebooted) names the test that was running. Also writes JUnit XML.
"""
import os
import re
import xml.etree.ElementTree as ET

RESULT_RE = re.compile(r"^(not ok|ok) (\d+)(?: (?:- )?([^#]*?))?\s*(?:#\s*(SKIP|TODO)\b\s*(.*))?$")
PLAN_RE = re.compile(r"^1\.\.(\d+)")
SUMMARY_RE = re.compile(r"^# iommu-testos: (\d+) passed, (\d+) failed, (\d+) skipped")
# tests/ktest.c prints this before each test, so a cut-off log names it
START_RE = re.compile(r"^\s*# start: (\S+)\s*$")
INDENT = "    "
# serial line noise: terminal escapes, control bytes, bytes that were not UTF-8
NOISE_RE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffd]")


class Test:
    def __init__(self, name="", number=0):
        self.name, self.number = name, number
        self.status = None          # pass, fail, skip
        self.skip_reason = ""
        self.diag = []              # diagnostics printed before the result line
        self.subtests = []
        self.plan = None

    def leaves(self):
        if not self.subtests:
            yield self
        for t in self.subtests:
            yield from t.leaves()


class Report:
    def __init__(self):
        self.root = Test("(top)")
        self.errors = []
        self.summary = None         # (passed, failed, skipped) from the summary line
        self.passed = self.failed = self.skipped = 0
        self.cutoff = None          # a Cutoff when the closing line never came
        self.preamble = []          # the "# " boot lines before the header

    @property
    def ok(self):
        return not self.errors and self.failed == 0


class Cutoff:
    """Where a report stops short: cause is "cut off" or "reboot"; test is the
    test that had started and not finished (None between tests), suite its
    suite, after the last test that finished."""

    def __init__(self, cause, suite, test, after):
        self.cause, self.suite, self.test, self.after = cause, suite, test, after

    def __str__(self):
        how = ("report cut off by a reboot (a new report starts)" if self.cause == "reboot"
               else "report cut off (no closing line: the machine hung or rebooted?)")
        if self.test:
            return "%s while %s (suite %s) was running" % (how, self.test, self.suite)
        if self.after:
            return "%s after %s (suite %s)" % (how, self.after, self.suite)
        return "%s before the first test" % how


def _block(lines, i, indent, parent, rep, path):
    """Parse one (sub)test list at indent; returns the next line index."""
    expect = 1
    diag = []
    while i < len(lines):
        line = lines[i]
        if not line.startswith(indent):
            if _is_ktap(line.lstrip()):
                return i
            i += 1      # an unknown line (KTAP lets parsers ignore them) ends no block
            continue
        body = line[len(indent):]
        if body.startswith(INDENT) and body.strip():
            sub = Test()
            sub.diag = diag
            diag = []
            i = _block(lines, i, indent + INDENT, sub, rep, path)
            # the result line for this subtest follows at our level
            if i < len(lines) and lines[i].startswith(indent):
                m = RESULT_RE.match(lines[i][len(indent):])
                if m:
                    _result(sub, m, expect, rep, path)
                    expect += 1
                    parent.subtests.append(sub)
                    i += 1
                    continue
            rep.errors.append("%s: subtest block without a result line" % (path or "top"))
            parent.subtests.append(sub)
            sub.status = "fail"
            continue
        m = RESULT_RE.match(body)
        if m:
            t = Test()
            t.diag = diag
            diag = []
            _result(t, m, expect, rep, path)
            expect += 1
            parent.subtests.append(t)
        elif body.startswith("KTAP version"):
            if body.strip() != "KTAP version 1":
                rep.errors.append("%s: unsupported %r" % (path or "top", body.strip()))
        elif PLAN_RE.match(body):
            parent.plan = int(PLAN_RE.match(body).group(1))
        elif body.startswith("#"):
            m = re.match(r"#\s*Subtest:\s*(\S+)", body)
            if START_RE.match(body):
                pass
            elif m:
                parent.name = parent.name or m.group(1)
            elif SUMMARY_RE.match(body) and not indent:
                s = SUMMARY_RE.match(body)
                rep.summary = tuple(int(x) for x in s.groups())
            else:
                diag.append(body)
        i += 1
    return i


def _is_ktap(body):
    return bool(RESULT_RE.match(body) or PLAN_RE.match(body) or body.startswith("#") or
                body.startswith("KTAP version"))


def _result(t, m, expect, rep, path):
    t.number = int(m.group(2))
    t.name = (m.group(3) or t.name or "").strip() or t.name
    if m.group(4) == "SKIP":
        t.status, t.skip_reason = "skip", (m.group(5) or "").strip()
    else:
        t.status = "pass" if m.group(1) == "ok" else "fail"
    if t.number != expect:
        rep.errors.append("%s: test %s numbered %d, expected %d" %
                          (path or "top", t.name, t.number, expect))


def _check_plans(t, rep, path):
    if t.plan is not None and t.plan != len(t.subtests):
        rep.errors.append("%s: plan says %d tests, found %d (report cut short?)" %
                          (path or "top", t.plan, len(t.subtests)))
    for s in t.subtests:
        _check_plans(s, rep, (path + "." if path else "") + s.name)


def parse(text):
    rep = Report()
    lines = [NOISE_RE.sub("", ln) for ln in text.split("\n")]
    if lines[-1] and not re.search(SUMMARY_RE.pattern[1:], lines[-1]):
        lines.pop()     # no newline after it: a line cut off as it was written
    start = None
    for i, line in enumerate(lines):
        pos = line.find("KTAP version 1")
        if pos < 0:
            continue
        prefix = line[:pos]
        if prefix and not prefix.strip():
            continue  # indented: a nested header, not the top level
        start = i
        break
    if start is None:
        rep.errors.append("no 'KTAP version 1' line")
        return rep
    # boot lines for people: the bring-up JSON is for tools (scripts/ktap --bringup)
    rep.preamble = [ln.strip() for ln in lines[:start] if ln.strip().startswith("# ") and
                    not ln.strip().startswith("# bringup: {")][-24:]
    # a console prefix (timestamps, a serial tag) is cut from every later line
    body = [ln[len(prefix):] if prefix and len(ln) >= len(prefix) else ln
            for ln in lines[start:]]
    body, rebooted = _cut_at_restart(body)
    if not any(PLAN_RE.match(ln) for ln in body[:3]):
        rep.errors.append("top-level plan missing after the header")
    _block(body, 0, "", rep.root, rep, "")
    _check_plans(rep.root, rep, "")
    for leaf in rep.root.leaves():
        if leaf is rep.root:
            continue
        if leaf.status == "pass":
            rep.passed += 1
        elif leaf.status == "skip":
            rep.skipped += 1
        else:
            rep.failed += 1
    if rep.summary is None:
        rep.cutoff = _where_cut(body, "reboot" if rebooted else "cut off")
        rep.errors.insert(0, str(rep.cutoff))
        rep.errors.append("no '# iommu-testos: N passed, N failed, N skipped' line")
    elif rep.summary != (rep.passed, rep.failed, rep.skipped):
        rep.errors.append("summary line says %d/%d/%d, results count %d/%d/%d" %
                          (rep.summary + (rep.passed, rep.failed, rep.skipped)))
    _check_nested(rep.root, rep, "")
    return rep


def _cut_at_restart(body):
    """A second top-level header before any closing line: the machine
    rebooted and booted the image again. Returns (the first report, rebooted)."""
    for i, ln in enumerate(body[1:], 1):
        if SUMMARY_RE.match(ln):
            break
        if ln.strip() == "KTAP version 1" and not ln.startswith(" "):
            return body[:i], True
    return body, False


def _where_cut(body, cause):
    """The Cutoff of a report without its closing line: the last test whose
    start marker has no result line after it."""
    suite = running = after = None
    for ln in body:
        m = re.match(r"\s*#\s*Subtest:\s*(\S+)", ln)
        if m and ln.startswith(INDENT) and not ln.startswith(INDENT * 2):
            suite = m.group(1)
            continue
        m = START_RE.match(ln)
        if m and ln.startswith(INDENT) and not ln.startswith(INDENT * 2):
            running = m.group(1)
            continue
        m = RESULT_RE.match(ln[len(INDENT):]) if ln.startswith(INDENT) else None
        if m and not ln.startswith(INDENT * 2):
            after, running = (m.group(3) or "").strip(), None
    return Cutoff(cause, suite, running, after)


def _check_nested(t, rep, path):
    """A ring-3 program's report, printed as diagnostics of its kernel test,
    must be valid KTAP too: its errors are reported under the test's name."""
    for s in t.subtests:
        p = (path + "." if path else "") + s.name
        _check_nested(s, rep, p)
        if not any(d.startswith("# KTAP version 1") for d in s.diag):
            continue
        inner = parse("\n".join(d[2:] if d.startswith("# ") else d[1:] for d in s.diag))
        rep.errors += ["%s (its program's report): %s" % (p, e) for e in inner.errors]
        if s.status == "pass" and inner.failed:
            rep.errors.append("%s passed although its program reported %d failure(s)" %
                              (p, inner.failed))


def failures(rep):
    """(path, diagnostics) of every failed leaf test."""
    out = []

    def walk(t, path):
        for s in t.subtests:
            p = (path + "." if path else "") + s.name
            if s.subtests:
                walk(s, p)
            elif s.status == "fail":
                out.append((p, s.diag))
    walk(rep.root, "")
    return out


def junit(reports, path):
    """reports: list of (config name, Report, seconds). One testsuite per
    KTAP suite; a test a cut-off report was running is an <error> case, and
    invalid KTAP a failed case of a "CONFIG.ktap" suite (scripts/junit.xsd)."""
    suites = ET.Element("testsuites")
    for cfg, rep, secs in reports:
        cut = rep.cutoff
        for suite in rep.root.subtests:
            leaves = [t for t in suite.leaves() if t is not suite]
            if not leaves and not (cut and cut.test and cut.suite == suite.name):
                leaves = [suite]
            el = _junit_suite(suites, "%s.%s" % (cfg, suite.name), leaves)
            if cut and cut.test and cut.suite == suite.name:
                _junit_error(el, "%s.%s" % (cfg, suite.name), cut)
        if cut and cut.test and cut.suite not in [s.name for s in rep.root.subtests]:
            _junit_error(_junit_suite(suites, "%s.%s" % (cfg, cut.suite), []),
                         "%s.%s" % (cfg, cut.suite), cut)
        if rep.errors:
            el = ET.SubElement(suites, "testsuite", name="%s.ktap" % cfg, tests="1",
                               failures="1", errors="0", skipped="0", time="%.3f" % secs)
            tc = ET.SubElement(el, "testcase", classname=cfg, name="ktap_structure")
            ET.SubElement(tc, "failure", message="invalid KTAP").text = "\n".join(rep.errors)
    ET.ElementTree(suites).write(path, encoding="utf-8", xml_declaration=True)


def _junit_suite(parent, name, leaves):
    el = ET.SubElement(parent, "testsuite", name=name, tests=str(len(leaves)),
                       failures=str(sum(t.status == "fail" for t in leaves)),
                       errors="0", skipped=str(sum(t.status == "skip" for t in leaves)))
    for t in leaves:
        tc = ET.SubElement(el, "testcase", classname=name, name=t.name)
        if t.status == "fail":
            f = ET.SubElement(tc, "failure", message="failed")
            f.text = "\n".join(t.diag)
        elif t.status == "skip":
            ET.SubElement(tc, "skipped", message=t.skip_reason)
    return el


def _junit_error(el, classname, cut):
    """The test a cut-off report was running, as an error case of its suite."""
    el.set("tests", str(int(el.get("tests")) + 1))
    el.set("errors", str(int(el.get("errors")) + 1))
    tc = ET.SubElement(el, "testcase", classname=classname, name=cut.test)
    ET.SubElement(tc, "error", message=str(cut), type=cut.cause.replace(" ", "-"))


def junit_problems(path, xsd=None):
    """Why the JUnit file at path is not valid against scripts/junit.xsd, or
    its suites' counts disagree with their cases; [] when it is good."""
    from lxml import etree     # python3-lxml (scripts/deps)
    xsd = xsd or os.path.join(os.path.dirname(os.path.abspath(__file__)), "junit.xsd")
    schema = etree.XMLSchema(etree.parse(xsd))
    try:
        doc = etree.parse(path)
    except etree.XMLSyntaxError as e:
        return ["not XML: %s" % e]
    if not schema.validate(doc):
        return ["line %d: %s" % (e.line, e.message) for e in schema.error_log][:10]
    out = []
    for ts in doc.getroot().iter("testsuite"):
        cases = ts.findall("testcase")
        for attr, n in (("tests", len(cases)),
                        ("failures", sum(c.find("failure") is not None for c in cases)),
                        ("errors", sum(c.find("error") is not None for c in cases)),
                        ("skipped", sum(c.find("skipped") is not None for c in cases))):
            if int(ts.get(attr, "0")) != n:
                out.append("testsuite %s: %s=%s, its cases say %d" %
                           (ts.get("name"), attr, ts.get(attr), n))
    return out
