# SPDX-License-Identifier: MIT
"""Linux 6.12 as the reference, shared by scripts/linux-selftest and
scripts/linux-oracle: Debian's linux-source-6.12 fetched once with
apt-get download, extracted (all of it, or only the paths a step needs)
and Linux's iommufd selftest built unmodified against the tree's own uapi
headers. Everything lives in the cache, outside git:
${IOMMU_TESTOS_CACHE:-$HOME/.cache/iommu-testos}. LINUX_SOURCE_VERSION
picks a Debian version (default: apt's candidate, recorded on first use).
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
CACHE = os.environ.get("IOMMU_TESTOS_CACHE") or os.path.join(
    os.path.expanduser("~"), ".cache", "iommu-testos")
PKG = "linux-source-6.12"
TARBALL = "./usr/src/linux-source-6.12.tar.xz"
TREE = "linux-source-6.12"          # the tarball's top folder
SELFTEST = "tools/testing/selftests/iommu"
COMPAT_H = os.path.join(HERE, "linux-selftest-compat.h")
# lib.mk's flags for this selftest (KHDR_INCLUDES: the tree's usr/include)
SELFTEST_CFLAGS = ["-Wall", "-O2", "-Wno-unused-function", "-D_GNU_SOURCE=",
                   "-Wno-address-of-packed-member"]
SELFTEST_PROGS = ["iommufd", "iommufd_fail_nth"]
# what `make headers` and the selftest need of the tree (no other file is extracted)
SELFTEST_PATHS = ["Makefile", "Kbuild", "Kconfig", "scripts", "include/uapi",
                  "arch/x86/include/uapi", "arch/x86/entry/syscalls", "arch/x86/tools",
                  "arch/x86/Makefile", "arch/x86/Makefile_32.cpu", "usr",
                  "tools/include", "tools/testing/selftests/kselftest.h",
                  "tools/testing/selftests/kselftest_harness.h", SELFTEST,
                  "drivers/iommu/iommufd/iommufd_test.h"]


_tee = []


def say(msg):
    """Print msg, and append it to the transcript tee() named."""
    print(msg, flush=True)
    for f in _tee:
        f.write(msg + "\n")
        f.flush()


def tee(path):
    """From now on say() also writes to path (a fresh file): the run's transcript."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    _tee.append(open(path, "w"))


def run(cmd, log=None, **kw):
    """Run cmd; its output to log (appended) or inherited; raise on failure."""
    if log:
        with open(log, "ab") as f:
            f.write(("$ %s\n" % " ".join(cmd)).encode())
            f.flush()
            r = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, **kw)
    else:
        r = subprocess.run(cmd, **kw)
    if r.returncode:
        raise SystemExit("%s: %s failed (exit %d)%s" % (
            os.path.basename(sys.argv[0]), " ".join(cmd[:3]), r.returncode,
            ", see " + log if log else ""))
    return r


def deps(kind):
    """scripts/deps KIND (installs what is missing, as root)."""
    run([os.path.join(HERE, "deps"), kind])


def deb():
    """The cached linux-source .deb, downloaded on first use."""
    dl = os.path.join(CACHE, "dl")
    os.makedirs(dl, exist_ok=True)
    want = os.environ.get("LINUX_SOURCE_VERSION")
    pat = "%s_%s_all.deb" % (PKG, want.replace(":", "%3a") if want else "*")
    have = sorted(glob.glob(os.path.join(dl, pat)))
    if have:
        return have[-1]
    say("[linux] apt-get download %s%s (about 150 MB, once; cache %s)" %
        (PKG, "=" + want if want else "", CACHE))
    spec = PKG + ("=" + want if want else "")
    if subprocess.run(["apt-get", "download", spec], cwd=dl).returncode:
        run(["apt-get", "update"])
        run(["apt-get", "download", spec], cwd=dl)
    return sorted(glob.glob(os.path.join(dl, pat)))[-1]


def deb_version(path):
    return os.path.basename(path).split("_")[1].replace("%3a", ":")


