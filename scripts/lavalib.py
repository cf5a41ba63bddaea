# SPDX-License-Identifier: MIT
"""The project's LAVA jobs (lab/jobs/) checked and run with LAVA's own code:
schema validation (lava_common), device dictionaries rendered the way the
server does, lava-run's stderr log read back, and the jobs' test monitors
run by lava_dispatcher's TestMonitorAction over a serial stream fed in
chunks, as a pty delivers it. Shared by scripts/lava (make lava) and
tests/host/lava_selftest.py (make check). Needs Debian's lava-dispatcher.
"""
import contextlib
import glob
import os
import subprocess

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
LAB = os.path.join(TOP, "lab")
SERVER = os.path.join(TOP, "build", "lava", "server")
DEVICE_TYPES = os.path.join(SERVER, "usr", "share", "lava-server", "device-types")


def jobs():
    """{name: job dict} of every lab/jobs/*.yaml."""
    return {os.path.basename(p)[:-5]: yaml.safe_load(open(p))
            for p in sorted(glob.glob(os.path.join(LAB, "jobs", "*.yaml")))}


def schema_problems(job):
    """What LAVA's server-side validation (strict, as its API does) says; "" when valid."""
    import voluptuous
    from lava_common.schemas import validate
    try:
        validate(job, strict=True, extra_context_variables=[])
    except voluptuous.Invalid as e:
        return str(e)
    return ""


def monitors(job):
    return [m for a in job["actions"] if "test" in a for m in a["test"].get("monitors", [])]


def server_templates():
    """The device-type templates, which ship only in lava-server: downloaded
    once with apt-get and unpacked under build/lava/server (never installed)."""
    if os.path.exists(os.path.join(DEVICE_TYPES, "base.jinja2")):
        return DEVICE_TYPES
    dl = os.path.join(TOP, "build", "lava", "deb")
    os.makedirs(dl, exist_ok=True)
    for attempt in (0, 1):
        r = subprocess.run(["apt-get", "download", "lava-server"], cwd=dl,
                           capture_output=True, text=True)
        if r.returncode == 0:
            break
        if attempt == 0:
            subprocess.run(["apt-get", "update"], capture_output=True)
    else:
        raise RuntimeError("apt-get download lava-server failed: %s" % r.stderr.strip())
    deb = sorted(glob.glob(os.path.join(dl, "lava-server_*.deb")))[-1]
    subprocess.run(["dpkg-deb", "-x", deb, SERVER], check=True)
    return DEVICE_TYPES


def render_device(name, context):
    """Device YAML from lab/devices/NAME.jinja2 as lava-server renders it:
    a sandboxed Jinja2 with trim_blocks, the job's context as variables."""
    import jinja2
    import jinja2.sandbox
    env = jinja2.sandbox.SandboxedEnvironment(
        loader=jinja2.FileSystemLoader([os.path.join(LAB, "devices"),
                                        os.path.join(LAB, "device-types"),
                                        server_templates()]),
        trim_blocks=True, autoescape=False)
    return env.get_template(name + ".jinja2").render(**(context or {}))


class _AnyTagLoader(yaml.SafeLoader):
    """lava-run's log lines carry tags (`! "123"`, python objects): keep the values."""


def _untagged(loader, suffix, node):
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_scalar(node)


_AnyTagLoader.add_multi_constructor("", _untagged)


def read_log(text):
    """lava-run's stderr (one YAML mapping a line) -> (results, serial text):
    every `lvl: results` msg, and the target's lines joined."""
    results, serial = [], []
    for line in text.splitlines():
        if not line.startswith("{"):
            continue
        try:
            rec = yaml.load(line, Loader=_AnyTagLoader)
        except yaml.YAMLError:
            continue
        if not isinstance(rec, dict):
            continue
        if rec.get("lvl") == "results" and isinstance(rec.get("msg"), dict):
            results.append(rec["msg"])
        elif rec.get("lvl") == "target" and isinstance(rec.get("msg"), str):
            serial.append(rec["msg"])
    return results, "\n".join(serial) + "\n"


# ---- a monitor run by LAVA's own TestMonitorAction, without a device -------

def _chunked_spawn(data, sizes):
    """A pexpect spawn whose reads return data in chunks of the given sizes
    (cycled), with LAVA's ShellCommand window: maxread 2000, searchwindowsize 4000."""
    import pexpect
    from pexpect.spawnbase import SpawnBase

    class Chunked(SpawnBase):
        def __init__(self):
            super().__init__(timeout=5, maxread=2000, searchwindowsize=4000,
                             encoding="utf-8", codec_errors="replace")
            self.pos, self.turn = 0, 0

        def read_nonblocking(self, size=1, timeout=None):
            if self.pos >= len(data):
                self.flag_eof = True
                raise pexpect.EOF("end of the recorded log")
            n = min(size, sizes[self.turn % len(sizes)])
            self.turn += 1
            chunk = data[self.pos:self.pos + n]
            self.pos += n
            return self._decoder.decode(chunk, final=False)

    return Chunked()


class _Log:
    """Stands in for LAVA's YAML logger: keeps the results it is given."""

    def __init__(self):
        self.cases = []

    def results(self, r):
        self.cases.append(r)

    def info(self, *a):
        pass

    debug = warning = error = info


def monitor_cases(monitor, serial, sizes=(2000,)):
    """Run one job monitor with lava_dispatcher's TestMonitorAction over
    serial (bytes as the dispatcher reads them) delivered in chunks of sizes.
    Returns (cases [{case, result, ...}], end_found)."""
    from lava_common.exceptions import ConnectionClosedError
    from lava_dispatcher.actions.test.monitor import TestMonitorAction
    from lava_common.timeout import Timeout

    spawn = _chunked_spawn(serial, list(sizes))

    class Session:
        timeout = Timeout("monitor", duration=5)
        prompt_str = None

        def wait(self):
            return spawn.expect(self.prompt_str, timeout=5)

        @contextlib.contextmanager
        def test_connection(self):
            yield spawn

    act = TestMonitorAction()
    log = _Log()
    act.logger, act.parameters, act.level = log, {"monitors": [monitor]}, "3.1"
    try:
        act.run(Session(), None)
    except ConnectionClosedError:
        pass
    return log.cases, act.results.get("status") == "passed"


def pty_bytes(report_text):
    """What the dispatcher reads from a pty for a guest that wrote report_text
    (lines ending \\r\\n): the pty's onlcr turns each \\n into \\r\\n."""
    return report_text.replace("\r\n", "\n").replace("\n", "\r\r\n").encode()
