// The pvmd client: connect, open sessions, run PVM programs, answer host calls.

import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";

import type { ProtoGrpcType } from "./gen/pvmd";
import type { PvmdServiceClient } from "./gen/pvmd/v1/PvmdService";
import type { SessionRequest } from "./gen/pvmd/v1/SessionRequest";
import type { SessionResponse__Output } from "./gen/pvmd/v1/SessionResponse";
import type { HostCall__Output } from "./gen/pvmd/v1/HostCall";
import type { Exited__Output } from "./gen/pvmd/v1/Exited";
import type { Instantiate as InstantiateMsg } from "./gen/pvmd/v1/Instantiate";
import type { ProgramSpec } from "./gen/pvmd/v1/ProgramSpec";
import type { Resume as ResumeMsg } from "./gen/pvmd/v1/Resume";
import type { RegisterValue } from "./gen/pvmd/v1/RegisterValue";

/** Bytes in a guest page. */
export const PAGE_SIZE = 4096;
/** The PVM has 13 registers, φ0..φ12. */
export const NUM_REGISTERS = 13;
/** Put this in φ0 and a guest's `jump_ind φ0, 0` (a return) halts. */
export const HALT_ADDRESS = 0xffff0000n;

/** How to read a program's bytes. */
export enum Format {
  /** A bare PVM code blob (GP deblob). */
  CodeBlob = 1,
  /** A JAM standard program (GP Y). */
  Standard = 2,
}

/** Which engine runs a program (results are identical, speed is not). */
export enum Engine {
  Auto = 1,
  Interpreter = 2,
  Recompiler = 3,
}

/** Why a run stopped (other than at a host call). */
export enum Status {
  Halt = 1,
  Panic = 2,
  OutOfGas = 3,
  PageFault = 4,
}

/** What the guest may do with a page. */
export enum Access {
  Inaccessible = 1,
  ReadOnly = 2,
  ReadWrite = 3,
}

/** Where an instance stands between requests. */
export enum RunState {
  Ready = 1,
  AtHostCall = 2,
  AtPageFault = 3,
  Finished = 4,
}

/** gRPC status codes, as pvmd uses them. */
export const Code = grpc.status;

/**
 * A request pvmd refused, or a failed call or session. `code` is the gRPC
 * status code (`Code.INVALID_ARGUMENT`, `Code.NOT_FOUND`,
 * `Code.FAILED_PRECONDITION`, `Code.RESOURCE_EXHAUSTED`, ...), `details`
 * pvmd's explanation and `field` the offending request field, if any.
 */
export class PvmdError extends Error {
  constructor(
    readonly code: grpc.status,
    readonly details: string,
    readonly field: string = "",
  ) {
    super(`${grpc.status[code] ?? code}: ${details}${field ? ` (${field})` : ""}`);
    this.name = "PvmdError";
  }

  /** The name of the code, e.g. "NOT_FOUND". */
  get codeName(): string {
    return grpc.status[this.code] ?? String(this.code);
  }

  static from(err: unknown): PvmdError {
    if (err instanceof PvmdError) return err;
    const e = err as Partial<grpc.ServiceError>;
    if (typeof e?.code === "number") return new PvmdError(e.code, e.details ?? e.message ?? "");
    return new PvmdError(grpc.status.UNKNOWN, String(err));
  }
}

/** A range of guest pages and the access to give them. */
export interface Pages {
  address: number;
  /** Bytes, a multiple of 4096 (default one page). */
  length?: number;
  /** Default Access.ReadWrite. */
  access?: Access;
}

/** Bytes to put at an address. */
export interface Chunk {
  address: number;
  data: Uint8Array;
}

/** Registers to change: `{7: 1n}`, a `Map`, or an array from φ0. */
export type RegisterChanges = Record<number, bigint | number> | Map<number, bigint | number> | readonly (bigint | number)[];

