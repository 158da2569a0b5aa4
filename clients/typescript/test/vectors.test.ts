// The conformance vectors in $PVMD_SHARED/vectors, run through the client.
//
// Every case of each set runs on every engine the daemon reports, one session
// per set and engine. Flat vectors: instantiate with the page map and memory,
// run, compare status, pc, gas, registers, page-fault address and the
// non-zero bytes of the mapped memory. Step vectors (gas-cost-model): set-reg,
// map, write, run (or resume after a page fault) and assert, in order.

import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

import { Access, Client, Code, Engine, Exit, HostCall, Instance, Pages, PvmdError, Session, Status } from "../src";
import { Daemon, cannotRun, sharedDir } from "./daemon";

/** The sets and the profile each was made for. */
const SETS: Record<string, string> = {
  "w3f-pvm-v0.4/programs": "gp-0.7/block-instructions",
  "polkavm-gp07": "gp-0.7",
  "polkavm-gp080": "gp-0.8",
  "gas-cost-model/programs": "latest64",
};

/** gas-cost-model cases that expect a panic on a write to a read-only page, where GP 0.8 (and pvmd) says page fault. */
const READ_ONLY_WRITE_PANICS = new Set(["inst_store_imm_u8_trap_read_only", "inst_store_u8_trap_read_only"]);

const STATUS: Record<number, string> = { [Status.Halt]: "halt", [Status.Panic]: "panic", [Status.OutOfGas]: "out-of-gas", [Status.PageFault]: "page-fault" };
const ENGINES: Record<string, Engine> = { interpreter: Engine.Interpreter, recompiler: Engine.Recompiler };

const VECTORS = path.join(sharedDir(), "vectors");

/** JSON.parse, keeping integers of 16+ digits exact (as strings; the runner BigInt()s them). */
function parse(text: string): any {
  return JSON.parse(text.replace(/([[,:]\s*)(\d{16,})(?=\s*[,\]}])/g, '$1"$2"'));
}

interface Chunk {
  address: number;
  contents: number[];
}

interface Want {
  status: string;
  pc: number;
  gas: bigint;
  regs: (number | string)[];
  memory: Chunk[];
  fault: number | undefined;
}

const access = (w: boolean) => (w ? Access.ReadWrite : Access.ReadOnly);

async function compare(inst: Instance, out: HostCall | Exit, want: Want, mapped: Pages[]): Promise<string[]> {
  const diffs: string[] = [];
  let status: string, pc: number, fault: number | undefined;
  if (out.kind === "hostCall") {
    [status, pc] = ["host", out.pc];
  } else {
    [status, pc] = [STATUS[out.status] ?? String(out.status), out.pc];
    if (out.status === Status.PageFault) fault = out.faultAddress;
  }
  if (status !== want.status) diffs.push(`status: got ${status}, want ${want.status}`);
  if (pc !== want.pc) diffs.push(`pc: got ${pc}, want ${want.pc}`);
  const st = await inst.state();
  if (st.gas !== want.gas) diffs.push(`gas: got ${st.gas}, want ${want.gas}`);
  want.regs.forEach((w, i) => {
    if (st.registers[i] !== BigInt(w)) diffs.push(`r${i}: got ${st.registers[i]}, want ${w}`);
  });
  if (fault !== want.fault) diffs.push(`page fault address: got ${fault}, want ${want.fault}`);
  const got = new Map<number, number>();
  for (const p of mapped) {
    let data: Uint8Array;
    try {
      data = await inst.readMemory(p.address, p.length!);
    } catch (e) {
      if (e instanceof PvmdError && e.code === Code.FAILED_PRECONDITION) continue; // unmapped since
      throw e;
    }
    data.forEach((b, i) => b && got.set(p.address + i, b));
  }
  const wanted = new Map<number, number>();
  for (const c of want.memory) c.contents.forEach((b, i) => b && wanted.set(c.address + i, b));
  const bad = [...new Set([...got.keys(), ...wanted.keys()])].filter((a) => got.get(a) !== wanted.get(a)).sort((a, b) => a - b);
  if (bad.length) {
    const a = bad[0];
    diffs.push(`memory: ${bad.length} bytes differ, first at 0x${a.toString(16)}: got ${got.get(a) ?? 0}, want ${wanted.get(a) ?? 0}`);
  }
  return diffs;
}

