from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
ENGINE_AUTO: Engine
ENGINE_INTERPRETER: Engine
ENGINE_RECOMPILER: Engine
ENGINE_UNSPECIFIED: Engine
EXIT_STATUS_HALT: ExitStatus
EXIT_STATUS_OUT_OF_GAS: ExitStatus
EXIT_STATUS_PAGE_FAULT: ExitStatus
EXIT_STATUS_PANIC: ExitStatus
EXIT_STATUS_UNSPECIFIED: ExitStatus
PAGE_ACCESS_INACCESSIBLE: PageAccess
PAGE_ACCESS_READ_ONLY: PageAccess
PAGE_ACCESS_READ_WRITE: PageAccess
PAGE_ACCESS_UNSPECIFIED: PageAccess
PROGRAM_FORMAT_CODE_BLOB: ProgramFormat
PROGRAM_FORMAT_STANDARD: ProgramFormat
PROGRAM_FORMAT_UNSPECIFIED: ProgramFormat
RUN_STATE_AT_HOST_CALL: RunState
RUN_STATE_AT_PAGE_FAULT: RunState
RUN_STATE_FINISHED: RunState
RUN_STATE_READY: RunState
RUN_STATE_UNSPECIFIED: RunState

class Ack(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class Destroy(_message.Message):
    __slots__ = ["instance_id"]
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    instance_id: int
    def __init__(self, instance_id: _Optional[int] = ...) -> None: ...

class Error(_message.Message):
    __slots__ = ["code", "field", "message"]
    CODE_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    code: int
    field: str
    message: str
    def __init__(self, code: _Optional[int] = ..., message: _Optional[str] = ..., field: _Optional[str] = ...) -> None: ...

class Exited(_message.Message):
    __slots__ = ["fault_address", "gas", "instance_id", "pc", "registers", "status"]
    FAULT_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    GAS_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    PC_FIELD_NUMBER: _ClassVar[int]
    REGISTERS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    fault_address: int
    gas: int
    instance_id: int
    pc: int
    registers: _containers.RepeatedScalarFieldContainer[int]
    status: ExitStatus
    def __init__(self, instance_id: _Optional[int] = ..., status: _Optional[_Union[ExitStatus, str]] = ..., pc: _Optional[int] = ..., gas: _Optional[int] = ..., registers: _Optional[_Iterable[int]] = ..., fault_address: _Optional[int] = ...) -> None: ...

class GetState(_message.Message):
    __slots__ = ["instance_id"]
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    instance_id: int
    def __init__(self, instance_id: _Optional[int] = ...) -> None: ...

class HostCall(_message.Message):
    __slots__ = ["call_id", "gas", "instance_id", "pc", "registers"]
    CALL_ID_FIELD_NUMBER: _ClassVar[int]
    GAS_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    PC_FIELD_NUMBER: _ClassVar[int]
    REGISTERS_FIELD_NUMBER: _ClassVar[int]
    call_id: int
    gas: int
    instance_id: int
    pc: int
    registers: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, instance_id: _Optional[int] = ..., call_id: _Optional[int] = ..., pc: _Optional[int] = ..., gas: _Optional[int] = ..., registers: _Optional[_Iterable[int]] = ...) -> None: ...

class InfoRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class InfoResponse(_message.Message):
    __slots__ = ["default_profile", "engines", "gas_models", "limits", "numberings", "version"]
    DEFAULT_PROFILE_FIELD_NUMBER: _ClassVar[int]
    ENGINES_FIELD_NUMBER: _ClassVar[int]
    GAS_MODELS_FIELD_NUMBER: _ClassVar[int]
    LIMITS_FIELD_NUMBER: _ClassVar[int]
    NUMBERINGS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    default_profile: str
    engines: _containers.RepeatedScalarFieldContainer[str]
    gas_models: _containers.RepeatedScalarFieldContainer[str]
    limits: Limits
    numberings: _containers.RepeatedScalarFieldContainer[str]
    version: str
    def __init__(self, version: _Optional[str] = ..., numberings: _Optional[_Iterable[str]] = ..., gas_models: _Optional[_Iterable[str]] = ..., default_profile: _Optional[str] = ..., engines: _Optional[_Iterable[str]] = ..., limits: _Optional[_Union[Limits, _Mapping]] = ...) -> None: ...