/** What to run and how (for instantiate, invoke). */
export interface ProgramOptions {
  /** The program's bytes; or give `codeHash`. */
  program?: Uint8Array;
  /** The code hash of a program the server has (from upload or earlier). */
  codeHash?: Uint8Array;
  /** Default Format.CodeBlob. */
  format?: Format;
  /** E.g. "gp-0.8", "gp-0.7", "latest64"; the server's default when empty. */
  profile?: string;
  /** Default Engine.Auto. */
  engine?: Engine;
}

/** Options of {@link Session.instantiate}. */
export interface InstantiateOptions extends ProgramOptions {
  /** Gas to start with. */
  gas?: bigint | number;
  /** None, or all 13 registers (code blobs default to zero; standard programs to the standard ones). */
  registers?: readonly (bigint | number)[];
  /** Where run() starts by default. */
  entryPc?: number;
  /** Code blobs: the pages to map. */
  pageMap?: readonly Pages[];
  /** Code blobs: initial memory (may write read-only pages). */
  initialMemory?: readonly Chunk[];
  /** Standard programs: the argument bytes. */
  arguments?: Uint8Array;
}

/** A run stopped: halt, panic, out of gas or a page fault. */
export interface Exit {
  kind: "exit";
  status: Status;
  pc: number;
  gas: bigint;
  registers: bigint[];
  /** For a page fault, the page-aligned address that could not be accessed. */
  faultAddress: number;
  /** The instance (absent for invoke). */
  instance?: Instance;
}

/** The machine state of an instance. */
export interface InstanceState {
  runState: RunState;
  pc: number;
  gas: bigint;
  registers: bigint[];
  mappedBytes: bigint;
  instructions: bigint;
  callId: bigint;
  faultAddress: number;
}

export interface Limits {
  maxMessageBytes: bigint;
  maxSessions: bigint;
  maxInstancesPerSession: bigint;
  maxInstances: bigint;
  maxGuestMemoryPerInstance: bigint;
  maxGuestMemoryTotal: bigint;
  maxGasPerRun: bigint;
  idleSessionTimeoutSeconds: number;
  codeCacheBytes: bigint;
  maxRangesPerInstance: bigint;
}

/** What a server offers. */
export interface Info {
  version: string;
  numberings: string[];
  gasModels: string[];
  defaultProfile: string;
  engines: string[];
  limits: Limits;
}

/** A program in the server's code cache. */
export interface Upload {
  codeHash: Uint8Array;
  alreadyCached: boolean;
  engine: string;
  profile: string;
  sizeBytes: bigint;
}

/** The outcome of a one-shot {@link Client.invoke}. */
export interface Invocation {
  codeHash: Uint8Array;
  fromCache: boolean;
  /** How the run stopped: an Exit, or a host call the program made (unanswerable: the instance is gone). */
  outcome: Exit | HostCall;
  /** For a halt, the bytes at [φ7, φ7+φ8) if the guest could read them. */
  output: Uint8Array;
  /** The ranges asked for in `readMemory`, in order (empty if unreadable). */
  memory: Uint8Array[];
}

/**
 * The guest executed `ecalli` and waits: the handler's view of it. Change
 * `registers` and `gas` in place and queue memory writes with
 * {@link writeMemory}; when the handler returns they are sent with the Resume
 * (registers, then gas, then memory, all or nothing). Call {@link end} (or
 * halt/panic/outOfGas) to end the run instead of continuing the guest.
 */
export class HostCall {
  readonly kind = "hostCall" as const;
  /** The `ecalli` immediate: which host function the guest calls. */
  readonly id: bigint;
  /** The pc of the `ecalli`. */
  readonly pc: number;
  /** Gas left (after the `ecalli` was paid for); set it to charge. */
  gas: bigint;
  /** φ0..φ12; change them to answer (φ7 holds a host call's result). */
  registers: bigint[];
  private readonly gas0: bigint;
  private readonly regs0: bigint[];
  private readonly writes: { address: number; data: Uint8Array }[] = [];
  private verdict: 0 | Status = 0;