async function runFlat(s: Session, v: any, profile: string, engine: Engine): Promise<string[]> {
  const pageMap: Pages[] = v["initial-page-map"].map((p: any) => ({ address: p.address, length: p.length, access: access(p["is-writable"]) }));
  const inst = await s.instantiate({
    program: new Uint8Array(v.program),
    profile,
    engine,
    gas: BigInt(v["initial-gas"]),
    registers: v["initial-regs"].map(BigInt),
    entryPc: v["initial-pc"],
    pageMap,
    initialMemory: v["initial-memory"].map((c: Chunk) => ({ address: c.address, data: new Uint8Array(c.contents) })),
  });
  try {
    const out = await inst.start();
    return await compare(
      inst,
      out,
      {
        status: v["expected-status"],
        pc: v["expected-pc"],
        gas: BigInt(v["expected-gas"]),
        regs: v["expected-regs"],
        memory: v["expected-memory"],
        fault: v["expected-page-fault-address"],
      },
      pageMap,
    );
  } finally {
    await inst.destroy();
  }
}

async function runStepped(s: Session, v: any, profile: string, engine: Engine): Promise<string[]> {
  const diffs: string[] = [];
  const mapped: Pages[] = [];
  let last: HostCall | Exit | undefined;
  const inst = await s.instantiate({ program: new Uint8Array(v.program), profile, engine, gas: BigInt(v["initial-gas"]), entryPc: v["initial-pc"] });
  try {
    for (const [k, step] of (v.steps as any[]).entries()) {
      switch (step.kind) {
        case "set-reg":
          await inst.setRegisters({ [step.reg]: BigInt(step.value) });
          break;
        case "map": {
          const p = { address: step.address, length: step.length, access: access(step.is_writable) };
          await inst.mapPages(p.address, p.length, p.access);
          mapped.push(p);
          break;
        }
        case "write":
          await inst.writeMemory(step.address, new Uint8Array(step.contents), { force: true });
          break;
        case "run":
          if (last === undefined) last = await inst.start();
          else if (last.kind === "hostCall" || last.status === Status.PageFault) last = await inst.resume();
          // else: halted, panicked or out of gas; the machine repeats its exit.
          break;
        case "assert": {
          const want: Want = { status: step.status, pc: step.pc, gas: BigInt(step.gas), regs: step.regs, memory: step.memory, fault: step.page_fault_address };
          if (READ_ONLY_WRITE_PANICS.has(v.name) && want.status === "panic") {
            want.status = "page-fault";
            want.fault = last?.kind === "exit" ? last.faultAddress : undefined;
          }
          if (!last) {
            diffs.push(`step ${k}: assert before any run`);
            break;
          }
          for (const d of await compare(inst, last, want, mapped)) diffs.push(`step ${k}: ${d}`);
          break;
        }
        default:
          diffs.push(`step ${k}: unknown kind ${step.kind}`);
      }
    }
  } finally {
    await inst.destroy();
  }
  return diffs;
}

const skip = cannotRun() ?? (fs.existsSync(VECTORS) ? undefined : `no vectors at ${VECTORS}: set PVMD_SHARED to the shared folder`);

describe("vectors", { skip }, () => {
  let daemon: Daemon;
  let client: Client;

  before(async () => {
    daemon = await Daemon.start();
    client = new Client(daemon.unix);
  });

  after(async () => {
    client?.close();
    await daemon?.stop();
  });

  it("runs every vector of each set on every engine", async (t) => {
    const info = await client.info();
    for (const engineName of info.engines) {
      const engine = ENGINES[engineName];
      assert.ok(engine, `Info lists an engine the client cannot name: ${engineName}`);
      for (const [set, profile] of Object.entries(SETS)) {
        await t.test(`${engineName} ${set}`, async () => {
          const dir = path.join(VECTORS, set);
          const files = fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
          assert.ok(files.length > 0, `${dir}: no vector files`);
          let ran = 0;
          await client.withSession(async (s) => {
            for (const f of files) {
              const v = parse(fs.readFileSync(path.join(dir, f), "utf8"));
              const run = v.steps ? runStepped : v["expected-status"] ? runFlat : undefined;
              if (!run) continue; // block-cost tables only
              ran++;
              const diffs = await run(s, v, profile, engine);
              assert.deepEqual(diffs, [], `${f} (${profile}, ${engineName})`);
            }
          });
          assert.ok(ran > 0);
          t.diagnostic(`${engineName} ${set}: ${ran} cases`);
        });
      }
    }
  });
});
