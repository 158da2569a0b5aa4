"""The pvmd client: connect, open sessions, run PVM programs, answer host calls."""

from __future__ import annotations

import enum
import queue
import threading
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping, Optional, Sequence, Tuple, Union

import grpc

from pvmd.v1 import pvmd_pb2 as pb
from pvmd.v1 import pvmd_pb2_grpc as pb_grpc

__all__ = [
    "Access", "Client", "Engine", "Exit", "Format", "HostCall", "Info", "Instance",
    "InstanceState", "Invocation", "Limits", "Pages", "PvmdError", "RunState", "Session",
    "Status", "Upload", "HALT_ADDRESS", "PAGE_SIZE", "NUM_REGISTERS",
]

#: Bytes in a guest page.
PAGE_SIZE = 4096
#: The PVM has 13 registers, φ0..φ12.
NUM_REGISTERS = 13
#: Put this in φ0 and a guest's `jump_ind φ0, 0` (a return) halts.
HALT_ADDRESS = 0xFFFF0000


class Format(enum.IntEnum):
    """How to read a program's bytes."""
    CODE_BLOB = pb.PROGRAM_FORMAT_CODE_BLOB  #: a bare PVM code blob (GP deblob)
    STANDARD = pb.PROGRAM_FORMAT_STANDARD    #: a JAM standard program (GP Y)


class Engine(enum.IntEnum):
    """Which engine runs a program (results are identical, speed is not)."""
    AUTO = pb.ENGINE_AUTO
    INTERPRETER = pb.ENGINE_INTERPRETER
    RECOMPILER = pb.ENGINE_RECOMPILER


class Status(enum.IntEnum):
    """Why a run stopped (other than at a host call)."""
    HALT = pb.EXIT_STATUS_HALT
    PANIC = pb.EXIT_STATUS_PANIC
    OUT_OF_GAS = pb.EXIT_STATUS_OUT_OF_GAS
    PAGE_FAULT = pb.EXIT_STATUS_PAGE_FAULT


class Access(enum.IntEnum):
    """What the guest may do with a page."""
    INACCESSIBLE = pb.PAGE_ACCESS_INACCESSIBLE
    READ_ONLY = pb.PAGE_ACCESS_READ_ONLY
    READ_WRITE = pb.PAGE_ACCESS_READ_WRITE


class RunState(enum.IntEnum):
    """Where an instance stands between requests."""
    READY = pb.RUN_STATE_READY
    AT_HOST_CALL = pb.RUN_STATE_AT_HOST_CALL
    AT_PAGE_FAULT = pb.RUN_STATE_AT_PAGE_FAULT
    FINISHED = pb.RUN_STATE_FINISHED


_CODES = {c.value[0]: c for c in grpc.StatusCode}


class PvmdError(Exception):
    """A request pvmd refused, or a failed call or session.

    ``code`` is the :class:`grpc.StatusCode` (e.g. ``INVALID_ARGUMENT``,
    ``NOT_FOUND``, ``FAILED_PRECONDITION``, ``RESOURCE_EXHAUSTED``),
    ``message`` pvmd's explanation and ``field`` the offending request field
    (e.g. ``"resume.instance_id"``) when one is to blame.
    """

    def __init__(self, code: grpc.StatusCode, message: str, field: str = ""):
        self.code = code
        self.message = message
        self.field = field
        where = f" ({field})" if field else ""
        super().__init__(f"{code.name}: {message}{where}")

    @classmethod
    def _from_rpc(cls, err: grpc.RpcError) -> "PvmdError":
        code = err.code() if hasattr(err, "code") else grpc.StatusCode.UNKNOWN
        details = err.details() if hasattr(err, "details") else str(err)
        return cls(code or grpc.StatusCode.UNKNOWN, details or "")


@dataclass(frozen=True)
class Pages:
    """A range of guest pages and the access to give them."""
    address: int
    length: int = PAGE_SIZE
    access: Access = Access.READ_WRITE

    def _pb(self) -> pb.PageRange:
        return pb.PageRange(address=self.address, length=self.length, access=int(self.access))


