// pvmd C++ client: run JAM PVM programs in the pvmd daemon, answering every
// host call (`ecalli`) from C++. C++17, on gRPC C++ (libgrpc++).
//
//   pvmd::Client client("unix:///run/pvmd/pvmd.sock");
//   pvmd::Session session = client.session();
//   pvmd::InstanceSpec spec;
//   spec.program = code;  spec.gas = 10000;  spec.registers = regs;
//   pvmd::Instance inst = session.instantiate(spec);
//   pvmd::Exit exit = inst.run([](pvmd::HostCall& call) { call.registers[7] = 0; });
//
// Every refused request and failed call throws pvmd::Error, which carries the
// gRPC status code. A Session is for one thread at a time.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <grpcpp/grpcpp.h>

namespace pvmd {

namespace v1 {
class SessionRequest;  // generated, in pvmd/v1/pvmd.pb.h
}

/// Bytes in a guest page.
constexpr uint32_t kPageSize = 4096;
/// The PVM has 13 registers, φ0..φ12.
constexpr int kNumRegisters = 13;
/// Put this in φ0 and a guest's `jump_ind φ0, 0` (a return) halts.
constexpr uint64_t kHaltAddress = 0xFFFF0000u;

/// Bytes of a program, of guest memory, of a code hash.
using Bytes = std::vector<uint8_t>;
/// φ0..φ12.
using Registers = std::array<uint64_t, kNumRegisters>;

/// How to read a program's bytes.
enum class Format { CodeBlob = 1, Standard = 2 };
/// Which engine runs a program (results are identical, speed is not).
enum class Engine { Auto = 1, Interpreter = 2, Recompiler = 3 };
/// Why a run stopped (other than at a host call).
enum class Status { Halt = 1, Panic = 2, OutOfGas = 3, PageFault = 4 };
/// What the guest may do with a page.
enum class Access { Inaccessible = 1, ReadOnly = 2, ReadWrite = 3 };
/// Where an instance stands between requests.
enum class RunState { Ready = 1, AtHostCall = 2, AtPageFault = 3, Finished = 4 };

const char* to_string(Status s);

/// A request pvmd refused, or a failed call or session: code() is the gRPC
/// status code (INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION,
/// RESOURCE_EXHAUSTED; UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED for the
/// connection), message() pvmd's explanation and field() the offending
/// request field, when one is to blame.
class Error : public std::runtime_error {
 public:
  Error(grpc::StatusCode code, std::string message, std::string field = "");
  grpc::StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& field() const { return field_; }

 private:
  grpc::StatusCode code_;
  std::string message_;
  std::string field_;
};

/// A range of guest pages and the access to give them.
struct Pages {
  uint32_t address = 0;
  uint64_t length = kPageSize;
  Access access = Access::ReadWrite;
};

/// Bytes at an address.
struct Chunk {
  uint32_t address = 0;
  Bytes data;
};

/// What to instantiate and how (Session::instantiate, Client::invoke).
struct InstanceSpec {
  /// The program's bytes; or leave empty and give code_hash.
  Bytes program;
  /// The code hash of a program the server has (from upload or earlier).
  Bytes code_hash;
  Format format = Format::CodeBlob;
  /// E.g. "gp-0.8", "gp-0.7", "latest64"; the server's default when empty.
  std::string profile;
  Engine engine = Engine::Auto;
  /// Gas to start with.
  int64_t gas = 0;
  /// None, or all 13 registers (code blobs default to zero; standard
  /// programs to the standard ones).
  std::vector<uint64_t> registers;
  /// Where run() starts by default.
  uint32_t entry_pc = 0;
  /// Code blobs: the pages to map.
  std::vector<Pages> page_map;
  /// Code blobs: initial memory (may write read-only pages).
  std::vector<Chunk> initial_memory;
  /// Standard programs: the argument bytes.
  Bytes arguments;
};

class Instance;
class Session;
class HostCall;

/// A run stopped: halt, panic, out of gas or a page fault.
struct Exit {
  Status status = Status::Halt;
  uint32_t pc = 0;
  int64_t gas = 0;
  Registers registers{};
  /// For a page fault, the page-aligned address that could not be accessed.
  uint32_t fault_address = 0;
  bool halted() const { return status == Status::Halt; }
  bool page_fault() const { return status == Status::PageFault; }
};

/// Where a step (Instance::start, Instance::resume) stopped.
using Stop = std::variant<HostCall, Exit>;

/// The machine state of an instance.
struct InstanceState {
  RunState run_state = RunState::Ready;
  uint32_t pc = 0;
  int64_t gas = 0;
  Registers registers{};
  uint64_t mapped_bytes = 0;
  uint64_t instructions = 0;
  uint64_t call_id = 0;
  uint32_t fault_address = 0;
};

struct Limits {
  uint64_t max_message_bytes = 0;
  uint64_t max_sessions = 0;
  uint64_t max_instances_per_session = 0;
  uint64_t max_instances = 0;
  uint64_t max_guest_memory_per_instance = 0;
  uint64_t max_guest_memory_total = 0;
  int64_t max_gas_per_run = 0;
  double idle_session_timeout_seconds = 0;
  uint64_t code_cache_bytes = 0;
  uint64_t max_ranges_per_instance = 0;
};

/// What a server offers.
struct Info {
  std::string version;
  std::vector<std::string> numberings;
  std::vector<std::string> gas_models;
  std::string default_profile;
  std::vector<std::string> engines;
  Limits limits;
};

/// A program in the server's code cache.
struct Upload {
  Bytes code_hash;
  bool already_cached = false;
  std::string engine;
  std::string profile;
  uint64_t size_bytes = 0;
};

/// A host call a one-shot invoke stopped at (unanswerable: the instance is gone).
struct InvokeHostCall {
  uint64_t id = 0;
  uint32_t pc = 0;
  int64_t gas = 0;
  Registers registers{};
};

/// The outcome of Client::invoke.
struct Invocation {
  Bytes code_hash;
  bool from_cache = false;
  /// How the run stopped.
  std::variant<Exit, InvokeHostCall> outcome;
  /// For a halt, the bytes at [φ7, φ7+φ8) if the guest could read them.
  Bytes output;
  /// The ranges asked for, in order (empty if unreadable).
  std::vector<Bytes> memory;
};

namespace detail {
struct SessionImpl;
struct InstanceMeta;
}  // namespace detail

/// A PVM instance in a Session: a cheap, copyable handle.
class Instance {
 public:
  /// Names the instance in its session.
  uint64_t id() const { return id_; }
  /// blake2b-256 of the program bytes.
  const Bytes& code_hash() const;
  /// True when the compiled program came from the server's code cache.
  bool from_cache() const;
  const std::string& engine() const;
  const std::string& profile() const;
  /// The session it lives in.
  Session session() const;