  /** @internal */
  constructor(
    /** The waiting instance (absent for invoke). */
    readonly instance: Instance | undefined,
    msg: HostCall__Output,
  ) {
    this.id = BigInt(msg.callId);
    this.pc = msg.pc;
    this.gas = this.gas0 = BigInt(msg.gas);
    this.regs0 = msg.registers.map(BigInt);
    this.registers = this.regs0.slice();
  }

  /** The session of the waiting instance (to run inner instances). */
  get session(): Session {
    return this.inst().session;
  }

  /** Reads guest memory now (one round trip). */
  readMemory(address: number, length: number): Promise<Uint8Array> {
    return this.inst().readMemory(address, length);
  }

  /** Queues a guest memory write, applied with the Resume (the pages must be writable by the guest). */
  writeMemory(address: number, data: Uint8Array): void {
    this.writes.push({ address, data });
  }

  /** Ends the run with `status` (Halt, Panic or OutOfGas) at the `ecalli`. */
  end(status: Status): void {
    this.verdict = status;
  }
  halt(): void {
    this.end(Status.Halt);
  }
  panic(): void {
    this.end(Status.Panic);
  }
  outOfGas(): void {
    this.end(Status.OutOfGas);
  }

  private inst(): Instance {
    if (!this.instance) throw new Error("this host call came from invoke: its instance is gone");
    return this.instance;
  }

  /** @internal The Resume that sends the changes. */
  toResume(): ResumeMsg {
    const regs = this.registers;
    if (regs.length !== NUM_REGISTERS) throw new RangeError(`HostCall.registers must have ${NUM_REGISTERS} values, has ${regs.length}`);
    const set: RegisterValue[] = [];
    for (let i = 0; i < NUM_REGISTERS; i++) {
      if (regs[i] !== this.regs0[i]) set.push({ index: i, value: u64(regs[i]) });
    }
    const r: ResumeMsg = { instanceId: this.inst().idString, setRegisters: set, memoryWrites: this.writes, endWith: this.verdict };
    if (this.gas !== this.gas0) r.gas = i64(this.gas);
    return r;
  }
}

/** A host-call handler: sees the call, changes it, returns (or resolves). */
export type Handler = (call: HostCall) => void | Promise<void>;
/** A page-fault handler: map pages through `exit.instance` and return true to retry the instruction. */
export type PageFaultHandler = (exit: Exit) => boolean | Promise<boolean>;

export interface RunOptions {
  /** Where to start (default: the entry pc). */
  pc?: number;
  /** Gas to start with (default: what is left). */
  gas?: bigint | number;
  /** Called at a page fault; true retries the instruction. */
  onPageFault?: PageFaultHandler;
}

function u64(v: bigint | number): string {
  const b = BigInt(v);
  if (b < 0n || b >= 1n << 64n) throw new RangeError(`${v} is not a u64`);
  return b.toString();
}

function i64(v: bigint | number): string {
  return BigInt(v).toString();
}

function registerChanges(r: RegisterChanges | undefined): RegisterValue[] {
  if (!r) return [];
  const entries: [number, bigint | number][] = Array.isArray(r)
    ? r.map((v, i) => [i, v])
    : r instanceof Map
      ? [...r.entries()]
      : Object.entries(r).map(([k, v]) => [Number(k), v]);
  return entries.map(([index, value]) => ({ index, value: u64(value) }));
}

function toExit(instance: Instance | undefined, m: Exited__Output): Exit {
  return {
    kind: "exit",
    status: m.status as Status,
    pc: m.pc,
    gas: BigInt(m.gas),
    registers: m.registers.map(BigInt),
    faultAddress: m.faultAddress,
    instance,
  };
}