def extract(dest, paths=None, log=None):
    """The tree of the cached .deb under dest/TREE (only paths when given).
    A stamp names the .deb it came from; another .deb extracts afresh."""
    pkg = deb()
    stamp = os.path.join(dest, "EXTRACTED")
    tree = os.path.join(dest, TREE)
    if os.path.exists(stamp) and open(stamp).read().strip() == os.path.basename(pkg):
        return tree
    shutil.rmtree(tree, ignore_errors=True)
    os.makedirs(dest, exist_ok=True)
    say("[linux] extracting %s from %s" % ("the tree" if not paths else
                                          "%d paths" % len(paths), os.path.basename(pkg)))
    members = []
    if paths:
        members = ["--wildcards"] + ["%s/%s" % (TREE, p) for p in paths] + \
                  ["%s/%s/*" % (TREE, p) for p in paths]
    sh = "dpkg-deb --fsys-tarfile '%s' | tar -xO '%s' | tar -xJ -C '%s' %s" % (
        pkg, TARBALL, dest, " ".join("'%s'" % m for m in members))
    # a wildcard that matches nothing (a file given as folder/*) is no error
    subprocess.run(["bash", "-o", "pipefail", "-c", sh + " 2>/dev/null || true"])
    if not os.path.exists(os.path.join(tree, "Makefile")):
        raise SystemExit("extracting %s failed" % pkg)
    with open(stamp, "w") as f:
        f.write(os.path.basename(pkg) + "\n")
    return tree


def kernel_version(tree):
    """6.12.N from the tree's Makefile."""
    mk = open(os.path.join(tree, "Makefile")).read()
    v = [re.search(r"^%s = (\S*)" % k, mk, re.M).group(1)
         for k in ("VERSION", "PATCHLEVEL", "SUBLEVEL")]
    return ".".join(v)


def build_selftest(tree, outdir, cc=("gcc",), extra=(), log=None):
    """Linux's iommufd selftest programs, unmodified, against the tree's own
    uapi headers (make headers: usr/include) plus COMPAT_H; paths of the
    binaries. cc/extra: the compiler and flags (e.g. -static for a guest)."""
    if not os.path.exists(os.path.join(tree, "usr/include/linux/iommufd.h")):
        say("[linux] make headers (the tree's uapi headers)")
        run(["nice", "-n", "10", "make", "-s", "ARCH=x86", "headers"], log=log, cwd=tree)
    os.makedirs(outdir, exist_ok=True)
    out = []
    for p in SELFTEST_PROGS:
        src = os.path.join(tree, SELFTEST, p + ".c")
        exe = os.path.join(outdir, p)
        inputs = [src, os.path.join(tree, SELFTEST, "iommufd_utils.h"), COMPAT_H]
        if not os.path.exists(exe) or os.path.getmtime(exe) < max(map(os.path.getmtime, inputs)):
            run(list(cc) + SELFTEST_CFLAGS + ["-include", COMPAT_H, "-isystem",
                os.path.join(tree, "usr/include")] + list(extra) + [src, "-o", exe],
                log=log, cwd=os.path.join(tree, SELFTEST))
        out.append(exe)
    return out


STATIC_DIR = os.path.join(CACHE, "selftest", "static")


def static_selftest(log=None):
    """Linux's selftest programs linked statically (glibc's libc.a) for
    ring 3 of our kernel: the same unmodified source and flags, -static."""
    tree = extract(os.path.join(CACHE, "selftest"), SELFTEST_PATHS, log=log)
    return build_selftest(tree, STATIC_DIR, extra=["-static"], log=log)


RING3_CONFIG = os.environ.get("LINUX_SELFTEST_RING3_CONFIG", "noiommu")
RING3_MEMORY = "2G"     # the dirty-tracking tests map 256 MiB buffers, populated at once


def run_ring3(progs, log, verbose=False, timeout=3600):
    """Boot our kernel (RING3_CONFIG) with progs ({path: args}) handed over by
    fw_cfg, suite=user-fwcfg: ({program: (output, summary lines)}, qemu status).
    output: what the program printed; summary: the kernel's lines about it
    (its verdict, the system calls it found missing)."""
    import qemulib
    sec = dict(qemulib.load_configs()[RING3_CONFIG])
    sec["memory"] = RING3_MEMORY
    sec["fw_progs"] = "\n".join("%s:%s" % (p, a) if a else p for p, a in progs.items())
    r = qemulib.run("linux-selftest-ring3", sec, append="suite=user-fwcfg user_timeout=%d" %
                    timeout, timeout=timeout + 300, live=verbose, log=log)
    return parse_ring3(open(log, "rb").read().decode("utf-8", "replace")), r


def parse_ring3(text):
    """{program: (output, [kernel's lines])} from a suite=user-fwcfg log."""
    out, cur = {}, None
    for line in text.replace("\r", "").splitlines():
        m = re.match(r"    # (\S+) \(\d+ bytes, from fw_cfg\)", line)
        if m:
            cur = m.group(1)
            out[cur] = ([], [])
            continue
        if not cur or not line.startswith("    # "):
            continue
        body = line[6:]
        if body.startswith(cur + ": ") or re.match(r"(PASS|FAIL|SKIP) ", body):
            out[cur][1].append(body)
        else:
            out[cur][0].append(body)
    return {k: ("\n".join(v[0]), v[1]) for k, v in out.items()}


