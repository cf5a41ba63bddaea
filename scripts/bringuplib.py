# SPDX-License-Identifier: MIT
"""The bring-up line of a serial log ("# bringup: {...}", init/bringup.c):
take it out, write its raw ACPI tables to files, and check it against what
QEMU was started with (devices, IOMMU base and CAP/ECAP/EFR from
../shared/qemu-iommu-facts.md, SMBIOS strings, console port, injected tables).
"""
import base64
import binascii
import json
import os
import re
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
IOMMU_ACPI = os.path.join(TOP, "build", "host", "iommu-acpi")
PREFIX = "# bringup: "
SCHEMA = 1
TOP_KEYS = ["schema", "version", "boot", "machine", "cpu", "memory", "consoles",
            "console_messages", "acpi_tables", "iommu_driver", "iommus", "pci", "ranges",
            "acpi", "raw_tables"]
RAW_FILES = {"DMAR": "dmar.bin", "IVRS": "ivrs.bin", "SPCR": "spcr.bin"}

# QEMU 7.2 under TCG (the facts sheet, section 2; under TCG intremap=auto is on
# and eim off): the VT-d registers and what each intel-iommu option changes
VTD_BASE, AMDVI_BASE = 0xfed90000, 0xfed80000
VTD_CAP = 0x00d2008c22260206
VTD_CAP_AW48 = 0x00d2008c222f0606
VTD_CAP_CM = 1 << 7
VTD_CAP_SAGAW = 0x1f << 8             # 0 with dma-translation=off: interrupt remapping only
VTD_ECAP_TCG = 0xf00f4a
VTD_ECAP_DT = 1 << 2
VTD_ECAP_IR, VTD_ECAP_EIM, VTD_ECAP_MHMV = 1 << 3, 1 << 4, 0xf << 20
VTD_ECAP_SM = 0x480080000000        # SRS, SMTS, SLTS: x-scalable-mode=on
VTD_ECAP_PASID = 1 << 40             # ... and x-pasid-mode=on (PSS 0: 1-bit PASIDs)
AMDVI_EFR = 0x29d3
# QEMU's SMBIOS type 1 product per machine, and each firmware's type 0 vendor
PRODUCTS = {"q35": "Standard PC (Q35 + ICH9, 2009)", "pc": "Standard PC (i440FX + PIIX, 1996)"}
FW_VENDOR = {"BIOS": "SeaBIOS", "UEFI": "EFI Development Kit II / OVMF"}
# SMBIOS type 0 vendor of other firmware a configuration names with -bios, by file name
BIOS_VENDOR = {"qboot.rom": "qboot"}
LOADERS = {"elf": "multiboot1", "pvh": "pvh"}
# the serial port a configuration's report comes from (qemulib.CONSOLES)
CONSOLE_ADDR = {"com1": 0x3f8, "com2": 0x2f8}


def line(text):
    """The JSON text of a log's first bring-up line, exactly as printed, or None."""
    for ln in text.replace("\r", "").split("\n"):
        pos = ln.find(PREFIX)
        if pos >= 0:
            return ln[pos + len(PREFIX):]
    return None


def extract(text):
    """(the bring-up object, None) or (None, why it is missing or broken)."""
    raw = line(text)
    if raw is None:
        return None, "no '# bringup:' line"
    try:
        obj = json.loads(raw)
    except ValueError as e:
        return None, "the bring-up line is not JSON: %s" % e
    if not isinstance(obj, dict):
        return None, "the bring-up line is not a JSON object"
    return obj, None


def raw_tables(obj):
    """{signature: bytes} of the tables the report carries in base64."""
    out = {}
    for sig, b64 in (obj.get("raw_tables") or {}).items():
        try:
            out[sig] = base64.b64decode(b64, validate=True)
        except (binascii.Error, ValueError, TypeError):
            out[sig] = None
    return out


def extract_acpi(obj, outdir):
    """Write each raw table to outdir (dmar.bin, ivrs.bin, spcr.bin); the paths."""
    os.makedirs(outdir, exist_ok=True)
    paths = []
    for sig, data in sorted(raw_tables(obj).items()):
        if data is None:
            continue
        p = os.path.join(outdir, RAW_FILES.get(sig, sig.lower() + ".bin"))
        with open(p, "wb") as f:
            f.write(data)
        paths.append(p)
    return paths


_tool_cache = {}


def tool_json(data):
    """iommu-acpi --json of these bytes, without its "file" key (None: no tool).
    Runs share tables (every q35 VT-d run has the same DMAR): one tool run each."""
    if not os.access(IOMMU_ACPI, os.X_OK):
        return None
    if data not in _tool_cache:
        _tool_cache[data] = _run_tool(data)
    return _tool_cache[data]