class InstanceState(_message.Message):
    __slots__ = ["call_id", "fault_address", "gas", "instance_id", "instructions", "mapped_bytes", "pc", "registers", "run_state"]
    CALL_ID_FIELD_NUMBER: _ClassVar[int]
    FAULT_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    GAS_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    INSTRUCTIONS_FIELD_NUMBER: _ClassVar[int]
    MAPPED_BYTES_FIELD_NUMBER: _ClassVar[int]
    PC_FIELD_NUMBER: _ClassVar[int]
    REGISTERS_FIELD_NUMBER: _ClassVar[int]
    RUN_STATE_FIELD_NUMBER: _ClassVar[int]
    call_id: int
    fault_address: int
    gas: int
    instance_id: int
    instructions: int
    mapped_bytes: int
    pc: int
    registers: _containers.RepeatedScalarFieldContainer[int]
    run_state: RunState
    def __init__(self, instance_id: _Optional[int] = ..., run_state: _Optional[_Union[RunState, str]] = ..., pc: _Optional[int] = ..., gas: _Optional[int] = ..., registers: _Optional[_Iterable[int]] = ..., mapped_bytes: _Optional[int] = ..., instructions: _Optional[int] = ..., call_id: _Optional[int] = ..., fault_address: _Optional[int] = ...) -> None: ...

class Instantiate(_message.Message):
    __slots__ = ["arguments", "entry_pc", "gas", "initial_memory", "page_map", "program", "registers"]
    ARGUMENTS_FIELD_NUMBER: _ClassVar[int]
    ENTRY_PC_FIELD_NUMBER: _ClassVar[int]
    GAS_FIELD_NUMBER: _ClassVar[int]
    INITIAL_MEMORY_FIELD_NUMBER: _ClassVar[int]
    PAGE_MAP_FIELD_NUMBER: _ClassVar[int]
    PROGRAM_FIELD_NUMBER: _ClassVar[int]
    REGISTERS_FIELD_NUMBER: _ClassVar[int]
    arguments: bytes
    entry_pc: int
    gas: int
    initial_memory: _containers.RepeatedCompositeFieldContainer[MemoryChunk]
    page_map: _containers.RepeatedCompositeFieldContainer[PageRange]
    program: ProgramSpec
    registers: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, program: _Optional[_Union[ProgramSpec, _Mapping]] = ..., gas: _Optional[int] = ..., registers: _Optional[_Iterable[int]] = ..., entry_pc: _Optional[int] = ..., page_map: _Optional[_Iterable[_Union[PageRange, _Mapping]]] = ..., initial_memory: _Optional[_Iterable[_Union[MemoryChunk, _Mapping]]] = ..., arguments: _Optional[bytes] = ...) -> None: ...

class Instantiated(_message.Message):
    __slots__ = ["code_hash", "engine", "from_cache", "instance_id", "profile"]
    CODE_HASH_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    FROM_CACHE_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    code_hash: bytes
    engine: str
    from_cache: bool
    instance_id: int
    profile: str
    def __init__(self, instance_id: _Optional[int] = ..., code_hash: _Optional[bytes] = ..., from_cache: bool = ..., engine: _Optional[str] = ..., profile: _Optional[str] = ...) -> None: ...

class InvokeRequest(_message.Message):
    __slots__ = ["instance", "read_memory"]
    INSTANCE_FIELD_NUMBER: _ClassVar[int]
    READ_MEMORY_FIELD_NUMBER: _ClassVar[int]
    instance: Instantiate
    read_memory: _containers.RepeatedCompositeFieldContainer[MemoryRange]
    def __init__(self, instance: _Optional[_Union[Instantiate, _Mapping]] = ..., read_memory: _Optional[_Iterable[_Union[MemoryRange, _Mapping]]] = ...) -> None: ...

