# SPDX-License-Identifier: MIT
"""Boot iommu-testos under a named QEMU configuration (scripts/qemu.cfg).

Shared by scripts/qemu (one run, for people) and scripts/check (every
configuration). Builds the QEMU command line, runs it with a timeout, saves
the serial log under build/logs/, and maps QEMU's exit status to a result.
"""
import configparser
import functools
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from screenlib import Qmp, check_screen

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
BUILD = os.path.join(TOP, "build")
OVMF_CANDIDATES = ["/usr/share/ovmf/OVMF.fd", "/usr/share/OVMF/OVMF_CODE.fd"]

# isa-debug-exit writes v, QEMU exits (v << 1) | 1 (see arch/x86/console.h)
EXIT_PASS, EXIT_FAIL, EXIT_CRASH = 33, 35, 37
RESULTS = {EXIT_PASS: "pass", EXIT_FAIL: "fail", EXIT_CRASH: "crash"}


def load_configs(path=None):
    cp = configparser.ConfigParser(interpolation=None)
    cp.read(path or os.path.join(HERE, "qemu.cfg"))
    return cp


# PCI IDs of the -device models we use, so the kernel can check it found them
# (amd-iommu reads 1022:0010 in QEMU 7.2, not 0018 as the facts sheet says)
PCI_IDS = {
    "edu": "1234:11e8", "nvme": "1b36:0010", "pcie-root-port": "1b36:000c",
    "pci-bridge": "1b36:0001", "pcie-pci-bridge": "1b36:000e", "ich9-ahci": "8086:2922", "amd-iommu": "1022:0010",
    "pci-testdev": "1b36:0005", "virtio-net-pci": "1af4:1041", "pci-serial": "1b36:0002",
}

# Where a configuration's report comes out (key `console`): COM1 (the
# default), COM2 with COM1 present but going nowhere, or a chardev named con0
# that the configuration's own -device (a pci-serial card) uses, with no COM1.
CONSOLES = {
    "com1": ["-serial", "stdio"],
    "com2": ["-serial", "null", "-serial", "stdio"],
    "chardev": ["-serial", "none", "-chardev", "stdio,id=con0"],
}
# the closing line at the top level (a ring-3 program's own is indented)
SUMMARY_RE = re.compile(rb"(?m)^# iommu-testos: (\d+) passed, (\d+) failed, (\d+) skipped\r?$")
# expect = halt: how long the machine must stay up, halted, after its closing line
HALT_WATCH_S = 5
# how often a run's output is read: make bench reads every 2 ms, as it times the closing line
POLL_S = 0.02


def expected_pci(extra):
    """vendor:device of every PCI device the command line adds, in order."""
    ids, args = [], extra.split()
    for i, a in enumerate(args[:-1]):
        if a == "-device":
            model = args[i + 1].split(",")[0]
            if model in PCI_IDS:
                ids.append(PCI_IDS[model])
    return ids


# GRUB's network images in the netboot tree (make netboot), per firmware
NET_BOOTFILES = {"net": "boot/grub/i386-pc/core.0",
                 "net-uefi": "boot/grub/x86_64-efi/core.efi"}


def image_for(boot):
    if boot in NET_BOOTFILES:
        return os.path.join(BUILD, "netboot")
    if boot == "elf":
        return os.path.join(BUILD, "iommu-testos.elf")
    if boot == "pvh":
        return os.path.join(BUILD, "iommu-testos-pvh.elf")
    return os.path.join(BUILD, "iommu-testos.iso")


def ovmf():
    for p in OVMF_CANDIDATES:
        if os.path.exists(p):
            return p
    return None


def kvm_usable():
    return os.access("/dev/kvm", os.R_OK | os.W_OK)


def append_words(sec, append):
    """The configuration's words, its expected interrupt remapping (key intremap), and append."""
    expect = "expect_intremap=" + sec["intremap"] if sec.get("intremap") else ""
    return " ".join(a for a in (sec.get("append", ""), expect, append) if a)


IOMMU_MODELS = ("intel-iommu", "amd-iommu")
INTREMAP_VALUES = {"intel-iommu": ("vtd", "off"), "amd-iommu": ("amdvi", "off")}