def _run_tool(data):
    with tempfile.NamedTemporaryFile(suffix=".bin") as f:
        f.write(data)
        f.flush()
        r = subprocess.run([IOMMU_ACPI, "--json", f.name], capture_output=True, text=True)
    try:
        obj = json.loads(r.stdout)
    except ValueError:
        return {"unparsable": r.stdout[:200]}
    obj.pop("file", None)
    return obj


def _options(extra, flag):
    """The values of every `flag` in a QEMU argument string (e.g. -device)."""
    args = extra.split()
    return [args[i + 1] for i, a in enumerate(args[:-1]) if a == flag]


def _props(value):
    """'intel-iommu,aw-bits=48,caching-mode=on' -> ('intel-iommu', {...})."""
    parts = value.split(",")
    return parts[0], dict(p.split("=", 1) if "=" in p else (p, "") for p in parts[1:])


def vtd_expected(props):
    """CAP and ECAP QEMU 7.2 shows under TCG for these intel-iommu properties."""
    cap = VTD_CAP_AW48 if props.get("aw-bits") == "48" else VTD_CAP
    if props.get("caching-mode") == "on":
        cap |= VTD_CAP_CM
    if props.get("dma-translation") == "off":
        cap &= ~VTD_CAP_SAGAW
    ecap = VTD_ECAP_TCG
    if props.get("device-iotlb") == "on":
        ecap |= VTD_ECAP_DT
    if props.get("eim") == "on" and props.get("x-buggy-eim") == "on":
        ecap |= VTD_ECAP_EIM        # TCG: EIM only with x-buggy-eim
    if props.get("intremap") == "off":
        ecap &= ~(VTD_ECAP_IR | VTD_ECAP_MHMV)   # no handle mask without remapping
    if props.get("x-scalable-mode") == "on":
        ecap |= VTD_ECAP_SM
        if props.get("x-pasid-mode") == "on":
            ecap |= VTD_ECAP_PASID
    return cap, ecap


def _check_schema(obj):
    p = ["bring-up line has no %r" % k for k in TOP_KEYS if k not in obj]
    if obj.get("schema") != SCHEMA:
        p.append("bring-up schema %r, expected %d" % (obj.get("schema"), SCHEMA))
    return p


def _check_raw(obj, injected):
    """Each raw table is whole and decodes as iommu-acpi decodes it; injected ones byte for byte."""
    p = []
    raw = raw_tables(obj)
    sigs = [t.get("signature") for t in obj.get("acpi_tables", [])]
    for sig, data in raw.items():
        if data is None:
            p.append("raw %s is not base64" % sig)
            continue
        if data[:4].decode("latin-1") != sig or len(data) < 36 or \
                int.from_bytes(data[4:8], "little") != len(data) or sum(data) % 256:
            p.append("raw %s is not a whole table with a good checksum" % sig)
        if sig not in sigs:
            p.append("raw %s is not among acpi_tables" % sig)
        if sig in ("DMAR", "IVRS"):
            want, got = tool_json(data), (obj.get("acpi") or {}).get(sig.lower())
            if want is not None and want != got:
                p.append("decoded %s differs from iommu-acpi --json of its raw bytes" % sig)
    for sig in ("DMAR", "IVRS", "SPCR"):
        if sig in sigs and sig not in raw:
            p.append("%s is in acpi_tables but not in raw_tables" % sig)
    for path, data in injected.items():
        sig = data[:4].decode("latin-1")
        if raw.get(sig) != data:
            p.append("raw %s is not the bytes of %s" % (sig, os.path.relpath(path, TOP)))
    return p