function spec(o: ProgramOptions): ProgramSpec {
  if ((o.program === undefined) === (o.codeHash === undefined)) throw new TypeError("give exactly one of program and codeHash");
  const s: ProgramSpec = { format: o.format ?? Format.CodeBlob, profile: o.profile ?? "", engine: o.engine ?? Engine.Auto };
  if (o.program !== undefined) s.programBlob = Buffer.from(o.program.buffer, o.program.byteOffset, o.program.byteLength);
  else s.codeHash = Buffer.from(o.codeHash!.buffer, o.codeHash!.byteOffset, o.codeHash!.byteLength);
  return s;
}

function instantiateMsg(o: InstantiateOptions): InstantiateMsg {
  return {
    program: spec(o),
    gas: i64(o.gas ?? 0),
    registers: (o.registers ?? []).map(u64),
    entryPc: o.entryPc ?? 0,
    pageMap: (o.pageMap ?? []).map((p) => ({ address: p.address, length: p.length ?? PAGE_SIZE, access: p.access ?? Access.ReadWrite })),
    initialMemory: (o.initialMemory ?? []).map((c) => ({ address: c.address, data: c.data })),
    arguments: o.arguments ?? new Uint8Array(),
  };
}

/** A PVM instance in a {@link Session}. */
export class Instance {
  /** Names the instance in its session. */
  readonly id: bigint;
  /** @internal */
  readonly idString: string;
  /** blake2b-256 of the program bytes. */
  readonly codeHash: Uint8Array;
  /** True when the compiled program came from the server's code cache. */
  readonly fromCache: boolean;
  readonly engine: string;
  readonly profile: string;

  /** @internal */
  constructor(
    readonly session: Session,
    m: { instanceId: string; codeHash: Buffer; fromCache: boolean; engine: string; profile: string },
  ) {
    this.idString = m.instanceId;
    this.id = BigInt(m.instanceId);
    this.codeHash = m.codeHash;
    this.fromCache = m.fromCache;
    this.engine = m.engine;
    this.profile = m.profile;
  }

  /**
   * Runs the instance until it halts, panics, runs out of gas or
   * page-faults, calling `handler` at every host call and resuming after it.
   * A host call with no handler rejects (the instance stays paused); so does
   * a handler that throws.
   */
  async run(handler?: Handler, opts: RunOptions = {}): Promise<Exit> {
    return this.drive(await this.start(opts), handler, opts.onPageFault);
  }

  /** Like {@link run}, continuing a run paused at a host call or page fault. */
  async resumeRun(handler?: Handler, opts: { onPageFault?: PageFaultHandler } = {}): Promise<Exit> {
    return this.drive(await this.resume(), handler, opts.onPageFault);
  }

  private async drive(out: HostCall | Exit, handler: Handler | undefined, onPageFault: PageFaultHandler | undefined): Promise<Exit> {
    for (;;) {
      if (out.kind === "hostCall") {
        if (!handler) throw new Error(`host call ${out.id} at pc ${out.pc} and no handler to answer it`);
        await handler(out);
        out = await this.step({ resume: out.toResume() });
      } else if (out.status === Status.PageFault && onPageFault && (await onPageFault(out))) {
        out = await this.resume();
      } else {
        return out;
      }
    }
  }

  private async step(req: SessionRequest): Promise<HostCall | Exit> {
    const r = await this.session.call(req);
    return r.response === "hostCall" ? new HostCall(this, r.hostCall!) : toExit(this, r.exited!);
  }

  /** Starts a run; resolves where it first stops. */
  start(opts: { pc?: number; gas?: bigint | number } = {}): Promise<HostCall | Exit> {
    return this.step({ run: { instanceId: this.idString, pc: opts.pc, gas: opts.gas === undefined ? undefined : i64(opts.gas) } });
  }

