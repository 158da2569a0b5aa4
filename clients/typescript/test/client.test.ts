// The TypeScript client against the real pvmd daemon.

import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";

import { Access, Client, Code, Exit, Format, HALT_ADDRESS, HostCall, PAGE_SIZE, PvmdError, RunState, Status } from "../src";
import * as P from "./programs";
import { Daemon, cannotRun } from "./daemon";

/** 13 registers: φ0 = HALT_ADDRESS and the others given. */
function regs(set: Record<number, bigint> = {}): bigint[] {
  const r = Array<bigint>(13).fill(0n);
  r[0] = HALT_ADDRESS;
  for (const [k, v] of Object.entries(set)) r[Number(k)] = v;
  return r;
}

function u64le(b: Uint8Array): bigint {
  return Buffer.from(b).readBigUInt64LE(0);
}

function le64(v: bigint): Uint8Array {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(v);
  return b;
}

/** Awaits p and checks it rejects with a PvmdError with `code`. */
async function rejectsWith(p: Promise<unknown>, code: number): Promise<PvmdError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof PvmdError, `want a PvmdError, got ${e}`);
    assert.equal(e.code, code, `want ${Code[code]}, got ${e.message}`);
    assert.ok(e.details.length > 0);
    return e;
  }
  assert.fail(`want ${Code[code]}, got success`);
}

const skip = cannotRun();