@dataclass
class Exit:
    """A run stopped: halt, panic, out of gas or a page fault."""
    status: Status
    pc: int
    gas: int
    registers: list
    #: For a page fault, the page-aligned address that could not be accessed.
    fault_address: int = 0
    instance: Optional["Instance"] = field(default=None, repr=False, compare=False)

    @property
    def halted(self) -> bool:
        return self.status == Status.HALT

    @property
    def page_fault(self) -> bool:
        return self.status == Status.PAGE_FAULT


@dataclass
class InstanceState:
    """An instance's machine state (answers :meth:`Instance.state`)."""
    run_state: RunState
    pc: int
    gas: int
    registers: list
    mapped_bytes: int
    instructions: int
    call_id: int
    fault_address: int


@dataclass
class Limits:
    max_message_bytes: int
    max_sessions: int
    max_instances_per_session: int
    max_instances: int
    max_guest_memory_per_instance: int
    max_guest_memory_total: int
    max_gas_per_run: int
    idle_session_timeout_seconds: float
    code_cache_bytes: int
    max_ranges_per_instance: int


@dataclass
class Info:
    """What a server offers (answers :meth:`Client.info`)."""
    version: str
    numberings: list
    gas_models: list
    default_profile: str
    engines: list
    limits: Limits


@dataclass
class Upload:
    """A program in the server's code cache (answers :meth:`Client.upload`)."""
    code_hash: bytes
    already_cached: bool
    engine: str
    profile: str
    size_bytes: int


@dataclass
class Invocation:
    """The outcome of a one-shot :meth:`Client.invoke`."""
    code_hash: bytes
    from_cache: bool
    #: How the run stopped: an :class:`Exit`, or a :class:`HostCall` the
    #: program made (which cannot be answered: the instance is gone).
    outcome: Union[Exit, "HostCall"]
    #: For a halt, the bytes at [φ7, φ7+φ8) if the guest could read them.
    output: bytes
    #: The ranges asked for with ``read_memory``, in order (empty if unreadable).
    memory: list


class HostCall:
    """The guest executed ``ecalli`` and waits: the handler's view of it.

    Change ``registers`` (a list of the 13 registers) and ``gas`` in place, and
    queue guest memory writes with :meth:`write_memory`; when the handler
    returns, they are sent with the Resume (registers, then gas, then memory,
    all or nothing). Call :meth:`end` (or :meth:`halt`, :meth:`panic`,
    :meth:`out_of_gas`) to end the run instead of continuing the guest. Read
    memory, run inner instances, etc. through :attr:`instance` and
    :attr:`session`.
    """

    __slots__ = ("instance", "id", "pc", "gas", "registers", "_gas0", "_regs0", "_writes", "_end")

    def __init__(self, instance: "Instance", msg: pb.HostCall):
        self.instance = instance
        #: The ``ecalli`` immediate: which host function the guest calls.
        self.id: int = msg.call_id
        #: The pc of the ``ecalli``.
        self.pc: int = msg.pc
        #: Gas left (after the ``ecalli`` was paid for); set it to charge.
        self.gas: int = msg.gas
        #: φ0..φ12; change them to answer (φ7 holds a host call's result).
        self.registers: list = msg.registers[:]
        self._gas0 = msg.gas
        self._regs0 = self.registers.copy()
        self._writes: list = []
        self._end = pb.EXIT_STATUS_UNSPECIFIED

    @property
    def session(self) -> "Session":
        return self.instance.session

    def read_memory(self, address: int, length: int) -> bytes:
        """Reads guest memory now (one round trip)."""
        return self.instance.read_memory(address, length)

    def write_memory(self, address: int, data: bytes) -> None:
        """Queues a guest memory write, applied with the Resume. The pages must
        be writable by the guest."""
        self._writes.append(pb.MemoryChunk(address=address, data=bytes(data)))

    def end(self, status: Status) -> None:
        """Ends the run with ``status`` (HALT, PANIC or OUT_OF_GAS) at the
        ``ecalli`` instead of continuing the guest."""
        self._end = int(status)

    def halt(self) -> None:
        self.end(Status.HALT)

    def panic(self) -> None:
        self.end(Status.PANIC)

    def out_of_gas(self) -> None:
        self.end(Status.OUT_OF_GAS)

    def _request(self) -> pb.SessionRequest:
        """The Resume that sends the changes, in a SessionRequest."""
        regs = self.registers
        if len(regs) != NUM_REGISTERS:
            raise ValueError(f"HostCall.registers must have {NUM_REGISTERS} values, has {len(regs)}")
        req = pb.SessionRequest()
        r = req.resume
        r.instance_id = self.instance.id
        r0 = self._regs0
        if regs != r0:
            for i in range(NUM_REGISTERS):
                if regs[i] != r0[i]:
                    r.set_registers.add(index=i, value=regs[i])
        if self.gas != self._gas0:
            r.gas = self.gas
        if self._writes:
            r.memory_writes.extend(self._writes)
        if self._end:
            r.end_with = self._end
        return req

    def __repr__(self) -> str:
        return f"HostCall(id={self.id}, pc={self.pc}, gas={self.gas}, registers={self.registers})"