  /**
   * Continues a paused run (past the `ecalli`, or retrying the faulting
   * instruction): sends the changes made to `call`, or those given.
   */
  resume(
    call?: HostCall,
    changes: { registers?: RegisterChanges; gas?: bigint | number; memoryWrites?: readonly Chunk[]; endWith?: Status } = {},
  ): Promise<HostCall | Exit> {
    if (call) return this.step({ resume: call.toResume() });
    return this.step({
      resume: {
        instanceId: this.idString,
        setRegisters: registerChanges(changes.registers),
        gas: changes.gas === undefined ? undefined : i64(changes.gas),
        memoryWrites: (changes.memoryWrites ?? []).map((c) => ({ address: c.address, data: c.data })),
        endWith: changes.endWith ?? 0,
      },
    });
  }

  /** Reads guest memory; every byte must be readable by the guest. */
  async readMemory(address: number, length: number): Promise<Uint8Array> {
    const r = await this.session.call({ readMemory: { instanceId: this.idString, address, length } });
    return r.memoryData!.data;
  }

  /** Writes guest memory; writable pages only, unless `force` (then any mapped page). */
  async writeMemory(address: number, data: Uint8Array, opts: { force?: boolean } = {}): Promise<void> {
    await this.session.call({ writeMemory: { instanceId: this.idString, address, data, force: opts.force ?? false } });
  }

  /** Maps (or with Access.Inaccessible unmaps) whole pages; new pages read as zero. */
  async mapPages(address: number, length: number = PAGE_SIZE, access: Access = Access.ReadWrite): Promise<void> {
    await this.session.call({ mapPages: { instanceId: this.idString, pages: { address, length, access } } });
  }

  /** Changes registers and/or gas between runs. */
  async setRegisters(registers: RegisterChanges, opts: { gas?: bigint | number } = {}): Promise<void> {
    await this.session.call({
      setRegisters: { instanceId: this.idString, registers: registerChanges(registers), gas: opts.gas === undefined ? undefined : i64(opts.gas) },
    });
  }

  /** The machine state. */
  async state(): Promise<InstanceState> {
    const s = (await this.session.call({ getState: { instanceId: this.idString } })).instanceState!;
    return {
      runState: s.runState as RunState,
      pc: s.pc,
      gas: BigInt(s.gas),
      registers: s.registers.map(BigInt),
      mappedBytes: BigInt(s.mappedBytes),
      instructions: BigInt(s.instructions),
      callId: BigInt(s.callId),
      faultAddress: s.faultAddress,
    };
  }

  /** Frees the instance and its memory. */
  async destroy(): Promise<void> {
    await this.session.call({ destroy: { instanceId: this.idString } });
  }
}

interface Pending {
  id: string;
  resolve: (r: SessionResponse__Output) => void;
  reject: (e: PvmdError) => void;
}

/**
 * A conversation with pvmd about any number of instances (one gRPC stream).
 * Requests are answered in order; several may be in flight. Close it when
 * done: everything it created is freed when it ends.
 */
export class Session {
  private readonly stream: grpc.ClientDuplexStream<SessionRequest, SessionResponse__Output>;
  private readonly pending: Pending[] = [];
  private nextId = 0n;
  private broken: PvmdError | undefined;
  private closed = false;
  private readonly ended: Promise<void>;

  /** @internal */
  constructor(stub: PvmdServiceClient, opts: { deadline?: grpc.Deadline } = {}) {
    this.stream = stub.Session({ deadline: opts.deadline });
    let done!: () => void;
    this.ended = new Promise((res) => (done = res));
    this.stream.on("data", (r: SessionResponse__Output) => this.onResponse(r));
    this.stream.on("error", (e: grpc.ServiceError) => {
      this.fail(e.code === grpc.status.CANCELLED && this.closed ? new PvmdError(grpc.status.CANCELLED, "the session is closed") : PvmdError.from(e));
      done();
    });
    this.stream.on("end", () => {
      this.fail(new PvmdError(grpc.status.UNAVAILABLE, "pvmd ended the session"));
      done();
    });
  }

  /** False once closed or broken. */
  get open(): boolean {
    return !this.closed && !this.broken;
  }

