// Builds and runs the real pvmd daemon for the tests and the benchmark.

import { ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The repository root (this file runs from clients/typescript/dist/test). */
export const REPO = path.resolve(__dirname, "..", "..", "..", "..");

/** $PVMD_SHARED, or ../shared next to the repository. */
export function sharedDir(): string {
  return process.env.PVMD_SHARED || path.join(REPO, "..", "shared");
}

function findGo(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter).concat("/usr/local/go/bin")) {
    const p = path.join(dir, "go");
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

/** Why pvmd cannot be run here, or undefined if it can. */
export function cannotRun(): string | undefined {
  if (process.env.PVMD_BIN || findGo()) return undefined;
  return "no pvmd: set PVMD_BIN or install Go to build it";
}

/** `pvmd serve` on a unix socket (and a loopback TCP port) in a temp dir. Uses $PVMD_BIN if set, else builds ./cmd/pvmd. */
export class Daemon {
  readonly dir: string;
  readonly unix: string;
  tcp: string | undefined;
  private readonly bin: string;
  private readonly logPath: string;
  private readonly proc: ChildProcess;
  private exitCode: number | null = null;
  private readonly exited: Promise<void>;

  private constructor(extra: string[]) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "pvmd-ts-"));
    this.unix = "unix://" + path.join(this.dir, "pvmd.sock");
    this.bin = process.env.PVMD_BIN || this.build();
    this.logPath = path.join(this.dir, "pvmd.log");
    const log = fs.openSync(this.logPath, "w");
    this.proc = spawn(
      this.bin,
      ["serve", "--listen", this.unix, "--listen", "tcp://127.0.0.1:0", "--metrics-addr", "", "--log-format", "json", "--shutdown-timeout", "5s", ...extra],
      { stdio: ["ignore", log, log] },
    );
    fs.closeSync(log);
    this.exited = new Promise((resolve) => {
      this.proc.on("exit", (code, signal) => {
        this.exitCode = code ?? (signal ? 128 : 1);
        resolve();
      });
      this.proc.on("error", (err) => {
        fs.appendFileSync(this.logPath, `spawning ${this.bin}: ${err.message}\n`);
        this.exitCode = 127;
        resolve();
      });
    });
  }

  /** Starts a daemon and waits until it is healthy. */
  static async start(...extra: string[]): Promise<Daemon> {
    const d = new Daemon(extra);
    try {
      await d.waitHealthy();
    } catch (e) {
      await d.stop();
      throw e;
    }
    return d;
  }

  private build(): string {
    const out = path.join(this.dir, "pvmd");
    const r = spawnSync(findGo() ?? "go", ["build", "-o", out, "./cmd/pvmd"], { cwd: REPO, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`go build ./cmd/pvmd failed:\n${r.stderr}`);
    return out;
  }

  private async waitHealthy(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.exitCode !== null) throw new Error(`pvmd exited with ${this.exitCode}:\n${this.logs()}`);
      try {
        execFileSync(this.bin, ["health", "--addr", this.unix, "--timeout", "1s"], { stdio: "ignore" });
        break;
      } catch {
        if (Date.now() > deadline) throw new Error(`pvmd not healthy after ${timeoutMs} ms:\n${this.logs()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    for (const line of this.logs().split("\n")) {
      try {
        const rec = JSON.parse(line);
        if (rec.msg === "listening" && String(rec.addr).startsWith("tcp://")) this.tcp = rec.addr;
      } catch {
        // not JSON
      }
    }
  }

  logs(): string {
    return fs.readFileSync(this.logPath, "utf8");
  }

  /** SIGTERM, then SIGKILL after 20 s; resolves with the exit status. */
  async stop(): Promise<number> {
    if (this.exitCode === null) {
      this.proc.kill("SIGTERM");
      const timer = setTimeout(() => this.proc.kill("SIGKILL"), 20_000);
      await this.exited;
      clearTimeout(timer);
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
    return this.exitCode ?? 0;
  }
}