def intremap_problem(sec):
    """Why the section's intremap key is missing or impossible for its IOMMU, or ""."""
    models = [d.split(",")[0] for d in sec.get("extra_params", "").split()
              if d.split(",")[0] in IOMMU_MODELS]
    want = sec.get("intremap")
    if not models:
        return "intremap = %s without an IOMMU device" % want if want not in (None, "off") else ""
    if want is None:
        return "no intremap key: say which interrupt remapping the kernel must end up with"
    if want not in INTREMAP_VALUES[models[0]]:
        return "intremap = %s with %s (one of %s)" % (want, models[0],
                                                      ", ".join(INTREMAP_VALUES[models[0]]))
    return ""


def image_takes_append(boot):
    """-kernel boots take -append; the GRUB media get the words through fw_cfg."""
    return boot in ("elf", "pvh")


def unmet_needs(sec):
    """Why this machine cannot run the configuration (needs = kvm), or ""."""
    if "kvm" in sec.get("needs", "").split() and not kvm_usable():
        return "needs /dev/kvm (QEMU 7.2 has x2APIC and EIM only under KVM)"
    if sec.get("emulator") == "bochs" and not shutil.which("bochs"):
        return "needs Bochs (scripts/deps installs bochs bochsbios bochs-term)"
    return ""


BOCHS_RC = """megs: %(megs)d
cpu: model=bx_generic, count=%(smp)s, ips=%(ips)s
cpuid: %(cpuid)s
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/bochs/VGABIOS-lgpl-latest
ata0-master: type=cdrom, path=%(iso)s, status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev=%(com1)s
display_library: rfb, options="timeout=0"
log: %(blog)s
info: action=ignore
panic: action=fatal
clock: sync=none, time0=local
"""


def bochs_prepare(name, sec, append):
    """A GRUB ISO whose one entry boots the ELF with the command line, and a bochsrc."""
    d = os.path.join(BUILD, "bochs", name)
    iso_root = os.path.join(d, "iso")
    os.makedirs(os.path.join(iso_root, "boot", "grub"), exist_ok=True)
    shutil.copy(image_for("elf"), os.path.join(iso_root, "boot", "iommu-testos.elf"))
    args = " ".join(a for a in (sec.get("append", ""), append, "exit=halt") if a)
    # gfxpayload=text as boot/grub.cfg on BIOS: asked for a VBE mode under
    # Bochs's BIOS, Debian's GRUB 2.06 dies itself before entering any
    # multiboot2 kernel with a framebuffer tag (its heap check "free magic is
    # broken at 0x54445352", the RSDT at 0xfff0000, printed through a hook
    # already gone: a triple fault)
    with open(os.path.join(iso_root, "boot", "grub", "grub.cfg"), "w") as f:
        f.write("set timeout=0\nmenuentry \"%s\" {\n\tmultiboot2 /boot/iommu-testos.elf %s\n"
                "\tset gfxpayload=text\n\tboot\n}\n" % (name, args))
    iso = os.path.join(d, "boot.iso")
    subprocess.run(["grub-mkrescue", "-o", iso, iso_root], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=True)
    com1 = os.path.join(d, "com1.txt")
    if os.path.exists(com1):
        os.remove(com1)
    rc = os.path.join(d, "bochsrc")
    megs = int(sec.get("memory", "512M").rstrip("M"))
    with open(rc, "w") as f:
        f.write(BOCHS_RC % {"megs": megs, "smp": sec.get("smp", "1"),
                            "ips": sec.get("ips", "100000000"),
                            "cpuid": sec.get("cpuid", "x86_64=1, apic=x2apic"),
                            "iso": iso, "com1": com1, "blog": os.path.join(d, "bochs.log")})
    with open(os.path.join(d, "cmds"), "w") as f:
        f.write("c\n")	# Debian's Bochs has the debugger: continue at once
    return rc, com1, os.path.join(d, "cmds")