  private onResponse(r: SessionResponse__Output): void {
    const p = this.pending.shift();
    if (!p) {
      this.fail(new PvmdError(grpc.status.INTERNAL, `unexpected response to request ${r.requestId}`));
      return;
    }
    if (r.requestId !== p.id) {
      const e = new PvmdError(grpc.status.INTERNAL, `response to request ${r.requestId}, want ${p.id}`);
      p.reject(e);
      this.fail(e);
      return;
    }
    if (r.response === "error") {
      const e = r.error!;
      p.reject(new PvmdError(e.code, e.message, e.field));
    } else {
      p.resolve(r);
    }
  }

  private fail(e: PvmdError): void {
    if (!this.broken) this.broken = e;
    for (const p of this.pending.splice(0)) p.reject(this.broken);
  }

  /** @internal Sends one request; resolves with its response. */
  call(req: SessionRequest): Promise<SessionResponse__Output> {
    if (this.closed) return Promise.reject(new PvmdError(grpc.status.CANCELLED, "the session is closed"));
    if (this.broken) return Promise.reject(this.broken);
    const id = (++this.nextId).toString();
    req.requestId = id;
    return new Promise((resolve, reject) => {
      this.pending.push({ id, resolve, reject });
      this.stream.write(req);
    });
  }

  /** Creates an instance of a program given by its bytes or code hash. */
  async instantiate(opts: InstantiateOptions): Promise<Instance> {
    const r = await this.call({ instantiate: instantiateMsg(opts) });
    return new Instance(this, r.instantiated as never);
  }

  /** Ends the session (freeing its instances) and waits for pvmd to end it. */
  async close(): Promise<void> {
    if (this.closed) return this.ended;
    this.closed = true;
    this.stream.end();
    await this.ended;
    if (this.broken && this.broken.code !== grpc.status.UNAVAILABLE && this.broken.code !== grpc.status.CANCELLED) {
      throw this.broken;
    }
  }

  /** Cuts the session off at once. */
  cancel(): void {
    this.closed = true;
    this.stream.cancel();
  }
}

let loaded: ProtoGrpcType | undefined;

function proto(): ProtoGrpcType {
  if (!loaded) {
    // The options must match generate.sh's proto-loader-gen-types flags.
    const def = protoLoader.loadSync("pvmd/v1/pvmd.proto", {
      includeDirs: [path.join(__dirname, "..", "..", "proto")],
      longs: String,
      enums: Number,
      defaults: true,
      oneofs: true,
    });
    loaded = grpc.loadPackageDefinition(def) as unknown as ProtoGrpcType;
  }
  return loaded;
}

/** Options of {@link Client}. */
export interface ClientOptions {
  /** Default: insecure (plain TCP or unix socket). */
  credentials?: grpc.ChannelCredentials;
  /** Extra gRPC channel options. */
  channelOptions?: grpc.ChannelOptions;
}

/** Per-call options of the unary methods. */
export interface CallOptions {
  /** Give up after this many milliseconds. */
  timeoutMs?: number;
}

/**
 * A connection to a pvmd daemon: `unix:///path/to.sock`, `tcp://host:port`
 * or `host:port`. Call {@link close} when done.
 */
export class Client {
  private readonly stub: PvmdServiceClient;

  constructor(address: string, opts: ClientOptions = {}) {
    const target = address.startsWith("tcp://") ? address.slice("tcp://".length) : address;
    const Service = proto().pvmd.v1.PvmdService;
    this.stub = new Service(target, opts.credentials ?? grpc.credentials.createInsecure(), {
      "grpc.max_receive_message_length": -1,
      "grpc.max_send_message_length": -1,
      ...opts.channelOptions,
    });
  }

  /** Closes the connection. */
  close(): void {
    this.stub.close();
  }