#: A host-call handler: sees the call, changes it, returns.
Handler = Callable[[HostCall], None]
#: A page-fault handler: sees the exit (map pages through ``exit.instance``)
#: and returns True to retry the instruction, False to stop the run there.
PageFaultHandler = Callable[[Exit], bool]


def _exit(instance: Optional["Instance"], m: pb.Exited) -> Exit:
    return Exit(Status(m.status), m.pc, m.gas, list(m.registers), m.fault_address, instance)


def _regs(registers: Union[Mapping[int, int], Sequence[int]]) -> list:
    items = registers.items() if isinstance(registers, Mapping) else enumerate(registers)
    return [pb.RegisterValue(index=i, value=v) for i, v in items]


def _spec(program, code_hash, format, profile, engine) -> pb.ProgramSpec:
    if (program is None) == (code_hash is None):
        raise ValueError("give exactly one of program (bytes) and code_hash")
    spec = pb.ProgramSpec(format=int(format), profile=profile, engine=int(engine))
    if program is not None:
        spec.program_blob = bytes(program)
    else:
        spec.code_hash = bytes(code_hash)
    return spec


def _instantiate_msg(program, code_hash, format, profile, engine, gas, registers, entry_pc,
                     page_map, initial_memory, arguments) -> pb.Instantiate:
    return pb.Instantiate(
        program=_spec(program, code_hash, format, profile, engine),
        gas=gas,
        registers=list(registers or ()),
        entry_pc=entry_pc,
        page_map=[p._pb() if isinstance(p, Pages) else Pages(*p)._pb() for p in page_map],
        initial_memory=[pb.MemoryChunk(address=a, data=bytes(d)) for a, d in _chunks(initial_memory)],
        arguments=bytes(arguments),
    )


def _chunks(mem) -> Iterable[Tuple[int, bytes]]:
    return mem.items() if isinstance(mem, Mapping) else mem


