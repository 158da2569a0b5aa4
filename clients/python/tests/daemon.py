"""Builds and runs the real pvmd daemon for the tests and the benchmark."""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
from pathlib import Path
from typing import Optional

#: The repository root (clients/python/tests/ is three levels down).
REPO = Path(__file__).resolve().parents[3]


def shared_dir() -> Path:
    """$PVMD_SHARED, or ../shared next to the repository."""
    return Path(os.environ.get("PVMD_SHARED") or REPO.parent / "shared")


class Daemon:
    """`pvmd serve` on a unix socket (and a loopback TCP port) in a temp dir.

    Uses $PVMD_BIN if set, else builds ./cmd/pvmd with `go build`."""

    def __init__(self, *extra_flags: str):
        self.dir = tempfile.mkdtemp(prefix="pvmd-py-")
        self.socket = os.path.join(self.dir, "pvmd.sock")
        self.unix = "unix://" + self.socket
        self.tcp: Optional[str] = None
        self.bin = os.environ.get("PVMD_BIN") or self._build()
        self.log_path = os.path.join(self.dir, "pvmd.log")
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [self.bin, "serve", "--listen", self.unix, "--listen", "tcp://127.0.0.1:0",
             "--metrics-addr", "", "--log-format", "json", "--shutdown-timeout", "5s", *extra_flags],
            stdout=self._log, stderr=subprocess.STDOUT)
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise

    def _build(self) -> str:
        out = os.path.join(self.dir, "pvmd")
        go = shutil.which("go") or "/usr/local/go/bin/go"
        r = subprocess.run([go, "build", "-o", out, "./cmd/pvmd"], cwd=REPO, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"go build ./cmd/pvmd failed:\n{r.stderr}")
        return out

    def _wait_healthy(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"pvmd exited with {self.proc.returncode}:\n{self.logs()}")
            r = subprocess.run([self.bin, "health", "--addr", self.unix, "--timeout", "1s"], capture_output=True)
            if r.returncode == 0:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"pvmd not healthy after {timeout}s:\n{self.logs()}")
            time.sleep(0.05)
        for line in self.logs().splitlines():
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if rec.get("msg") == "listening" and rec.get("addr", "").startswith("tcp://"):
                self.tcp = rec["addr"]

    def logs(self) -> str:
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def stop(self) -> int:
        """SIGTERM, then SIGKILL after 20 s; returns the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()
        shutil.rmtree(self.dir, ignore_errors=True)
        return self.proc.returncode


def require_go_or_bin() -> None:
    """Skips the calling test module when pvmd can be neither found nor built."""
    if not os.environ.get("PVMD_BIN") and not (shutil.which("go") or os.path.exists("/usr/local/go/bin/go")):
        raise unittest.SkipTest("no pvmd: set PVMD_BIN or install Go to build it")