class InvokeResponse(_message.Message):
    __slots__ = ["code_hash", "exited", "from_cache", "host_call", "memory", "output"]
    CODE_HASH_FIELD_NUMBER: _ClassVar[int]
    EXITED_FIELD_NUMBER: _ClassVar[int]
    FROM_CACHE_FIELD_NUMBER: _ClassVar[int]
    HOST_CALL_FIELD_NUMBER: _ClassVar[int]
    MEMORY_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_FIELD_NUMBER: _ClassVar[int]
    code_hash: bytes
    exited: Exited
    from_cache: bool
    host_call: HostCall
    memory: _containers.RepeatedCompositeFieldContainer[MemoryChunk]
    output: bytes
    def __init__(self, code_hash: _Optional[bytes] = ..., from_cache: bool = ..., host_call: _Optional[_Union[HostCall, _Mapping]] = ..., exited: _Optional[_Union[Exited, _Mapping]] = ..., output: _Optional[bytes] = ..., memory: _Optional[_Iterable[_Union[MemoryChunk, _Mapping]]] = ...) -> None: ...

class Limits(_message.Message):
    __slots__ = ["code_cache_bytes", "idle_session_timeout", "max_gas_per_run", "max_guest_memory_per_instance", "max_guest_memory_total", "max_instances", "max_instances_per_session", "max_message_bytes", "max_ranges_per_instance", "max_sessions"]
    CODE_CACHE_BYTES_FIELD_NUMBER: _ClassVar[int]
    IDLE_SESSION_TIMEOUT_FIELD_NUMBER: _ClassVar[int]
    MAX_GAS_PER_RUN_FIELD_NUMBER: _ClassVar[int]
    MAX_GUEST_MEMORY_PER_INSTANCE_FIELD_NUMBER: _ClassVar[int]
    MAX_GUEST_MEMORY_TOTAL_FIELD_NUMBER: _ClassVar[int]
    MAX_INSTANCES_FIELD_NUMBER: _ClassVar[int]
    MAX_INSTANCES_PER_SESSION_FIELD_NUMBER: _ClassVar[int]
    MAX_MESSAGE_BYTES_FIELD_NUMBER: _ClassVar[int]
    MAX_RANGES_PER_INSTANCE_FIELD_NUMBER: _ClassVar[int]
    MAX_SESSIONS_FIELD_NUMBER: _ClassVar[int]
    code_cache_bytes: int
    idle_session_timeout: _duration_pb2.Duration
    max_gas_per_run: int
    max_guest_memory_per_instance: int
    max_guest_memory_total: int
    max_instances: int
    max_instances_per_session: int
    max_message_bytes: int
    max_ranges_per_instance: int
    max_sessions: int
    def __init__(self, max_message_bytes: _Optional[int] = ..., max_sessions: _Optional[int] = ..., max_instances_per_session: _Optional[int] = ..., max_instances: _Optional[int] = ..., max_guest_memory_per_instance: _Optional[int] = ..., max_guest_memory_total: _Optional[int] = ..., max_gas_per_run: _Optional[int] = ..., idle_session_timeout: _Optional[_Union[_duration_pb2.Duration, _Mapping]] = ..., code_cache_bytes: _Optional[int] = ..., max_ranges_per_instance: _Optional[int] = ...) -> None: ...

class MapPages(_message.Message):
    __slots__ = ["instance_id", "pages"]
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    PAGES_FIELD_NUMBER: _ClassVar[int]
    instance_id: int
    pages: PageRange
    def __init__(self, instance_id: _Optional[int] = ..., pages: _Optional[_Union[PageRange, _Mapping]] = ...) -> None: ...

class MemoryChunk(_message.Message):
    __slots__ = ["address", "data"]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    address: int
    data: bytes
    def __init__(self, address: _Optional[int] = ..., data: _Optional[bytes] = ...) -> None: ...

class MemoryData(_message.Message):
    __slots__ = ["address", "data", "instance_id"]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    address: int
    data: bytes
    instance_id: int
    def __init__(self, instance_id: _Optional[int] = ..., address: _Optional[int] = ..., data: _Optional[bytes] = ...) -> None: ...