describe("client", { skip }, () => {
  let daemon: Daemon;
  let client: Client;

  before(async () => {
    daemon = await Daemon.start();
    client = new Client(daemon.unix);
  });

  after(async () => {
    client?.close();
    if (daemon) assert.equal(await daemon.stop(), 0, "pvmd exit status");
  });

  it("reads Info", async () => {
    const info = await client.info();
    assert.ok(info.version);
    assert.ok(info.numberings.includes(info.defaultProfile));
    assert.ok(info.engines.includes("interpreter"));
    assert.ok(info.limits.maxMessageBytes > 0n);
    assert.ok(info.limits.maxGasPerRun > 0n);
  });

  it("connects over TCP", async () => {
    assert.ok(daemon.tcp, "the daemon logged no tcp:// listener");
    const c = new Client(daemon.tcp);
    try {
      const ex = await c.withSession(async (s) => {
        const inst = await s.instantiate({ program: P.ADDER, gas: 100, registers: regs({ 7: 2n, 8: 3n }) });
        return inst.run();
      });
      assert.equal(ex.status, Status.Halt);
      assert.equal(ex.registers[7], 5n);
    } finally {
      c.close();
    }
  });

  it("runs a host-call loop", async () => {
    // The guest bumps a counter in memory and calls ecalli; the handler
    // checks it through a memory read, adds 1000 with a queued write, sets φ7
    // (0 stops the loop) and charges gas.
    const rounds = 50;
    const seen: { pc: number; gas: bigint }[] = [];
    await client.withSession(async (s) => {
      const inst = await s.instantiate({
        program: P.HOST_CALL_LOOP,
        gas: 1_000_000n,
        registers: regs(),
        pageMap: [{ address: P.DATA_PAGE, length: 4096, access: Access.ReadWrite }],
      });
      assert.equal(inst.profile, "gp-0.8");
      const ex = await inst.run(async (call) => {
        const i = seen.length + 1;
        assert.equal(call.id, P.LOOP_CALL_ID);
        assert.equal(call.instance, inst);
        const counter = u64le(await call.readMemory(P.DATA_PAGE, 8));
        assert.equal(counter, BigInt(i + 1000 * (i - 1)));
        if (i > 1) assert.equal(call.registers[7], BigInt((i - 1) * 7));
        seen.push({ pc: call.pc, gas: call.gas });
        call.writeMemory(P.DATA_PAGE, le64(counter + 1000n));
        call.registers[7] = i === rounds ? 0n : BigInt(i * 7);
        call.gas -= 10n;
      });
      assert.equal(ex.status, Status.Halt);
      assert.equal(seen.length, rounds);
      assert.equal(new Set(seen.map((x) => x.pc)).size, 1, "every call is at the same ecalli");
      for (let k = 1; k < seen.length; k++) assert.ok(seen[k].gas < seen[k - 1].gas - 10n, "the handler's charge sticks");
      assert.equal(u64le(await inst.readMemory(P.DATA_PAGE, 8)), BigInt(rounds + 1000 * rounds));
      const st = await inst.state();
      assert.equal(st.runState, RunState.Finished);
      assert.equal(st.gas, ex.gas);
      assert.equal(st.mappedBytes, 4096n);
      assert.ok(st.instructions > BigInt(5 * rounds));
    });
  });

  it("steps with start and resume, and ends runs from a host call", async () => {
    await client.withSession(async (s) => {
      const inst = await s.instantiate({ program: P.TIGHT_LOOP, gas: 1000, registers: regs({ 7: 1n }) });
      let out = await inst.start();
      assert.ok(out instanceof HostCall);
      let st = await inst.state();
      assert.deepEqual([st.runState, st.callId, st.pc], [RunState.AtHostCall, P.LOOP_CALL_ID, out.pc]);
      const call = await inst.resume(undefined, { registers: { 7: 5n }, gas: out.gas - 1n });
      assert.ok(call instanceof HostCall);
      assert.equal(call.registers[7], 5n);
      call.panic();
      out = await inst.resume(call);
      assert.equal(out.kind, "exit");
      assert.deepEqual([(out as Exit).status, out.pc], [Status.Panic, call.pc]);
      // A finished instance runs again from the start with fresh gas.
      assert.equal((await inst.run((c) => c.end(Status.Halt), { gas: 1000 })).status, Status.Halt);
      // Without a handler a host call is an error, and the run stays paused.
      await assert.rejects(inst.run(), /no handler/);
      st = await inst.state();
      assert.equal(st.runState, RunState.AtHostCall);
      const ex = await inst.resumeRun((c) => {
        c.registers[7] = 0n;
      });
      assert.equal(ex.status, Status.Halt);
    });
  });

  it("maps pages on a page fault", async () => {
    await client.withSession(async (s) => {
      // By hand: the run returns the fault; map the page and resume.
      let inst = await s.instantiate({ program: P.FAULT_THEN_HALT, gas: 100, registers: regs() });
      let ex = await inst.run();
      assert.deepEqual([ex.status, ex.faultAddress], [Status.PageFault, P.FAULT_PAGE]);
      const st = await inst.state();
      assert.deepEqual([st.runState, st.faultAddress], [RunState.AtPageFault, P.FAULT_PAGE]);
      await inst.mapPages(P.FAULT_PAGE, PAGE_SIZE, Access.ReadOnly);
      await inst.writeMemory(P.FAULT_PAGE, new Uint8Array([41]), { force: true }); // read-only: needs force
      ex = await inst.resumeRun();
      assert.deepEqual([ex.status, ex.registers[7]], [Status.Halt, 42n]);

      // With a page-fault handler.
      const faults: number[] = [];
      inst = await s.instantiate({ program: P.FAULT_THEN_HALT, gas: 100, registers: regs() });
      ex = await inst.run(undefined, {
        onPageFault: async (f) => {
          faults.push(f.faultAddress);
          await f.instance!.mapPages(f.faultAddress, PAGE_SIZE, Access.ReadWrite);
          await f.instance!.writeMemory(f.faultAddress, new Uint8Array([99]));
          return true;
        },
      });
      assert.deepEqual(faults, [P.FAULT_PAGE]);
      assert.deepEqual([ex.status, ex.registers[7]], [Status.Halt, 100n]);
    });
  });

  it("runs a nested instance from a host call", async () => {
    await client.withSession(async (s) => {
      const outer = await s.instantiate({ program: P.CALL_INNER, gas: 100, registers: regs() });
      const ex = await outer.run(async (call) => {
        assert.equal(call.id, P.INVOKE_CALL_ID);
        const inner = await call.session.instantiate({ program: P.ADDER, gas: 100, registers: regs({ 7: 1n << 40n, 8: 5n }) });
        assert.notEqual(inner.id, outer.id);
        const iex = await inner.run();
        assert.equal(iex.status, Status.Halt);
        assert.equal((await outer.state()).runState, RunState.AtHostCall);
        await inner.destroy();
        call.registers[7] = iex.registers[7];
      });
      assert.deepEqual([ex.status, ex.registers[7]], [Status.Halt, (1n << 40n) + 6n]);
    });
  });

  it("uploads, instantiates by hash and invokes standard programs", async () => {
    const args = new TextEncoder().encode("hello, pvmd");
    const up = await client.upload(P.ECHO_ARGS_STANDARD, { format: Format.Standard });
    assert.equal(up.codeHash.length, 32);
    assert.equal(up.profile, "gp-0.8");
    assert.ok((await client.upload(P.ECHO_ARGS_STANDARD, { format: Format.Standard })).alreadyCached);
    await client.withSession(async (s) => {
      const inst = await s.instantiate({ codeHash: up.codeHash, format: Format.Standard, gas: 1000, arguments: args });
      assert.ok(inst.fromCache);
      assert.deepEqual(Buffer.from(inst.codeHash), Buffer.from(up.codeHash));
      const ex = await inst.run();
      assert.equal(ex.status, Status.Halt);
      assert.equal(ex.registers[7], 0xfeff0000n);
      assert.deepEqual(Buffer.from(await inst.readMemory(Number(ex.registers[7]), Number(ex.registers[8]))), Buffer.from(args));
      assert.ok((await s.instantiate({ program: P.ECHO_ARGS_STANDARD, format: Format.Standard, gas: 1000 })).fromCache);
    });
    const inv = await client.invoke({
      codeHash: up.codeHash,
      format: Format.Standard,
      gas: 1000,
      arguments: args,
      readMemory: [
        { address: 0xfeff0000, length: 5 },
        { address: 0x10, length: 1 },
      ],
    });
    assert.equal(inv.outcome.kind, "exit");
    assert.equal((inv.outcome as Exit).status, Status.Halt);
    assert.deepEqual(Buffer.from(inv.output), Buffer.from(args));
    assert.deepEqual(inv.memory.map((m) => Buffer.from(m).toString()), ["hello", ""]);
    const hc = await client.invoke({ program: P.TIGHT_LOOP, gas: 100, registers: regs() });
    assert.ok(hc.outcome instanceof HostCall);
    assert.equal(hc.outcome.id, P.LOOP_CALL_ID);
  });

  it("sets registers and gas, and reports every exit", async () => {
    await client.withSession(async (s) => {
      const inst = await s.instantiate({ program: P.ADDER, gas: 100 });
      await inst.setRegisters(regs({ 7: 40n }), { gas: 77 });
      await inst.setRegisters({ 8: 2n });
      const st = await inst.state();
      assert.deepEqual([st.runState, st.gas, st.registers[7], st.registers[8]], [RunState.Ready, 77n, 40n, 2n]);
      assert.equal((await inst.run()).registers[7], 42n);
      await inst.destroy();
      assert.equal((await (await s.instantiate({ program: P.TRAP, gas: 100 })).run()).status, Status.Panic);
      const ex = await (await s.instantiate({ program: P.SPIN, gas: 100 })).run();
      assert.equal(ex.status, Status.OutOfGas);
      assert.ok(ex.gas < 100n);
    });
  });

  it("pipelines requests on one session", async () => {
    await client.withSession(async (s) => {
      const insts = await Promise.all([1n, 2n, 3n, 4n].map((k) => s.instantiate({ program: P.ADDER, gas: 100, registers: regs({ 7: k, 8: k }) })));
      const exits = await Promise.all(insts.map((i) => i.run()));
      assert.deepEqual(
        exits.map((e) => e.registers[7]),
        [2n, 4n, 6n, 8n],
      );
    });
  });

  it("reports bad input as PvmdError with the gRPC code, and goes on", async () => {
    await client.withSession(async (s) => {
      await rejectsWith(s.instantiate({ program: new Uint8Array([0xff, 0xff, 0xff]), gas: 10 }), Code.INVALID_ARGUMENT);
      await rejectsWith(s.instantiate({ program: P.ADDER, gas: -1 }), Code.INVALID_ARGUMENT);
      await rejectsWith(s.instantiate({ program: P.ADDER, registers: [1n, 2n, 3n] }), Code.INVALID_ARGUMENT);
      await rejectsWith(s.instantiate({ program: P.ADDER, profile: "gp-9.9" }), Code.INVALID_ARGUMENT);
      await rejectsWith(s.instantiate({ codeHash: new Uint8Array(32) }), Code.NOT_FOUND);
      const inst = await s.instantiate({ program: P.ADDER, gas: 10, registers: regs() });
      await rejectsWith(inst.readMemory(0x20000, 4), Code.FAILED_PRECONDITION);
      await rejectsWith(inst.writeMemory(0x20000, new Uint8Array([1])), Code.FAILED_PRECONDITION);
      await rejectsWith(inst.mapPages(0x1000, 4096), Code.INVALID_ARGUMENT);
      await rejectsWith(inst.resume(), Code.FAILED_PRECONDITION);
      const e = await rejectsWith(inst.setRegisters({ 13: 1n }), Code.INVALID_ARGUMENT);
      assert.match(e.field, /index/);
      await inst.destroy();
      await rejectsWith(inst.state(), Code.NOT_FOUND);
      await rejectsWith(inst.run(), Code.NOT_FOUND);
      // A handler that throws: the error comes out of run(), the instance
      // stays paused, the session stays usable.
      const loop = await s.instantiate({ program: P.TIGHT_LOOP, gas: 100, registers: regs({ 7: 1n }) });
      await assert.rejects(
        loop.run(() => {
          throw new RangeError("no such host call");
        }),
        RangeError,
      );
      assert.equal((await loop.state()).runState, RunState.AtHostCall);
      const ok = await (await s.instantiate({ program: P.ADDER, gas: 100, registers: regs({ 7: 1n, 8: 1n }) })).run();
      assert.equal(ok.registers[7], 2n);
      await assert.rejects(s.instantiate({ program: P.ADDER, codeHash: new Uint8Array(32) }), TypeError);
    });
    await rejectsWith(client.upload(new Uint8Array([1, 2])), Code.INVALID_ARGUMENT);
    await rejectsWith(client.invoke({ program: P.ADDER, gas: -5 }), Code.INVALID_ARGUMENT);
  });

  it("fails closed sessions and unreachable daemons", async () => {
    const s = client.session();
    await s.instantiate({ program: P.ADDER, gas: 1 });
    await s.close();
    await rejectsWith(s.instantiate({ program: P.ADDER, gas: 1 }), Code.CANCELLED);
    const c = new Client(`unix://${daemon.dir}/nothing-here.sock`);
    try {
      const e = await c.info({ timeoutMs: 2000 }).then(
        () => assert.fail("want an error"),
        (e: unknown) => e,
      );
      assert.ok(e instanceof PvmdError);
      assert.ok([Code.UNAVAILABLE, Code.DEADLINE_EXCEEDED].includes(e.code), e.message);
    } finally {
      c.close();
    }
  });
});
