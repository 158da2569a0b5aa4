"""The conformance vectors in $PVMD_SHARED/vectors, run through the client.

Every case of each set runs on every engine the daemon reports, one session
per set and engine. Flat vectors: instantiate with the page map and memory,
run, compare status, pc, gas, registers, page-fault address and the non-zero
bytes of the mapped memory. Step vectors (gas-cost-model): set-reg, map,
write, run (or resume after a page fault) and assert, in order.
"""

import json
import os
import unittest
from pathlib import Path

import grpc

import pvmd
from pvmd import Access, Engine, Status

from .daemon import Daemon, require_go_or_bin, shared_dir

#: The sets and the profile each was made for.
SETS = {
    "w3f-pvm-v0.4/programs": "gp-0.7/block-instructions",
    "polkavm-gp07": "gp-0.7",
    "polkavm-gp080": "gp-0.8",
    "gas-cost-model/programs": "latest64",
}

#: gas-cost-model cases that expect a panic on a write to a read-only page,
#: where GP 0.8 (and pvmd) says page fault (see vectors/README.md).
READ_ONLY_WRITE_PANICS = {"inst_store_imm_u8_trap_read_only", "inst_store_u8_trap_read_only"}

STATUS = {"halt": Status.HALT, "panic": Status.PANIC, "out-of-gas": Status.OUT_OF_GAS, "page-fault": Status.PAGE_FAULT}
ENGINES = {"interpreter": Engine.INTERPRETER, "recompiler": Engine.RECOMPILER}

daemon: Daemon = None  # type: ignore[assignment]
VECTORS = shared_dir() / "vectors"


def setUpModule():
    global daemon
    if not VECTORS.is_dir():
        raise unittest.SkipTest(f"no vectors at {VECTORS}: set PVMD_SHARED to the shared folder")
    require_go_or_bin()
    daemon = Daemon()


def tearDownModule():
    if daemon is not None:
        daemon.stop()


def access(writable: bool) -> Access:
    return Access.READ_WRITE if writable else Access.READ_ONLY


def nonzero(chunks):
    out = {}
    for c in chunks:
        for i, b in enumerate(c["contents"]):
            if b:
                out[c["address"] + i] = b
    return out


class VectorsTest(unittest.TestCase):
    def test_vector_sets(self):
        with pvmd.Client(daemon.unix) as client:
            engines = client.info().engines
            for engine in engines:
                self.assertIn(engine, ENGINES, "Info lists an engine the client cannot name")
                for set_name, profile in SETS.items():
                    files = sorted((VECTORS / set_name).glob("*.json"))
                    with self.subTest(engine=engine, set=set_name):
                        self.assertTrue(files, f"{VECTORS / set_name}: no vector files")
                        ran = self.run_set(client, files, profile, ENGINES[engine])
                        self.assertGreater(ran, 0)
                        if os.environ.get("PVMD_VERBOSE"):
                            print(f"{engine} {set_name}: {ran} cases")

    def run_set(self, client, files, profile, engine) -> int:
        ran = 0
        with client.session() as s:
            for path in files:
                v = json.loads(path.read_text())
                if "steps" in v:
                    run = self.run_stepped
                elif "expected-status" in v:
                    run = self.run_flat
                else:
                    continue  # block-cost tables only
                ran += 1
                diffs = run(s, v, profile, engine)
                if diffs:
                    self.fail(f"{path.name} ({profile}, {engine.name}): " + "; ".join(diffs))
        return ran

    def run_flat(self, s, v, profile, engine):
        page_map = [pvmd.Pages(p["address"], p["length"], access(p["is-writable"])) for p in v["initial-page-map"]]
        with s.instantiate(bytes(v["program"]), profile=profile, engine=engine, gas=v["initial-gas"],
                           registers=v["initial-regs"], entry_pc=v["initial-pc"], page_map=page_map,
                           initial_memory=[(c["address"], bytes(c["contents"])) for c in v["initial-memory"]]) as inst:
            out = inst.start()
            return self.compare(inst, out, dict(status=v["expected-status"], pc=v["expected-pc"], gas=v["expected-gas"],
                                                regs=v["expected-regs"], memory=v["expected-memory"],
                                                fault=v.get("expected-page-fault-address")), page_map)

    def run_stepped(self, s, v, profile, engine):
        diffs = []
        mapped = []
        last = None
        with s.instantiate(bytes(v["program"]), profile=profile, engine=engine, gas=v["initial-gas"],
                           entry_pc=v["initial-pc"]) as inst:
            for k, step in enumerate(v["steps"]):
                kind = step["kind"]
                if kind == "set-reg":
                    inst.set_registers({step["reg"]: step["value"]})
                elif kind == "map":
                    p = pvmd.Pages(step["address"], step["length"], access(step["is_writable"]))
                    inst.map_pages(p.address, p.length, p.access)
                    mapped.append(p)
                elif kind == "write":
                    inst.write_memory(step["address"], bytes(step["contents"]), force=True)
                elif kind == "run":
                    if last is None:
                        last = inst.start()
                    elif isinstance(last, pvmd.HostCall) or last.status == Status.PAGE_FAULT:
                        last = inst.resume()
                    # else: halted, panicked or out of gas; the machine repeats its exit.
                elif kind == "assert":
                    want = dict(status=step["status"], pc=step["pc"], gas=step["gas"], regs=step["regs"],
                                memory=step["memory"], fault=step.get("page_fault_address"))
                    if v["name"] in READ_ONLY_WRITE_PANICS and want["status"] == "panic":
                        want["status"] = "page-fault"
                        want["fault"] = getattr(last, "fault_address", None)
                    diffs += [f"step {k}: {d}" for d in self.compare(inst, last, want, mapped)]
                else:
                    diffs.append(f"step {k}: unknown kind {kind!r}")
        return diffs

    def compare(self, inst, out, want, mapped):
        diffs = []
        if isinstance(out, pvmd.HostCall):
            status, pc, fault = "host", out.pc, None
        else:
            status = next((k for k, s in STATUS.items() if s == out.status), str(out.status))
            pc, fault = out.pc, out.fault_address if out.status == Status.PAGE_FAULT else None
        if status != want["status"]:
            diffs.append(f"status: got {status}, want {want['status']}")
        if pc != want["pc"]:
            diffs.append(f"pc: got {pc}, want {want['pc']}")
        st = inst.state()
        if st.gas != want["gas"]:
            diffs.append(f"gas: got {st.gas}, want {want['gas']}")
        for i, (g, w) in enumerate(zip(st.registers, want["regs"])):
            if g != w:
                diffs.append(f"r{i}: got {g:#x}, want {w:#x}")
        if fault != want["fault"]:
            diffs.append(f"page fault address: got {fault}, want {want['fault']}")
        got = {}
        for p in mapped:
            try:
                data = inst.read_memory(p.address, p.length)
            except pvmd.PvmdError as e:
                if e.code == grpc.StatusCode.FAILED_PRECONDITION:
                    continue  # unmapped since
                raise
            for i, b in enumerate(data):
                if b:
                    got[p.address + i] = b
        wanted = nonzero(want["memory"])
        if got != wanted:
            bad = sorted(a for a in got.keys() | wanted.keys() if got.get(a) != wanted.get(a))
            a = bad[0]
            diffs.append(f"memory: {len(bad)} bytes differ, first at {a:#x}: got {got.get(a, 0):#x}, want {wanted.get(a, 0):#x}")
        return diffs


if __name__ == "__main__":
    unittest.main()