class Instance:
    """A PVM instance in a :class:`Session`. Use it as a context manager to
    destroy it when done (or call :meth:`destroy`; closing the session frees
    all of them)."""

    def __init__(self, session: "Session", msg: pb.Instantiated):
        self.session = session
        self.id: int = msg.instance_id
        #: blake2b-256 of the program bytes.
        self.code_hash: bytes = msg.code_hash
        #: True when the compiled program came from the server's code cache.
        self.from_cache: bool = msg.from_cache
        self.engine: str = msg.engine
        self.profile: str = msg.profile

    def __enter__(self) -> "Instance":
        return self

    def __exit__(self, *exc) -> None:
        if self.session.open:
            self.destroy()

    def __repr__(self) -> str:
        return f"Instance(id={self.id}, engine={self.engine!r}, profile={self.profile!r})"

    # Running.

    def run(self, handler: Optional[Handler] = None, *, pc: Optional[int] = None,
            gas: Optional[int] = None, on_page_fault: Optional[PageFaultHandler] = None) -> Exit:
        """Runs the instance (from ``pc``, default its entry pc; with ``gas``,
        default what it has left) until it halts, panics, runs out of gas or
        page-faults, calling ``handler`` at every host call and resuming after
        it. ``on_page_fault``, if given, is called at a page fault and returns
        True to retry the instruction (after mapping pages). A host call with
        no handler raises :class:`ValueError` (the instance stays paused)."""
        out = self.start(pc=pc, gas=gas)
        return self._drive(out, handler, on_page_fault)

    def resume_run(self, handler: Optional[Handler] = None, *,
                   on_page_fault: Optional[PageFaultHandler] = None) -> Exit:
        """Like :meth:`run`, but continues a run paused at a host call or page
        fault (e.g. after :meth:`start`, or a page fault :meth:`run` returned)."""
        return self._drive(self.resume(), handler, on_page_fault)

    def _drive(self, out, handler, on_page_fault) -> Exit:
        session = self.session
        while True:
            if isinstance(out, HostCall):
                if handler is None:
                    raise ValueError(f"host call {out.id} at pc {out.pc} and no handler to answer it")
                handler(out)
                out = session._step(out._request(), self)
            elif out.status == Status.PAGE_FAULT and on_page_fault is not None and on_page_fault(out):
                out = self.resume()
            else:
                return out

    def start(self, *, pc: Optional[int] = None, gas: Optional[int] = None) -> Union[HostCall, Exit]:
        """Starts a run and returns where it first stops: a :class:`HostCall`
        (answer it with :meth:`resume`) or an :class:`Exit`."""
        r = pb.Run(instance_id=self.id)
        if pc is not None:
            r.pc = pc
        if gas is not None:
            r.gas = gas
        return self.session._step(pb.SessionRequest(run=r), self)

    def resume(self, call: Optional[HostCall] = None, *,
               registers: Union[Mapping[int, int], Sequence[int], None] = None,
               gas: Optional[int] = None, memory_writes=(),
               end_with: Optional[Status] = None) -> Union[HostCall, Exit]:
        """Continues a paused run (after a host call: past the ``ecalli``;
        after a page fault: retrying the instruction). Pass the
        :class:`HostCall` to send the changes made to it, or give the
        ``registers`` ({index: value}), ``gas``, ``memory_writes``
        ({address: bytes} or pairs) and ``end_with`` verdict directly."""
        if call is not None:
            return self.session._step(call._request(), self)
        else:
            msg = pb.Resume(instance_id=self.id, set_registers=_regs(registers or {}),
                            memory_writes=[pb.MemoryChunk(address=a, data=bytes(d)) for a, d in _chunks(memory_writes)],
                            end_with=int(end_with) if end_with is not None else 0)
            if gas is not None:
                msg.gas = gas
        return self.session._step(pb.SessionRequest(resume=msg), self)

    # Memory, registers, state.

    def read_memory(self, address: int, length: int) -> bytes:
        """Reads guest memory; every byte must be readable by the guest."""
        r = self.session._call(pb.SessionRequest(read_memory=pb.ReadMemory(instance_id=self.id, address=address, length=length)))
        return r.memory_data.data

    def write_memory(self, address: int, data: bytes, *, force: bool = False) -> None:
        """Writes guest memory; every byte must be writable by the guest,
        unless ``force`` (then mapped read-only pages may be written too)."""
        self.session._call(pb.SessionRequest(write_memory=pb.WriteMemory(instance_id=self.id, address=address, data=bytes(data), force=force)))

    def map_pages(self, address: int, length: int = PAGE_SIZE, access: Access = Access.READ_WRITE) -> None:
        """Maps (or with INACCESSIBLE unmaps) whole pages; new pages read as zero."""
        self.session._call(pb.SessionRequest(map_pages=pb.MapPages(instance_id=self.id, pages=Pages(address, length, access)._pb())))

    def set_registers(self, registers: Union[Mapping[int, int], Sequence[int]] = (), *, gas: Optional[int] = None) -> None:
        """Changes registers ({index: value}, or a list from φ0) and/or gas between runs."""
        m = pb.SetRegisters(instance_id=self.id, registers=_regs(registers))
        if gas is not None:
            m.gas = gas
        self.session._call(pb.SessionRequest(set_registers=m))

    def state(self) -> InstanceState:
        """The machine state: run state, pc, gas, registers, counters."""
        s = self.session._call(pb.SessionRequest(get_state=pb.GetState(instance_id=self.id))).instance_state
        return InstanceState(RunState(s.run_state), s.pc, s.gas, list(s.registers), s.mapped_bytes,
                             s.instructions, s.call_id, s.fault_address)

    def destroy(self) -> None:
        """Frees the instance and its memory."""
        self.session._call(pb.SessionRequest(destroy=pb.Destroy(instance_id=self.id)))


_CLOSE = object()