def bochs_run(name, sec, append, timeout, live, log, out):
    """Boot under Bochs; it has no isa-debug-exit: the report's last line ends the run."""
    rc, com1, cmds = bochs_prepare(name, sec, append)
    cmd = ["bochs", "-q", "-f", rc, "-rc", cmds]
    errlog = log[:-4] + ".stderr"
    t0 = time.time()
    status, code, seen = "timeout", None, 0
    with open(log, "wb") as f, open(errlog, "wb") as ferr:
        f.write(("# bochs: %s\n# bochs stderr: %s\n" %
                 (" ".join(cmd), os.path.relpath(errlog, TOP))).encode())
        p = subprocess.Popen(cmd, stdout=ferr, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL)
        while time.time() - t0 < timeout:
            time.sleep(0.5)
            data = open(com1, "rb").read() if os.path.exists(com1) else b""
            if len(data) > seen:
                f.write(data[seen:])
                f.flush()
                if live:
                    out.write(data[seen:].decode("utf-8", "replace"))
                    out.flush()
                seen = len(data)
            tail = data[-4096:]
            m = re.search(rb"# iommu-testos: (\d+) passed, (\d+) failed", tail)
            if b"# iommu-testos: crashed" in tail:
                status, code = "crash", EXIT_CRASH
            elif m:
                status = "fail" if int(m.group(2)) else "pass"
                code = EXIT_FAIL if int(m.group(2)) else EXIT_PASS
            elif p.poll() is not None:
                status, code = "error", p.returncode
            if status != "timeout":
                break
        if p.poll() is None:
            p.kill()
            p.wait()
    return Run(name, status, code, time.time() - t0, log, cmd, "bochs")


def accel_for(sec, accel=None):
    """-accel of a run: the one asked for (with the configuration's options when it names
    the same accelerator: tcg,thread=multi stays), else the configuration's, else the
    environment's."""
    own = sec.get("accel")
    if accel and own and own.split(",")[0] == accel:
        return own
    return accel or own or os.environ.get("IOMMU_TESTOS_ACCEL", "tcg")


def linux_selftest_progs(specs):
    """fw_cfg options for a configuration's linux_selftest = NAME[:ARGS], ...:
    Linux's selftest programs as make linux-selftest links them statically
    (linuxlib.STATIC_DIR); where they are not built, a note that says so,
    which suite=user-fwcfg gives as its reason to skip."""
    import linuxlib
    opts, missing = [], []
    for spec in filter(None, (x.strip() for x in specs.split(","))):
        name, _, args = spec.partition(":")
        path = os.path.join(linuxlib.STATIC_DIR, name)
        if os.path.isfile(path):
            opts += fw_prog(path + (":" + args if args else ""))
        else:
            missing.append(name)
    if missing:
        opts += ["-fw_cfg", "name=opt/iommu-testos/prog-note,string=Linux's %s not built "
                 "static in %s (make linux-selftest builds it once)" % (
                     " and ".join(missing), linuxlib.STATIC_DIR.replace(",", ",,"))]
    return opts


def fw_prog(spec):
    """The -fw_cfg options that hand program PATH[:ARGS] to suite=user-fwcfg."""
    path, _, args = spec.partition(":")
    name = os.path.basename(path)
    if not os.path.isfile(path) or len(name) > 30:
        raise SystemExit("scripts/qemu: --prog %s: no such file (or a name over 30 bytes)" % path)
    opts = ["-fw_cfg", "name=opt/iommu-testos/prog/%s,file=%s" % (name, path.replace(",", ",,"))]
    if args:
        opts += ["-fw_cfg", "name=opt/iommu-testos/args/%s,string=%s" % (
            name, args.replace(",", ",,"))]
    return opts


# key icount = on: the virtual clock counts instructions (2^ICOUNT_SHIFT ns each) and,
# with sleep=off, jumps to the next timer when every CPU is halted, so a wait that
# naps (poll_timeout) until an emulated timer (the edu's 100 ms DMA) takes no wall
# time. TCG only, and single-threaded: not with KVM nor tcg,thread=multi. 4 ns per
# instruction is about TCG's own pace here, so a time-out on work that computes keeps about
# its wall length. With shift 0, SeaBIOS's spin-waits took 1.8 s instead of 0.3 s before
# the kernel starts.
ICOUNT_SHIFT = 2


def icount_for(sec, accel):
    """-icount options of a run: the configuration's icount = on under plain TCG, or
    IOMMU_TESTOS_ICOUNT=on / off for any configuration (to compare); [] otherwise."""
    if os.environ.get("IOMMU_TESTOS_ICOUNT", sec.get("icount", "off")) != "on":
        return []
    if accel != "tcg":	# KVM, or tcg,thread=multi (refused by icount_problem)
        return []
    return ["-icount", "shift=%d,sleep=off" % ICOUNT_SHIFT]