  /** Waits until the connection to the daemon is up. */
  waitReady(timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) =>
      this.stub.waitForReady(Date.now() + timeoutMs, (err) =>
        err ? reject(new PvmdError(grpc.status.UNAVAILABLE, `pvmd not reachable within ${timeoutMs} ms: ${err.message}`)) : resolve(),
      ),
    );
  }

  /** Opens a {@link Session}; `timeoutMs` bounds its whole life. */
  session(opts: { timeoutMs?: number } = {}): Session {
    return new Session(this.stub, { deadline: opts.timeoutMs === undefined ? undefined : Date.now() + opts.timeoutMs });
  }

  /** Runs `fn` with a new session and closes it afterwards, however `fn` ends. */
  async withSession<T>(fn: (s: Session) => Promise<T>): Promise<T> {
    const s = this.session();
    try {
      return await fn(s);
    } finally {
      if (s.open) await s.close();
      else s.cancel();
    }
  }

  private unary<Req, Res>(method: string, req: Req, opts: CallOptions): Promise<Res> {
    const options: grpc.CallOptions = opts.timeoutMs === undefined ? {} : { deadline: Date.now() + opts.timeoutMs };
    return new Promise((resolve, reject) => {
      (this.stub as unknown as Record<string, Function>)[method](req, options, (err: grpc.ServiceError | null, res: Res) =>
        err ? reject(PvmdError.from(err)) : resolve(res),
      );
    });
  }

  /** Describes the server: version, profiles, engines, limits. */
  async info(opts: CallOptions = {}): Promise<Info> {
    const r = await this.unary<object, import("./gen/pvmd/v1/InfoResponse").InfoResponse__Output>("Info", {}, opts);
    const l = r.limits!;
    const d = l.idleSessionTimeout;
    return {
      version: r.version,
      numberings: r.numberings,
      gasModels: r.gasModels,
      defaultProfile: r.defaultProfile,
      engines: r.engines,
      limits: {
        maxMessageBytes: BigInt(l.maxMessageBytes),
        maxSessions: BigInt(l.maxSessions),
        maxInstancesPerSession: BigInt(l.maxInstancesPerSession),
        maxInstances: BigInt(l.maxInstances),
        maxGuestMemoryPerInstance: BigInt(l.maxGuestMemoryPerInstance),
        maxGuestMemoryTotal: BigInt(l.maxGuestMemoryTotal),
        maxGasPerRun: BigInt(l.maxGasPerRun),
        idleSessionTimeoutSeconds: d ? Number(d.seconds) + d.nanos / 1e9 : 0,
        codeCacheBytes: BigInt(l.codeCacheBytes),
        maxRangesPerInstance: BigInt(l.maxRangesPerInstance),
      },
    };
  }

  /** Puts a program into the server's code cache; instantiate it later by the returned codeHash. */
  async upload(program: Uint8Array, opts: Omit<ProgramOptions, "program" | "codeHash"> & CallOptions = {}): Promise<Upload> {
    const r = await this.unary<object, import("./gen/pvmd/v1/UploadResponse").UploadResponse__Output>(
      "Upload",
      { program: spec({ ...opts, program }) },
      opts,
    );
    return { codeHash: r.codeHash, alreadyCached: r.alreadyCached, engine: r.engine, profile: r.profile, sizeBytes: BigInt(r.sizeBytes) };
  }

  /**
   * Instantiates a program, runs it to its first exit (a host call counts)
   * and destroys it, in one round trip. `readMemory` ranges are read after
   * the run.
   */
  async invoke(opts: InstantiateOptions & CallOptions & { readMemory?: readonly { address: number; length: number }[] }): Promise<Invocation> {
    const r = await this.unary<object, import("./gen/pvmd/v1/InvokeResponse").InvokeResponse__Output>(
      "Invoke",
      { instance: instantiateMsg(opts), readMemory: opts.readMemory ?? [] },
      opts,
    );
    return {
      codeHash: r.codeHash,
      fromCache: r.fromCache,
      outcome: r.outcome === "hostCall" ? new HostCall(undefined, r.hostCall!) : toExit(undefined, r.exited!),
      output: r.output,
      memory: r.memory.map((c) => c.data),
    };
  }
}