class Session:
    """A conversation with pvmd about any number of instances (one gRPC
    stream). Requests are answered in order; a session is for one thread at a
    time. Use it as a context manager, or call :meth:`close`: everything it
    created is freed when it ends."""

    def __init__(self, stub: pb_grpc.PvmdServiceStub, timeout: Optional[float] = None):
        self._requests: "queue.SimpleQueue" = queue.SimpleQueue()
        self._responses = stub.Session(iter(self._requests.get, _CLOSE), timeout=timeout)
        self._next_id = 0
        self._broken: Optional[PvmdError] = None
        self._closed = False

    @property
    def open(self) -> bool:
        return not self._closed and self._broken is None

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close()

    def close(self) -> None:
        """Ends the session (freeing its instances) and waits for pvmd to end it."""
        if self._closed:
            return
        self._closed = True
        self._requests.put(_CLOSE)
        try:
            for _ in self._responses:
                pass
        except grpc.RpcError as e:
            if self._broken is None and e.code() != grpc.StatusCode.CANCELLED:
                raise PvmdError._from_rpc(e) from None

    def cancel(self) -> None:
        """Cuts the session off at once."""
        self._closed = True
        self._requests.put(_CLOSE)  # lets gRPC's request thread finish
        self._responses.cancel()

    def __del__(self) -> None:
        if not getattr(self, "_closed", True):
            self._closed = True
            self._requests.put(_CLOSE)
            self._responses.cancel()

    def _call(self, req: pb.SessionRequest) -> pb.SessionResponse:
        if self._broken is not None:
            raise self._broken
        if self._closed:
            raise PvmdError(grpc.StatusCode.CANCELLED, "the session is closed")
        self._next_id += 1
        req.request_id = self._next_id
        self._requests.put(req)
        try:
            resp = next(self._responses)
        except grpc.RpcError as e:
            self._broken = PvmdError._from_rpc(e)
            raise self._broken from None
        except StopIteration:
            self._broken = PvmdError(grpc.StatusCode.UNAVAILABLE, "pvmd ended the session")
            raise self._broken from None
        if resp.request_id != req.request_id:
            self._broken = PvmdError(grpc.StatusCode.INTERNAL, f"response to request {resp.request_id}, want {req.request_id}")
            raise self._broken
        if resp.HasField("error"):
            e = resp.error
            raise PvmdError(_CODES.get(e.code, grpc.StatusCode.UNKNOWN), e.message, e.field)
        return resp

    def _step(self, req: pb.SessionRequest, inst: Instance) -> Union[HostCall, Exit]:
        resp = self._call(req)
        if resp.HasField("host_call"):
            return HostCall(inst, resp.host_call)
        return _exit(inst, resp.exited)

    def instantiate(self, program: Optional[bytes] = None, *, code_hash: Optional[bytes] = None,
                    format: Format = Format.CODE_BLOB, profile: str = "", engine: Engine = Engine.AUTO,
                    gas: int = 0, registers: Optional[Sequence[int]] = None, entry_pc: int = 0,
                    page_map: Iterable[Union[Pages, tuple]] = (),
                    initial_memory: Union[Mapping[int, bytes], Iterable[Tuple[int, bytes]]] = (),
                    arguments: bytes = b"") -> Instance:
        """Creates an instance of a program, given by its bytes (``program``)
        or by the ``code_hash`` of one the server has (from :meth:`Client.upload`
        or an earlier instantiation).

        ``format`` is CODE_BLOB (then ``page_map`` and ``initial_memory``
        describe memory, and ``registers`` default to zero) or STANDARD (then
        memory and registers are laid out from the program and ``arguments``).
        ``profile`` is e.g. "gp-0.8" (the server's default when empty),
        ``registers`` empty or 13 values, ``entry_pc`` where :meth:`Instance.run`
        starts by default."""
        msg = _instantiate_msg(program, code_hash, format, profile, engine, gas, registers, entry_pc,
                               page_map, initial_memory, arguments)
        return Instance(self, self._call(pb.SessionRequest(instantiate=msg)).instantiated)


def _target(address: str) -> str:
    if address.startswith("tcp://"):
        return address[len("tcp://"):]
    return address