def icount_problem(sec):
    """Why the section's icount key cannot work, or ""."""
    want = sec.get("icount")
    if want is None:
        return ""
    if want not in ("on", "off"):
        return "icount = %s (on or off)" % want
    if want == "on" and "thread=multi" in sec.get("accel", ""):
        return "icount = on with accel = %s: icount needs single-threaded TCG" % sec["accel"]
    return ""


def ram(size):
    """Guest RAM options. QEMU madvises anonymous guest RAM for transparent huge
    pages; with THP defrag = madvise (Debian's default) every first touch of a
    guest page can stall in the host's direct compaction (here 10-50 ms per
    4 KiB page: a test taking every 4 MiB block of 5 GiB ran 57 s, 0.9 s from a
    memfd). A memfd is shmem, which takes no huge pages unless shmem_enabled
    asks for them."""
    return ["-m", size, "-object", "memory-backend-memfd,id=ram0,size=" + size,
            "-machine", "memory-backend=ram0"]


def command(sec, image=None, append="", accel="tcg", gdb=False):
    """The qemu-system-x86_64 argument list for a config section."""
    boot = sec.get("boot", "elf")
    image = image or image_for(boot)
    cmd = ["qemu-system-x86_64", "-machine", sec.get("machine", "q35"),
           "-accel", accel] + icount_for(sec, accel) + ram(sec.get("memory", "512M")) + [
           "-smp", sec.get("smp", "1"), "-cpu", sec.get("cpu", "max"),
           "-display", "none"] + CONSOLES[sec.get("console", "com1")] + [
           "-monitor", "none", "-no-reboot",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    cmd += sec.get("extra_params", "").split()
    for spec in sec.get("fw_progs", "").splitlines():
        cmd += fw_prog(spec)
    cmd += linux_selftest_progs(sec.get("linux_selftest", ""))
    pci = expected_pci(sec.get("extra_params", ""))
    if pci:
        cmd += ["-fw_cfg", "name=opt/iommu-testos/pci-expect,string=" + " ".join(pci)]
    if append_words(sec, append) and not image_takes_append(boot):
        # GRUB's menu fixes the command line of the ISO and netboot: the kernel
        # adds these words from fw_cfg (fwcfg_append_cmdline)
        cmd += ["-fw_cfg", "name=opt/iommu-testos/append,string=" +
                append_words(sec, append).replace(",", ",,")]
    if boot in NET_BOOTFILES:
        # QEMU's own DHCP+TFTP server; SeaBIOS boots through the NIC's iPXE
        # ROM, OVMF through its network stack; GRUB then fetches the rest
        bootfile = sec.get("bootfile", NET_BOOTFILES[boot])
        cmd += ["-netdev", "user,id=n0,tftp=%s,bootfile=%s" % (image, bootfile),
                "-device", "e1000,netdev=n0,bootindex=0"]
        image = ""
    else:
        cmd += ["-nic", "none"]
    if image.endswith(".iso"):
        if boot.startswith("usb"):
            # the hybrid ISO dd'ed to a stick: a raw USB disk, not a CD
            cmd += ["-drive", "if=none,id=stick,format=raw,readonly=on,file=" + image,
                    "-device", "qemu-xhci", "-device", "usb-storage,drive=stick,bootindex=0"]
        else:
            cmd += ["-cdrom", image]
    elif image:
        cmd += ["-kernel", image]
        if append_words(sec, append):
            cmd += ["-append", append_words(sec, append)]
    if boot.endswith("uefi"):
        fw = ovmf()
        if not fw:
            raise RuntimeError("OVMF not found (apt-get install ovmf)")
        cmd += ["-bios", fw]
    if gdb:
        cmd += ["-s", "-S"]
    return cmd


class Run:
    """Result of one boot: status is pass, fail, crash, timeout or error;
    screen is the framebuffer check's problem (None: fine or not asked)."""

    def __init__(self, name, status, code, seconds, log, cmd, accel, screen=None, closed=None):
        self.name, self.status, self.code = name, status, code
        self.seconds, self.log, self.cmd, self.accel = seconds, log, cmd, accel
        self.screen = screen
        self.closed = closed    # seconds from QEMU's start to the closing line (None: never)


def run(name, sec, image=None, append="", accel=None, timeout=None,
        live=False, log=None, gdb=False, out=sys.stdout):
    """Boot once; stream the serial log to `out` when live."""
    if sec.get("emulator") == "bochs":
        timeout = float(timeout or sec.get("timeout", "180"))
        os.makedirs(os.path.join(BUILD, "logs"), exist_ok=True)
        return bochs_run(name, sec, append, timeout, live,
                         log or os.path.join(BUILD, "logs", name + ".log"), out)
    accel = accel_for(sec, accel)
    if accel.startswith("kvm") and not kvm_usable():
        accel = "tcg"
    timeout = float(timeout or sec.get("timeout", "180"))
    os.makedirs(os.path.join(BUILD, "logs"), exist_ok=True)
    log = log or os.path.join(BUILD, "logs", name + ".log")
    cmd = command(sec, image, append, accel, gdb)
    # QMP for the screendump (the kernel halts after its closing line, exit=halt)
    # and, on a time-out, the guest's registers; a short path: unix socket
    # names are limited to 108 bytes
    qmp = None
    if not gdb:
        qmp = os.path.join(tempfile.mkdtemp(prefix="iommu-testos-"), "qmp")
        cmd += ["-qmp", "unix:%s,server=on,wait=off" % qmp]
    t0 = time.time()
    status, code, screen, summary = "error", None, None, None
    # QEMU's own messages (vIOMMU warnings on purposeful faults...) go to a
    # file of their own: mixed into the serial stream they break KTAP lines
    errlog = log[:-4] + ".stderr" if log.endswith(".log") else log + ".stderr"
    with open(log, "wb") as f, open(errlog, "wb") as ferr:
        f.write(("# qemu: %s\n# qemu stderr: %s\n" %
                 (" ".join(cmd), os.path.relpath(errlog, TOP))).encode())
        f.flush()
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=ferr,
                             stdin=subprocess.DEVNULL)
        os.set_blocking(p.stdout.fileno(), False)
        buf = b""
        halted_by = None    # expect = halt: the closing line came; still running then passes
        closed = None
        while True:
            chunk = None
            try:
                chunk = p.stdout.read(65536)
            except BlockingIOError:
                pass
            if chunk:
                f.write(chunk)
                f.flush()
                buf = (buf + chunk)[-4096:]
                if live:
                    out.write(chunk.decode("utf-8", "replace"))
                    out.flush()
                if closed is None and SUMMARY_RE.search(buf):
                    closed = time.time() - t0
            elif p.poll() is not None:
                break
            else:
                time.sleep(POLL_S)
            if sec.get("screendump") and summary is None and SUMMARY_RE.search(buf):
                summary = SUMMARY_RE.search(buf)
                screen = check_screen(qmp, log[:-4] + ".ppm", summary.group(0).decode().strip())
                try:
                    p.wait(timeout=10)  # check_screen quit QEMU over QMP
                except subprocess.TimeoutExpired:
                    p.kill()            # it could not: do not wait for the timeout
            if sec.get("expect") == "halt" and halted_by is None and SUMMARY_RE.search(buf):
                halted_by = time.time() + HALT_WATCH_S
            if not gdb and (time.time() - t0 > timeout or
                            (halted_by is not None and time.time() > halted_by)):
                if halted_by is None:
                    f.write(hang_state(qmp, os.path.join(BUILD, "iommu-testos.elf")))
                p.kill()
                p.wait()
                status = "timeout"
                break
        if qmp:
            shutil.rmtree(os.path.dirname(qmp), ignore_errors=True)
        if sec.get("screendump") and summary is not None and p.returncode == 0:
            # quit over QMP after the screendump: the closing line says how it went
            status, code = "pass" if summary.group(2) == b"0" else "fail", 0
        elif status != "timeout":
            code = p.returncode
            status = RESULTS.get(code, "error")
            with open(errlog, "rb") as e:
                err = e.read()
            if status == "error":
                f.write(err)
            # KVM on nested/paravirtual hosts can fail where TCG works
            if accel.startswith("kvm") and b"KVM internal error" in buf + err:
                f.write(b"\n# qemu: KVM failed, retrying with TCG\n")
                return run(name, sec, image, append, "tcg", timeout, live, log, gdb, out)
    return Run(name, status, code, time.time() - t0, log, cmd,
               accel + ("+icount" if "-icount" in cmd else ""), screen, closed)