  /// A host-call handler: sees the call, changes it, returns.
  using Handler = std::function<void(HostCall&)>;
  /// A page-fault handler: map pages (e.g. instance.map_pages(exit.fault_address))
  /// and return true to retry the instruction, false to stop there.
  using PageFaultHandler = std::function<bool(Instance&, const Exit&)>;

  struct RunOptions {
    /// Where to start (default: the entry pc).
    std::optional<uint32_t> pc;
    /// Gas to start with (default: what is left).
    std::optional<int64_t> gas;
    /// Called at a page fault; true retries the instruction.
    PageFaultHandler on_page_fault;
  };

  /// Runs until halt, panic, out of gas or a page fault, calling handler at
  /// every host call and resuming after it. A host call with no handler
  /// throws std::logic_error; an exception from a handler propagates; either
  /// way the instance stays paused at the host call.
  Exit run(const Handler& handler = nullptr, const RunOptions& opts = {});
  /// Like run, continuing a run paused at a host call or page fault.
  Exit resume_run(const Handler& handler = nullptr, const PageFaultHandler& on_page_fault = nullptr);

  /// One step: starts a run, returns where it first stops.
  Stop start(std::optional<uint32_t> pc = std::nullopt, std::optional<int64_t> gas = std::nullopt);

  struct ResumeOptions {
    /// Registers to change: {index, value}.
    std::map<uint32_t, uint64_t> registers;
    std::optional<int64_t> gas;
    std::vector<Chunk> memory_writes;
    /// End the run with this status instead of continuing the guest.
    std::optional<Status> end_with;
  };
  /// One step: continues a paused run with the changes made to call.
  Stop resume(const HostCall& call);
  /// One step: continues a paused run with the given changes.
  Stop resume(const ResumeOptions& changes = {});

  /// Reads guest memory; every byte must be readable by the guest.
  Bytes read_memory(uint32_t address, uint32_t length);
  /// Writes guest memory; writable pages only, unless force (then any mapped page).
  void write_memory(uint32_t address, const Bytes& data, bool force = false);
  /// Maps (or with Access::Inaccessible unmaps) whole pages; new pages read as zero.
  void map_pages(uint32_t address, uint64_t length = kPageSize, Access access = Access::ReadWrite);
  /// Changes registers ({index, value}) and/or gas between runs.
  void set_registers(const std::map<uint32_t, uint64_t>& registers, std::optional<int64_t> gas = std::nullopt);
  /// The machine state.
  InstanceState state();
  /// Frees the instance and its memory.
  void destroy();

