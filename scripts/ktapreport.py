# SPDX-License-Identifier: MIT
"""Summaries of KTAP reports for people: a verdict per run, the machine's boot
lines, failed tests with their diagnostics, where a cut-off run stopped, the
counts per suite and the skips grouped by reason. Plain HTML, no scripts.
Parsing is scripts/ktaplib.py's; this file only lays out what it found.
"""
import collections
import html

import ktaplib

STYLE = """body{font-family:sans-serif;margin:1.5em;max-width:70em}
table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.2em .6em;text-align:right}
td:first-child,th:first-child{text-align:left}pre{background:#f4f4f4;padding:.5em;overflow-x:auto}
.PASS{color:#060}.FAIL,.CUT-OFF,.INVALID{color:#b00;font-weight:bold}"""


def verdict(rep):
    """PASS, FAIL (a test failed), CUT-OFF (no closing line) or INVALID (bad KTAP)."""
    if rep.cutoff:
        return "CUT-OFF"
    if rep.failed:
        return "FAIL"
    return "INVALID" if rep.errors else "PASS"


def _suite_rows(rep):
    for s in rep.root.subtests:
        leaves = [t for t in s.leaves() if t is not s]
        yield (s.name, sum(t.status == "pass" for t in leaves),
               sum(t.status == "fail" for t in leaves), sum(t.status == "skip" for t in leaves))


def _run_section(name, rep, secs):
    e = html.escape
    v = verdict(rep)
    out = ['<h2 id="%s">%s: <span class="%s">%s</span></h2>' % (e(name), e(name), v, v),
           "<p>%d passed, %d failed, %d skipped%s</p>" %
           (rep.passed, rep.failed, rep.skipped, ", %.1f s" % secs if secs else "")]
    if rep.cutoff:
        out.append('<p class="CUT-OFF">%s</p>' % e(str(rep.cutoff)))
    if rep.preamble:
        out.append("<pre>%s</pre>" % e("\n".join(rep.preamble)))
    fails = ktaplib.failures(rep)
    if fails:
        out.append("<h3>Failed tests</h3>")
        for test, diag in fails:
            out.append("<details open><summary>%s</summary><pre>%s</pre></details>" %
                       (e(test), e("\n".join(diag[-40:])) or "(no diagnostics)"))
    errors = [x for x in rep.errors if not rep.cutoff or x != str(rep.cutoff)]
    if errors:
        out.append("<h3>Report problems</h3><ul>%s</ul>" %
                   "".join("<li>%s</li>" % e(x) for x in errors))
    rows = list(_suite_rows(rep))
    if rows:
        out.append("<h3>Suites</h3><table><tr><th>suite</th><th>passed</th><th>failed</th>"
                   "<th>skipped</th></tr>")
        out += ["<tr><td>%s</td><td>%d</td><td>%d</td><td>%d</td></tr>" % ((e(r[0]),) + r[1:])
                for r in rows]
        out.append("</table>")
    skips = collections.defaultdict(list)
    for t in rep.root.leaves():
        if t.status == "skip":
            skips[t.skip_reason or "(no reason given)"].append(t.name)
    if skips:
        out.append("<h3>Skipped, by reason</h3>")
        for reason, names in sorted(skips.items(), key=lambda kv: -len(kv[1])):
            out.append("<details><summary>%d: %s</summary><p>%s</p></details>" %
                       (len(names), e(reason), e(", ".join(names))))
    return out


def html_summary(reports, title="iommu-testos results"):
    """reports: [(run name, Report, seconds)] -> one HTML page."""
    e = html.escape
    tot = [sum(getattr(r, k) for _, r, _ in reports) for k in ("passed", "failed", "skipped")]
    bad = [n for n, r, _ in reports if verdict(r) != "PASS"]
    out = ["<!DOCTYPE html>", '<html><head><meta charset="utf-8"><title>%s</title>' % e(title),
           "<style>%s</style></head><body>" % STYLE, "<h1>%s</h1>" % e(title),
           '<p class="%s">%s: %d passed, %d failed, %d skipped in %d run(s)%s</p>' %
           ("FAIL" if bad else "PASS", "FAIL" if bad else "PASS", tot[0], tot[1], tot[2],
            len(reports), "; not passing: " + e(", ".join(bad)) if bad else ""),
           "<table><tr><th>run</th><th>verdict</th><th>passed</th><th>failed</th>"
           "<th>skipped</th><th>seconds</th></tr>"]
    for n, r, secs in reports:
        out.append('<tr><td><a href="#%s">%s</a></td><td class="%s">%s</td><td>%d</td>'
                   "<td>%d</td><td>%d</td><td>%.1f</td></tr>" %
                   (e(n), e(n), verdict(r), verdict(r), r.passed, r.failed, r.skipped, secs))
    out.append("</table>")
    for n, r, secs in reports:
        out += _run_section(n, r, secs)
    out.append("</body></html>")
    return "\n".join(out) + "\n"