def _check_iommus(obj, extra, injected, staged=False):
    """staged: a first stage (fwstage=ir) played the firmware and left remapping on."""
    p = []
    units = obj.get("iommus", [])
    vtd = [_props(d)[1] for d in _options(extra, "-device") if d.split(",")[0] == "intel-iommu"]
    amd = [d for d in _options(extra, "-device") if d.split(",")[0] == "amd-iommu"]
    qemu_units = [u for u in units if u.get("base") in (VTD_BASE, AMDVI_BASE)]
    if len(qemu_units) != len(vtd) + len(amd):
        p.append("bring-up lists %d units at QEMU's IOMMU bases, QEMU has %d" %
                 (len(qemu_units), len(vtd) + len(amd)))
    for u in qemu_units:
        st = u.get("firmware_state") or {}
        if not u.get("registers_answer"):
            p.append("%s at %#x: registers did not answer" % (u.get("name"), u.get("base")))
            continue
        if u.get("kind") == "vtd" and vtd:
            cap, ecap = vtd_expected(vtd[0])
            if (u.get("cap"), u.get("ecap"), u.get("version")) != (cap, ecap, "1.0"):
                p.append("dmar CAP/ECAP/VER %#x/%#x/%s, the facts sheet says %#x/%#x/1.0" %
                         (u.get("cap", 0), u.get("ecap", 0), u.get("version"), cap, ecap))
            if (u.get("cap_decoded") or {}).get("mgaw") != (48 if vtd[0].get("aw-bits") == "48"
                                                            else 39):
                p.append("dmar CAP decodes to MGAW %r" % (u.get("cap_decoded") or {}).get("mgaw"))
            ir_only = vtd[0].get("dma-translation") == "off"
            units_on = (obj.get("dma_translation") or {}).get("units")
            if ir_only != (units_on == 0):
                p.append("dma_translation %r with dma-translation=%s" %
                         (obj.get("dma_translation"), "off" if ir_only else "on"))
        if u.get("kind") == "amdvi" and u.get("efr_mmio") != AMDVI_EFR:
            p.append("amdvi EFR %#x, the facts sheet says %#x" % (u.get("efr_mmio", 0), AMDVI_EFR))
        left_on = st.get("translation") or st.get("queued_invalidation") or \
            st.get("interrupt_remapping")
        if left_on and not staged:
            p.append("%s: QEMU's firmware left translation, QI or IR on?" % u.get("name"))
        if staged and not left_on:
            p.append("%s: fwstage=ir left neither translation nor IR on" % u.get("name"))
        if any(v is True for v in (st.get("fault_status") or {}).values()):
            p.append("%s: a fault status bit is set at boot" % u.get("name"))
    if (vtd or amd) and any(f.get("unit") is None and not f.get("bridge")
                            for f in obj.get("pci", [])):
        p.append("a PCI function has no translating unit although QEMU has an IOMMU")
    if not (vtd or amd or injected) and units:
        p.append("bring-up lists IOMMU units on a machine without one")
    for u in units:
        if u.get("base") not in (VTD_BASE, AMDVI_BASE) and u.get("registers_answer"):
            p.append("%s at %#x answers although nothing is there" % (u.get("name"), u["base"]))
    return p


def _check_pci(obj, expected_ids):
    p = []
    have = [f.get("id") for f in obj.get("pci", [])]
    for i in set(expected_ids):
        if have.count(i) < expected_ids.count(i):
            p.append("bring-up lists %d PCI functions %s, the command line adds %d" %
                     (have.count(i), i, expected_ids.count(i)))
    for f in obj.get("pci", []):
        if f.get("bdf", "").startswith("0000:00:") and f.get("source_id") != f["bdf"][5:]:
            p.append("%s on the root bus has source-id %s" % (f.get("bdf"), f.get("source_id")))
    return p


def _smbios_expected(extra, machine, firmware):
    bios = [os.path.basename(v) for v in _options(extra, "-bios")]
    want = {"vendor": "QEMU", "product": PRODUCTS.get(machine.split(",")[0]),
            "fw_vendor": BIOS_VENDOR.get(bios[-1]) if bios else FW_VENDOR[firmware]}
    keys = {"type=0": {"vendor": "fw_vendor", "version": "fw_version", "date": "fw_date"},
            "type=1": {"manufacturer": "vendor", "product": "product", "version": "version",
                       "family": "family"}}
    for v in _options(extra, "-smbios"):
        parts = v.split(",")
        for kv in parts[1:]:
            k, _, val = kv.partition("=")
            if k in keys.get(parts[0], {}):
                want[keys[parts[0]][k]] = val
    return want


def _check_machine(obj, sec):
    p = []
    boot = sec.get("boot", "elf")
    firmware = "UEFI" if boot.endswith("uefi") else "BIOS"
    m = obj.get("machine") or {}
    got = {"vendor": m.get("vendor"), "product": m.get("product"), "version": m.get("version"),
           "family": m.get("family"), "fw_vendor": (m.get("firmware") or {}).get("vendor"),
           "fw_version": (m.get("firmware") or {}).get("version"),
           "fw_date": (m.get("firmware") or {}).get("date")}
    for k, v in _smbios_expected(sec.get("extra_params", ""), sec.get("machine", "q35"),
                                 firmware).items():
        if got.get(k) != v:
            p.append("SMBIOS %s is %r, QEMU was given %r" % (k, got.get(k), v))
    b = obj.get("boot") or {}
    if b.get("firmware") != firmware:
        p.append("boot firmware %r on a %s boot" % (b.get("firmware"), firmware))
    want_loader = LOADERS.get(boot, "multiboot2")
    if b.get("loader") != want_loader:
        p.append("loader %r, a %s boot uses %s" % (b.get("loader"), boot, want_loader))
    return p


def _size(s):
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    return int(s[:-1]) * units[s[-1]] if s[-1] in units else int(s) << 20