class MemoryRange(_message.Message):
    __slots__ = ["address", "length"]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    LENGTH_FIELD_NUMBER: _ClassVar[int]
    address: int
    length: int
    def __init__(self, address: _Optional[int] = ..., length: _Optional[int] = ...) -> None: ...

class PageRange(_message.Message):
    __slots__ = ["access", "address", "length"]
    ACCESS_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    LENGTH_FIELD_NUMBER: _ClassVar[int]
    access: PageAccess
    address: int
    length: int
    def __init__(self, address: _Optional[int] = ..., length: _Optional[int] = ..., access: _Optional[_Union[PageAccess, str]] = ...) -> None: ...

class ProgramSpec(_message.Message):
    __slots__ = ["code_hash", "engine", "format", "profile", "program_blob"]
    CODE_HASH_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    PROGRAM_BLOB_FIELD_NUMBER: _ClassVar[int]
    code_hash: bytes
    engine: Engine
    format: ProgramFormat
    profile: str
    program_blob: bytes
    def __init__(self, program_blob: _Optional[bytes] = ..., code_hash: _Optional[bytes] = ..., format: _Optional[_Union[ProgramFormat, str]] = ..., profile: _Optional[str] = ..., engine: _Optional[_Union[Engine, str]] = ...) -> None: ...

class ReadMemory(_message.Message):
    __slots__ = ["address", "instance_id", "length"]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    LENGTH_FIELD_NUMBER: _ClassVar[int]
    address: int
    instance_id: int
    length: int
    def __init__(self, instance_id: _Optional[int] = ..., address: _Optional[int] = ..., length: _Optional[int] = ...) -> None: ...

class RegisterValue(_message.Message):
    __slots__ = ["index", "value"]
    INDEX_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    index: int
    value: int
    def __init__(self, index: _Optional[int] = ..., value: _Optional[int] = ...) -> None: ...

class Resume(_message.Message):
    __slots__ = ["end_with", "gas", "instance_id", "memory_writes", "set_registers"]
    END_WITH_FIELD_NUMBER: _ClassVar[int]
    GAS_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    MEMORY_WRITES_FIELD_NUMBER: _ClassVar[int]
    SET_REGISTERS_FIELD_NUMBER: _ClassVar[int]
    end_with: ExitStatus
    gas: int
    instance_id: int
    memory_writes: _containers.RepeatedCompositeFieldContainer[MemoryChunk]
    set_registers: _containers.RepeatedCompositeFieldContainer[RegisterValue]
    def __init__(self, instance_id: _Optional[int] = ..., set_registers: _Optional[_Iterable[_Union[RegisterValue, _Mapping]]] = ..., gas: _Optional[int] = ..., memory_writes: _Optional[_Iterable[_Union[MemoryChunk, _Mapping]]] = ..., end_with: _Optional[_Union[ExitStatus, str]] = ...) -> None: ...

class Run(_message.Message):
    __slots__ = ["gas", "instance_id", "pc"]
    GAS_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    PC_FIELD_NUMBER: _ClassVar[int]
    gas: int
    instance_id: int
    pc: int
    def __init__(self, instance_id: _Optional[int] = ..., pc: _Optional[int] = ..., gas: _Optional[int] = ...) -> None: ...