RIP_RE = re.compile(r"RIP=([0-9a-f]{16})")


def symbolize(elf, addr):
    """function+offset of addr in the ELF's symbols ("" when unknown)."""
    try:
        out = subprocess.run(["nm", "-n", "--defined-only", elf], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True).stdout
    except OSError:
        return ""
    best = None
    for line in out.splitlines():
        w = line.split()
        if len(w) == 3 and w[1] in "tTwW" and int(w[0], 16) <= addr:
            best = (re.sub(r"\.lto_priv\.\d+", "", w[2]), addr - int(w[0], 16))
    return "%s+%#x" % best if best else ""


def hang_state(qmp, elf):
    """A run that timed out: every CPU's registers from QEMU's monitor (the
    kernel's own watchdog could not report: interrupts off on every CPU, or
    QEMU itself stuck), as comment lines for the log. None of QEMU's
    answers is trusted to come: QMP is given 5 s."""
    lines = ["# qemu: run timed out; the guest's CPUs as QEMU's monitor saw them:"]
    try:
        q = Qmp(qmp, timeout=5)
        try:
            text = q.cmd("human-monitor-command", **{"command-line": "info registers -a"})
        finally:
            q.close()
    except (OSError, ValueError, TypeError) as e:
        return ("# qemu: run timed out; QEMU's monitor did not answer (%s): QEMU itself "
                "may be stuck\n" % e).encode()
    for line in (text or "").splitlines():
        lines.append("#   " + line)
    for m in RIP_RE.finditer(text or ""):
        sym = symbolize(elf, int(m.group(1), 16)) if elf else ""
        lines.append("# qemu: RIP %s %s" % (m.group(1), sym or "(not in the kernel's symbols)"))
    return ("\n".join(lines) + "\n").encode()


