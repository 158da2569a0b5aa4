// Host calls per second on one session: a guest doing `ecalli` in a loop,
// the handler resuming at once.
//
//   npm run bench                                   # starts its own daemon
//   npm run bench -- --address unix:///run/pvmd/pvmd.sock --calls 100000

import { parseArgs } from "node:util";

import { Client, Engine, HALT_ADDRESS, HostCall, Status } from "../src";
import { TIGHT_LOOP } from "../test/programs";
import { Daemon } from "../test/daemon";

async function bench(address: string, calls: number, engine: Engine): Promise<number> {
  const client = new Client(address);
  try {
    return await client.withSession(async (s) => {
      const registers = [HALT_ADDRESS, 0n, 0n, 0n, 0n, 0n, 0n, 1n, 0n, 0n, 0n, 0n, 0n];
      const inst = await s.instantiate({ program: TIGHT_LOOP, gas: 10n ** 10n, engine, registers });
      let left = 0;
      const onCall = (call: HostCall) => {
        if (--left === 0) call.registers[7] = 0n; // stop the loop
      };
      left = Math.min(1000, calls);
      await inst.run(onCall, { gas: 10n ** 10n }); // warm up
      left = calls;
      await inst.setRegisters({ 7: 1n });
      const t = process.hrtime.bigint();
      const ex = await inst.run(onCall, { gas: 10n ** 10n });
      const seconds = Number(process.hrtime.bigint() - t) / 1e9;
      if (ex.status !== Status.Halt) throw new Error(`the loop ended with status ${ex.status}`);
      return calls / seconds;
    });
  } finally {
    client.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      address: { type: "string" },
      calls: { type: "string", default: "50000" },
      engine: { type: "string", default: "auto" },
    },
  });
  const engines: Record<string, Engine> = { auto: Engine.Auto, interpreter: Engine.Interpreter, recompiler: Engine.Recompiler };
  const engine = engines[values.engine!];
  if (!engine) throw new Error(`--engine: one of ${Object.keys(engines).join(", ")}`);
  const calls = Number(values.calls);
  const daemon = values.address ? undefined : await Daemon.start();
  let rate: number;
  try {
    rate = await bench(values.address ?? daemon!.unix, calls, engine);
  } finally {
    await daemon?.stop();
  }
  console.log(
    `typescript (node ${process.versions.node}): ${Math.round(rate).toLocaleString("en")} host calls/s ` +
      `(${(1e6 / rate).toFixed(1)} µs per call) on one session, ${calls} calls, engine ${values.engine}`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