class SessionRequest(_message.Message):
    __slots__ = ["destroy", "get_state", "instantiate", "map_pages", "read_memory", "request_id", "resume", "run", "set_registers", "write_memory"]
    DESTROY_FIELD_NUMBER: _ClassVar[int]
    GET_STATE_FIELD_NUMBER: _ClassVar[int]
    INSTANTIATE_FIELD_NUMBER: _ClassVar[int]
    MAP_PAGES_FIELD_NUMBER: _ClassVar[int]
    READ_MEMORY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    RESUME_FIELD_NUMBER: _ClassVar[int]
    RUN_FIELD_NUMBER: _ClassVar[int]
    SET_REGISTERS_FIELD_NUMBER: _ClassVar[int]
    WRITE_MEMORY_FIELD_NUMBER: _ClassVar[int]
    destroy: Destroy
    get_state: GetState
    instantiate: Instantiate
    map_pages: MapPages
    read_memory: ReadMemory
    request_id: int
    resume: Resume
    run: Run
    set_registers: SetRegisters
    write_memory: WriteMemory
    def __init__(self, request_id: _Optional[int] = ..., instantiate: _Optional[_Union[Instantiate, _Mapping]] = ..., run: _Optional[_Union[Run, _Mapping]] = ..., resume: _Optional[_Union[Resume, _Mapping]] = ..., read_memory: _Optional[_Union[ReadMemory, _Mapping]] = ..., write_memory: _Optional[_Union[WriteMemory, _Mapping]] = ..., map_pages: _Optional[_Union[MapPages, _Mapping]] = ..., get_state: _Optional[_Union[GetState, _Mapping]] = ..., set_registers: _Optional[_Union[SetRegisters, _Mapping]] = ..., destroy: _Optional[_Union[Destroy, _Mapping]] = ...) -> None: ...

class SessionResponse(_message.Message):
    __slots__ = ["ack", "error", "exited", "host_call", "instance_state", "instantiated", "memory_data", "request_id"]
    ACK_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    EXITED_FIELD_NUMBER: _ClassVar[int]
    HOST_CALL_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_STATE_FIELD_NUMBER: _ClassVar[int]
    INSTANTIATED_FIELD_NUMBER: _ClassVar[int]
    MEMORY_DATA_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ack: Ack
    error: Error
    exited: Exited
    host_call: HostCall
    instance_state: InstanceState
    instantiated: Instantiated
    memory_data: MemoryData
    request_id: int
    def __init__(self, request_id: _Optional[int] = ..., instantiated: _Optional[_Union[Instantiated, _Mapping]] = ..., host_call: _Optional[_Union[HostCall, _Mapping]] = ..., exited: _Optional[_Union[Exited, _Mapping]] = ..., memory_data: _Optional[_Union[MemoryData, _Mapping]] = ..., ack: _Optional[_Union[Ack, _Mapping]] = ..., instance_state: _Optional[_Union[InstanceState, _Mapping]] = ..., error: _Optional[_Union[Error, _Mapping]] = ...) -> None: ...

class SetRegisters(_message.Message):
    __slots__ = ["gas", "instance_id", "registers"]
    GAS_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    REGISTERS_FIELD_NUMBER: _ClassVar[int]
    gas: int
    instance_id: int
    registers: _containers.RepeatedCompositeFieldContainer[RegisterValue]
    def __init__(self, instance_id: _Optional[int] = ..., registers: _Optional[_Iterable[_Union[RegisterValue, _Mapping]]] = ..., gas: _Optional[int] = ...) -> None: ...

class UploadRequest(_message.Message):
    __slots__ = ["program"]
    PROGRAM_FIELD_NUMBER: _ClassVar[int]
    program: ProgramSpec
    def __init__(self, program: _Optional[_Union[ProgramSpec, _Mapping]] = ...) -> None: ...

class UploadResponse(_message.Message):
    __slots__ = ["already_cached", "code_hash", "engine", "profile", "size_bytes"]
    ALREADY_CACHED_FIELD_NUMBER: _ClassVar[int]
    CODE_HASH_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    already_cached: bool
    code_hash: bytes
    engine: str
    profile: str
    size_bytes: int
    def __init__(self, code_hash: _Optional[bytes] = ..., already_cached: bool = ..., engine: _Optional[str] = ..., profile: _Optional[str] = ..., size_bytes: _Optional[int] = ...) -> None: ...

class WriteMemory(_message.Message):
    __slots__ = ["address", "data", "force", "instance_id"]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    FORCE_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    address: int
    data: bytes
    force: bool
    instance_id: int
    def __init__(self, instance_id: _Optional[int] = ..., address: _Optional[int] = ..., data: _Optional[bytes] = ..., force: bool = ...) -> None: ...

class ProgramFormat(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class Engine(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class ExitStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class PageAccess(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class RunState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