class HugePages:
    """with HugePages(): vm.nr_hugepages raised to LINUX_SELFTEST_HUGEPAGES
    (default 80: 160 MiB) for the selftest's MAP_HUGETLB tests, as root, and
    put back after; 0 (or not root) leaves the machine alone."""
    PATH = "/proc/sys/vm/nr_hugepages"

    def __enter__(self):
        self.old = None
        want = int(os.environ.get("LINUX_SELFTEST_HUGEPAGES", "80"))
        try:
            old = int(open(self.PATH).read())
            if want <= old:
                return self
            with open(self.PATH, "w") as f:
                f.write(str(want))
            self.old = old
            say("[linux] vm.nr_hugepages %d -> %s for the MAP_HUGETLB tests (restored after)"
                % (old, open(self.PATH).read().strip()))
        except OSError as e:
            say("[linux] cannot reserve huge pages (%s): the MAP_HUGETLB tests will fail "
                "with MAP_FAILED" % e.strerror)
        return self

    def __exit__(self, *exc):
        if self.old is not None:
            with open(self.PATH, "w") as f:
                f.write(str(self.old))


def run_hosted(exe, lib, log, timeout, verbose=False):
    """exe with LD_PRELOAD=lib, its output to log (and stdout when verbose):
    (output, exit status; 124 after timeout seconds)."""
    out = []
    with open(log, "w") as f:
        f.write("# LD_PRELOAD=%s %s\n" % (lib, exe))
        f.flush()
        p = subprocess.Popen(["timeout", str(timeout), exe], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, env=dict(os.environ, LD_PRELOAD=lib),
                             cwd=os.path.dirname(exe), stdin=subprocess.DEVNULL)
        for raw in p.stdout:
            line = raw.decode("utf-8", "replace")
            f.write(line)
            out.append(line)
            if verbose:
                sys.stdout.write(line)
    return "".join(out), p.wait()


# --- kselftest (TAP 13) output ---------------------------------------------

RESULT_RE = re.compile(r"^(ok|not ok) (\d+) (\S+)(?: # (SKIP|XFAIL|XPASS)\b ?(.*))?")


def parse_kselftest(text):
    """[(name, result, why)] and the totals line ('' if none). result: pass,
    fail, skip; why: the first assertion message (or SKIP reason)."""
    tests, diag, totals = [], [], ""
    for line in text.replace("\r", "").splitlines():
        if line.startswith("# Totals:"):
            totals = line
        m = RESULT_RE.match(line)
        if m:
            res = "skip" if m.group(4) == "SKIP" else ("pass" if m.group(1) == "ok" else "fail")
            why = m.group(5) or ""
            if res == "fail":
                why = next((d for d in diag if re.match(r"#\s+\S+\.c:\d+:", d)),
                           diag[0] if diag else "")
                why = re.sub(r"^#\s+(\S*/)?", "", why)
            tests.append((m.group(3), res, why))
            diag = []
        elif line.startswith("#") and not re.match(r"#\s+(RUN|OK|FAIL|SKIP)\b", line) \
                and "RUN " not in line:
            diag.append(line)
    return tests, totals


def fixture_table(tests, title):
    """Rows by fixture.variant: pass, fail, skip, and the failed tests."""
    rows, order = {}, []
    for name, res, _ in tests:
        parts = name.split(".")
        key = ".".join(parts[:-1]) if len(parts) > 1 else name
        if key not in rows:
            rows[key] = {"pass": 0, "fail": 0, "skip": 0, "failed": []}
            order.append(key)
        rows[key][res] += 1
        if res == "fail":
            rows[key]["failed"].append(parts[-1])
    w = max([len(k) for k in order] + [len(title)])
    lines = ["%-*s  %4s  %4s  %4s  %s" % (w, title, "pass", "fail", "skip", "failed tests"),
             "-" * (w + 22)]
    for k in order:
        r = rows[k]
        lines.append("%-*s  %4d  %4d  %4d  %s" % (w, k, r["pass"], r["fail"], r["skip"],
                                                   " ".join(r["failed"])))
    return "\n".join(lines)


def stamp_time(path, seconds):
    with open(path, "w") as f:
        f.write("%d\n" % seconds)


def timer():
    t0 = time.time()
    return lambda: time.time() - t0