class Client:
    """A connection to a pvmd daemon.

    ``address`` is ``unix:///path/to/pvmd.sock``, ``tcp://host:port`` or
    ``host:port``. Pass ``credentials`` (:func:`grpc.ssl_channel_credentials`)
    for a daemon serving TLS. Use it as a context manager or call :meth:`close`.
    """

    def __init__(self, address: str, *, credentials: Optional[grpc.ChannelCredentials] = None,
                 options: Sequence[Tuple[str, object]] = ()):
        opts = [
            ("grpc.max_receive_message_length", -1),
            ("grpc.max_send_message_length", -1),
            # No BDP probing: its pings would ride along with host calls.
            ("grpc.http2.bdp_probe", 0),
            *options,
        ]
        target = _target(address)
        if credentials is None:
            self._channel = grpc.insecure_channel(target, options=opts)
        else:
            self._channel = grpc.secure_channel(target, credentials, options=opts)
        self._stub = pb_grpc.PvmdServiceStub(self._channel)

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._channel.close()

    def wait_ready(self, timeout: float = 10.0) -> None:
        """Waits until the connection to the daemon is up."""
        try:
            grpc.channel_ready_future(self._channel).result(timeout=timeout)
        except grpc.FutureTimeoutError:
            raise PvmdError(grpc.StatusCode.UNAVAILABLE, f"pvmd not reachable within {timeout}s") from None

    def session(self, *, timeout: Optional[float] = None) -> Session:
        """Opens a :class:`Session` (``timeout`` bounds its whole life)."""
        return Session(self._stub, timeout)

    def _unary(self, method, req, timeout):
        try:
            return method(req, timeout=timeout)
        except grpc.RpcError as e:
            raise PvmdError._from_rpc(e) from None

    def info(self, *, timeout: Optional[float] = None) -> Info:
        """Describes the server: version, profiles, engines, limits."""
        r = self._unary(self._stub.Info, pb.InfoRequest(), timeout)
        lim = r.limits
        limits = Limits(lim.max_message_bytes, lim.max_sessions, lim.max_instances_per_session,
                        lim.max_instances, lim.max_guest_memory_per_instance, lim.max_guest_memory_total,
                        lim.max_gas_per_run, lim.idle_session_timeout.ToTimedelta().total_seconds(),
                        lim.code_cache_bytes, lim.max_ranges_per_instance)
        return Info(r.version, list(r.numberings), list(r.gas_models), r.default_profile, list(r.engines), limits)

    def upload(self, program: bytes, *, format: Format = Format.CODE_BLOB, profile: str = "",
               engine: Engine = Engine.AUTO, timeout: Optional[float] = None) -> Upload:
        """Puts a program into the server's code cache; instantiate it later
        by the returned ``code_hash``."""
        r = self._unary(self._stub.Upload, pb.UploadRequest(program=_spec(program, None, format, profile, engine)), timeout)
        return Upload(r.code_hash, r.already_cached, r.engine, r.profile, r.size_bytes)

    def invoke(self, program: Optional[bytes] = None, *, code_hash: Optional[bytes] = None,
               format: Format = Format.CODE_BLOB, profile: str = "", engine: Engine = Engine.AUTO,
               gas: int = 0, registers: Optional[Sequence[int]] = None, entry_pc: int = 0,
               page_map: Iterable[Union[Pages, tuple]] = (),
               initial_memory: Union[Mapping[int, bytes], Iterable[Tuple[int, bytes]]] = (),
               arguments: bytes = b"", read_memory: Iterable[Tuple[int, int]] = (),
               timeout: Optional[float] = None) -> Invocation:
        """Instantiates a program, runs it to its first exit (a host call
        counts) and destroys it, in one round trip. The arguments are those
        of :meth:`Session.instantiate`, plus ``read_memory``: (address, length)
        ranges to read after the run."""
        req = pb.InvokeRequest(
            instance=_instantiate_msg(program, code_hash, format, profile, engine, gas, registers, entry_pc,
                                      page_map, initial_memory, arguments),
            read_memory=[pb.MemoryRange(address=a, length=n) for a, n in read_memory])
        r = self._unary(self._stub.Invoke, req, timeout)
        if r.HasField("host_call"):
            outcome: Union[Exit, HostCall] = HostCall(None, r.host_call)  # type: ignore[arg-type]
        else:
            outcome = _exit(None, r.exited)
        return Invocation(r.code_hash, r.from_cache, outcome, r.output, [c.data for c in r.memory])