def smp_cpus(spec):
    """The CPUs QEMU starts with for -smp spec: the count, else the topology's product."""
    words = spec.split(",")
    if words[0].isdigit():
        return int(words[0])
    kv = dict(w.split("=", 1) for w in words if "=" in w)
    if kv.get("cpus", "").isdigit():
        return int(kv["cpus"])
    n = 1
    for k in ("sockets", "dies", "clusters", "cores", "threads"):
        n *= int(kv.get(k, "1"))
    return n


def _check_cpu_memory(obj, sec):
    p = []
    cpu, mem = obj.get("cpu") or {}, obj.get("memory") or {}
    # -smp N (or its topology's product) plus the CPUs cold-plugged with -device ...-x86_64-cpu
    smp = smp_cpus(sec.get("smp", "1")) + \
        len(re.findall(r"-device [\w-]+-x86_64-cpu\b", sec.get("extra_params", "")))
    if cpu.get("count") != smp:
        p.append("CPU count %r, QEMU has -smp %d" % (cpu.get("count"), smp))
    if not cpu.get("vendor") or not isinstance(cpu.get("x2apic"), bool):
        p.append("CPU vendor or x2apic missing")
    if sec.get("emulator") != "bochs" and sec.get("cpu", "max") == "max" and cpu.get("x2apic"):
        p.append("x2APIC reported under TCG's -cpu max, which has none")
    m = re.search(r"\bmaxcpus=(\d+)", sec.get("append", ""))
    # maxcpus=0 still runs the boot CPU
    want_online = min(smp, max(1, int(m.group(1)))) if m else smp
    if cpu.get("online") != want_online:
        p.append("%r CPUs online, %d expected" % (cpu.get("online"), want_online))
    if cpu.get("apic_mode") != ("x2apic" if cpu.get("x2apic") and "x2apic=off" not in
                                sec.get("append", "") else "xapic"):
        p.append("APIC mode %r with x2apic %r" % (cpu.get("apic_mode"), cpu.get("x2apic")))
    size = _size(sec.get("memory", "512M"))
    usable = mem.get("usable_bytes", 0)
    if not size - (64 << 20) <= usable <= size:
        p.append("usable memory %d MiB with -m %d MiB" % (usable >> 20, size >> 20))
    return p


def _check_consoles(obj, sec):
    p = []
    serial = [c for c in obj.get("consoles", []) if c.get("kind") == "serial"]
    port = sec.get("console", "com1")
    if port in CONSOLE_ADDR and not any(c.get("space") == "io" and
                                        c.get("address") == CONSOLE_ADDR[port] for c in serial):
        p.append("the report came from %s but the consoles are %s" %
                 (port, [c.get("name") for c in serial]))
    if port == "chardev" and not any("pci" in c for c in serial):
        p.append("the report came from a PCI UART but no console is one")
    if obj.get("console_messages") and not sec.get("expect_lines"):
        p.append("console message: %s" % obj["console_messages"][0])
    return p


def _check_intremap(obj, sec):
    """The remapping the kernel ended up with is the one the configuration expects."""
    if "intremap" not in sec:
        return []
    have = obj.get("interrupt_remapping") or "off"
    if have != sec["intremap"]:
        return ["interrupt remapping %s, the configuration expects %s" % (have, sec["intremap"])]
    return []


def injected_tables(extra):
    """{path: bytes} of every -acpitable file=... (paths relative to the tree)."""
    out = {}
    for v in _options(extra, "-acpitable"):
        for kv in v.split(","):
            if kv.startswith("file="):
                path = kv[5:] if os.path.isabs(kv[5:]) else os.path.join(TOP, kv[5:])
                try:
                    out[path] = open(path, "rb").read()
                except OSError:
                    out[path] = b""
    return out


def check(text, sec, expected_ids):
    """Problems with a log's bring-up line for the configuration sec ([] when none)."""
    obj, why = extract(text)
    if obj is None:
        return [why]
    extra = sec.get("extra_params", "")
    injected = injected_tables(extra)
    p = _check_schema(obj)
    if p:
        return p
    if sec.get("emulator") == "bochs":
        # not QEMU: no SMBIOS strings, IOMMU or devices of QEMU's to compare with
        return _check_raw(obj, injected) + _check_cpu_memory(obj, sec)
    return (p + _check_raw(obj, injected) + _check_iommus(obj, extra, injected, "fwstage=ir" in sec.get("append", "").split()) +
            _check_pci(obj, expected_ids) + _check_machine(obj, sec) +
            _check_cpu_memory(obj, sec) + _check_consoles(obj, sec) + _check_intremap(obj, sec))


def expected_lines(text, sec):
    """Problems: each regex of the configuration's expect_lines must match a log line."""
    lines = text.replace("\r", "").split("\n")
    return ["no log line matches %r" % rx for rx in sec.get("expect_lines", "").split("\n")
            if rx.strip() and not any(re.search(rx.strip(), ln) for ln in lines)]