@functools.lru_cache(maxsize=None)
def qemu_version():
    """major.minor of qemu-system-x86_64, e.g. "7.2" ("" when it does not run)."""
    try:
        out = subprocess.run(["qemu-system-x86_64", "--version"], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True).stdout
    except OSError:
        return ""
    m = re.search(r"version (\d+)\.(\d+)", out)
    return "%s.%s" % m.groups() if m else ""


AMDVI_PROBE_RE = re.compile(r"^# (amdvi\d+): event log probe: (works|broken)\b(.*)$", re.M)


def amdvi_event_log_expected(sec, version):
    """What the AMD-Vi event-log probe must find under this QEMU: (state, why).

    The section's amdvi_event_log is "works" or "broken in QEMU 7.2[, X.Y...]"
    (broken in those versions, working in any other). (None, why) when the
    section has no AMD-Vi; ValueError when it has one and no valid statement.
    """
    if "amd-iommu" not in sec.get("extra_params", ""):
        return None, "no AMD-Vi"
    spec = " ".join(sec.get("amdvi_event_log", "").split())
    if spec == "works":
        return "works", "stated to work"
    m = re.fullmatch(r"broken in QEMU (\d+\.\d+(?:, ?\d+\.\d+)*)", spec)
    if not m:
        raise ValueError("amdvi_event_log = %r: say \"works\" or \"broken in QEMU X.Y[, ...]\" "
                         "(the QEMU versions whose amd-iommu never writes its event log)" % spec)
    broken = [v.strip() for v in m.group(1).split(",")]
    if version in broken:
        return "broken", "known broken in QEMU %s" % version
    return "works", "QEMU %s is not among those known broken (%s)" % (version, ", ".join(broken))


def amdvi_event_log_problems(sec, text, version):
    """Problems with the event-log probe lines of a serial log, [] when as stated."""
    try:
        want, why = amdvi_event_log_expected(sec, version)
    except ValueError as e:
        return ["scripts/qemu.cfg: %s" % e]
    if want is None:
        return []
    found = AMDVI_PROBE_RE.findall(text)
    if not found:
        return ["AMD-Vi event log: no 'event log probe' line (expected %s: %s)" % (want, why)]
    return ["AMD-Vi event log of %s: probe found %s, expected %s (%s)%s" %
            (unit, got, want, why,
             "; if this QEMU is known broken, add it to amdvi_event_log in scripts/qemu.cfg"
             if want == "works" else "")
            for unit, got, _ in found if got != want]


def qemu_missing():
    return shutil.which("qemu-system-x86_64") is None