 private:
  friend class Session;
  friend class HostCall;
  Instance(std::shared_ptr<detail::SessionImpl> s, uint64_t id, std::shared_ptr<const detail::InstanceMeta> meta)
      : s_(std::move(s)), id_(id), meta_(std::move(meta)) {}
  Stop step(v1::SessionRequest& request);
  Exit drive(Stop out, const Handler& handler, const PageFaultHandler& on_page_fault);

  std::shared_ptr<detail::SessionImpl> s_;
  uint64_t id_ = 0;
  std::shared_ptr<const detail::InstanceMeta> meta_;
};

/// The guest executed `ecalli` and waits: the handler's view of it. Change
/// registers and gas in place and queue memory writes with write_memory();
/// when the handler returns they are sent with the Resume (registers, then
/// gas, then memory, all or nothing). end() (or halt/panic/out_of_gas) ends
/// the run instead of continuing the guest.
class HostCall {
 public:
  /// The `ecalli` immediate: which host function the guest calls.
  uint64_t id = 0;
  /// The pc of the `ecalli`.
  uint32_t pc = 0;
  /// Gas left (after the `ecalli` was paid for); set it to charge.
  int64_t gas = 0;
  /// φ0..φ12; change them to answer (φ7 holds a host call's result).
  Registers registers{};

  /// The waiting instance (to read memory, etc.).
  Instance& instance() { return instance_; }
  /// Its session (to run inner instances).
  Session session() const;
  /// Reads guest memory now (one round trip).
  Bytes read_memory(uint32_t address, uint32_t length) { return instance_.read_memory(address, length); }
  /// Queues a guest memory write, applied with the Resume (the pages must be
  /// writable by the guest).
  void write_memory(uint32_t address, Bytes data) { writes_.push_back({address, std::move(data)}); }
  /// Ends the run with status (Halt, Panic or OutOfGas) at the `ecalli`.
  void end(Status status) { end_ = status; }
  void halt() { end(Status::Halt); }
  void panic() { end(Status::Panic); }
  void out_of_gas() { end(Status::OutOfGas); }

 private:
  friend class Instance;
  HostCall(Instance inst) : instance_(std::move(inst)) {}
  Instance instance_;
  int64_t gas0_ = 0;
  Registers regs0_{};
  std::vector<Chunk> writes_;
  std::optional<Status> end_;
};

/// A conversation with pvmd about any number of instances (one gRPC
/// stream). Requests are answered in order. A Session is a shared handle:
/// copies name the same stream. close() (or the last handle going away)
/// ends it, and pvmd frees everything it created.
class Session {
 public:
  /// Creates an instance of a program given by its bytes or code hash.
  Instance instantiate(const InstanceSpec& spec);
  /// Shorthand: a code blob with gas and registers, under the server's default profile.
  Instance instantiate(const Bytes& code_blob, int64_t gas, std::vector<uint64_t> registers = {});
  /// Ends the session (freeing its instances) and waits for pvmd to end it.
  void close();
  /// Cuts the session off at once.
  void cancel();
  /// False once closed or broken.
  bool is_open() const;

 private:
  friend class Client;
  friend class Instance;
  friend class HostCall;
  explicit Session(std::shared_ptr<detail::SessionImpl> s) : s_(std::move(s)) {}
  std::shared_ptr<detail::SessionImpl> s_;
};

/// A connection to a pvmd daemon: "unix:///path/to.sock", "tcp://host:port"
/// or "host:port".
class Client {
 public:
  explicit Client(const std::string& address,
                  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials(),
                  const grpc::ChannelArguments& extra_args = grpc::ChannelArguments());
  ~Client();
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;

  /// Waits until the connection to the daemon is up (throws Error UNAVAILABLE).
  void wait_ready(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  /// Opens a session; timeout (if not zero) bounds its whole life.
  Session session(std::chrono::milliseconds timeout = std::chrono::milliseconds(0));
  /// Describes the server: version, profiles, engines, limits.
  Info info(std::chrono::milliseconds timeout = std::chrono::milliseconds(0));
  /// Puts a program into the server's code cache; instantiate it later by code hash.
  Upload upload(const Bytes& program, Format format = Format::CodeBlob, const std::string& profile = "",
                Engine engine = Engine::Auto, std::chrono::milliseconds timeout = std::chrono::milliseconds(0));
  /// Instantiates a program, runs it to its first exit (a host call counts)
  /// and destroys it, in one round trip; read_memory ranges ({address,
  /// length}) are read after the run.
  Invocation invoke(const InstanceSpec& spec, const std::vector<std::pair<uint32_t, uint32_t>>& read_memory = {},
                    std::chrono::milliseconds timeout = std::chrono::milliseconds(0));

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pvmd
