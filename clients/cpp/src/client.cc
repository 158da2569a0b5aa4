// pvmd C++ client: the implementation (see include/pvmd/client.h).

#include "pvmd/client.h"

#include <stdexcept>

#include "pvmd/v1/pvmd.grpc.pb.h"
#include "pvmd/v1/pvmd.pb.h"

namespace pvmd {

namespace pb = ::pvmd::v1;

const char* to_string(Status s) {
  switch (s) {
    case Status::Halt:
      return "halt";
    case Status::Panic:
      return "panic";
    case Status::OutOfGas:
      return "out-of-gas";
    case Status::PageFault:
      return "page-fault";
  }
  return "unknown";
}

static std::string code_name(grpc::StatusCode c) {
  switch (c) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "CANCELLED";
    case grpc::StatusCode::UNKNOWN: return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL: return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS: return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    default: return std::to_string(static_cast<int>(c));
  }
}

Error::Error(grpc::StatusCode code, std::string message, std::string field)
    : std::runtime_error(code_name(code) + ": " + message + (field.empty() ? "" : " (" + field + ")")),
      code_(code),
      message_(std::move(message)),
      field_(std::move(field)) {}

static Error from_status(const grpc::Status& st) { return Error(st.error_code(), st.error_message()); }

static std::string str(const Bytes& b) { return std::string(b.begin(), b.end()); }
static Bytes bytes(const std::string& s) { return Bytes(s.begin(), s.end()); }

template <typename R>
static Registers regs(const R& r) {
  Registers out{};
  for (int i = 0; i < kNumRegisters && i < r.size(); i++) out[i] = r.Get(i);
  return out;
}

static Exit to_exit(const pb::Exited& m) {
  Exit e;
  e.status = static_cast<Status>(m.status());
  e.pc = m.pc();
  e.gas = m.gas();
  e.registers = regs(m.registers());
  e.fault_address = m.fault_address();
  return e;
}

static void fill_spec(pb::ProgramSpec* p, const InstanceSpec& s) {
  if (s.program.empty() == s.code_hash.empty())
    throw std::invalid_argument("pvmd: give exactly one of InstanceSpec::program and InstanceSpec::code_hash");
  if (!s.program.empty())
    p->set_program_blob(str(s.program));
  else
    p->set_code_hash(str(s.code_hash));
  p->set_format(static_cast<pb::ProgramFormat>(s.format));
  p->set_profile(s.profile);
  p->set_engine(static_cast<pb::Engine>(s.engine));
}

static void fill_instantiate(pb::Instantiate* m, const InstanceSpec& s) {
  fill_spec(m->mutable_program(), s);
  m->set_gas(s.gas);
  for (uint64_t r : s.registers) m->add_registers(r);
  m->set_entry_pc(s.entry_pc);
  for (const Pages& p : s.page_map) {
    pb::PageRange* r = m->add_page_map();
    r->set_address(p.address);
    r->set_length(p.length);
    r->set_access(static_cast<pb::PageAccess>(p.access));
  }
  for (const Chunk& c : s.initial_memory) {
    pb::MemoryChunk* mc = m->add_initial_memory();
    mc->set_address(c.address);
    mc->set_data(str(c.data));
  }
  m->set_arguments(str(s.arguments));
}

namespace detail {

struct InstanceMeta {
  Bytes code_hash;
  bool from_cache = false;
  std::string engine;
  std::string profile;
};

struct SessionImpl {
  std::shared_ptr<grpc::Channel> channel;  // outlives the stream, even if the Client goes first
  grpc::ClientContext ctx;
  std::unique_ptr<grpc::ClientReaderWriter<pb::SessionRequest, pb::SessionResponse>> stream;
  uint64_t next_id = 0;
  bool closed = false;    // by the client
  bool finished = false;  // Finish() was called
  std::optional<Error> broken;
  pb::SessionResponse resp;  // reused

  ~SessionImpl() {
    if (finished) return;
    if (!closed) {
      try {
        close();
        return;
      } catch (...) {
      }
    }
    abort_stream();
  }

  // Reads what is left and collects the status.
  grpc::Status finish() {
    pb::SessionResponse ignored;
    while (stream->Read(&ignored)) {
    }
    finished = true;
    return stream->Finish();
  }

  void abort_stream() {
    if (finished) return;
    ctx.TryCancel();
    finish();
  }

  // Sends one request, returns its response (an Error response throws).
  const pb::SessionResponse& call(pb::SessionRequest& req) {
    if (closed) throw Error(grpc::StatusCode::CANCELLED, "the session is closed");
    if (broken) throw *broken;
    req.set_request_id(++next_id);
    if (!stream->Write(req) || !stream->Read(&resp)) {
      grpc::Status st = finish();
      broken = st.ok() ? Error(grpc::StatusCode::UNAVAILABLE, "pvmd ended the session") : from_status(st);
      throw *broken;
    }
    if (resp.request_id() != req.request_id()) {
      broken = Error(grpc::StatusCode::INTERNAL, "response to request " + std::to_string(resp.request_id()) + ", want " +
                                                     std::to_string(req.request_id()));
      abort_stream();
      throw *broken;
    }
    if (resp.has_error()) {
      const pb::Error& e = resp.error();
      throw Error(static_cast<grpc::StatusCode>(e.code()), e.message(), e.field());
    }
    return resp;
  }

  void close() {
    if (closed) return;
    closed = true;
    if (finished) return;
    stream->WritesDone();
    grpc::Status st = finish();
    if (!st.ok() && st.error_code() != grpc::StatusCode::CANCELLED && !broken) throw from_status(st);
  }
};

}  // namespace detail

// Instance.

const Bytes& Instance::code_hash() const { return meta_->code_hash; }
bool Instance::from_cache() const { return meta_->from_cache; }
const std::string& Instance::engine() const { return meta_->engine; }
const std::string& Instance::profile() const { return meta_->profile; }
Session Instance::session() const { return Session(s_); }
Session HostCall::session() const { return Session(instance_.s_); }

Stop Instance::step(pb::SessionRequest& req) {
  const pb::SessionResponse& r = s_->call(req);
  if (r.has_host_call()) {
    const pb::HostCall& m = r.host_call();
    HostCall call(*this);
    call.id = m.call_id();
    call.pc = m.pc();
    call.gas = call.gas0_ = m.gas();
    call.registers = call.regs0_ = regs(m.registers());
    return call;
  }
  return to_exit(r.exited());
}

Stop Instance::start(std::optional<uint32_t> pc, std::optional<int64_t> gas) {
  pb::SessionRequest req;
  pb::Run* run = req.mutable_run();
  run->set_instance_id(id_);
  if (pc) run->set_pc(*pc);
  if (gas) run->set_gas(*gas);
  return step(req);
}

Stop Instance::resume(const HostCall& call) {
  pb::SessionRequest req;
  pb::Resume* m = req.mutable_resume();
  m->set_instance_id(id_);
  for (int i = 0; i < kNumRegisters; i++) {
    if (call.registers[i] != call.regs0_[i]) {
      pb::RegisterValue* v = m->add_set_registers();
      v->set_index(i);
      v->set_value(call.registers[i]);
    }
  }
  if (call.gas != call.gas0_) m->set_gas(call.gas);
  for (const Chunk& c : call.writes_) {
    pb::MemoryChunk* mc = m->add_memory_writes();
    mc->set_address(c.address);
    mc->set_data(str(c.data));
  }
  if (call.end_) m->set_end_with(static_cast<pb::ExitStatus>(*call.end_));
  return step(req);
}

Stop Instance::resume(const ResumeOptions& o) {
  pb::SessionRequest req;
  pb::Resume* m = req.mutable_resume();
  m->set_instance_id(id_);
  for (const auto& [i, v] : o.registers) {
    pb::RegisterValue* rv = m->add_set_registers();
    rv->set_index(i);
    rv->set_value(v);
  }
  if (o.gas) m->set_gas(*o.gas);
  for (const Chunk& c : o.memory_writes) {
    pb::MemoryChunk* mc = m->add_memory_writes();
    mc->set_address(c.address);
    mc->set_data(str(c.data));
  }
  if (o.end_with) m->set_end_with(static_cast<pb::ExitStatus>(*o.end_with));
  return step(req);
}

Exit Instance::drive(Stop out, const Handler& handler, const PageFaultHandler& on_page_fault) {
  for (;;) {
    if (HostCall* call = std::get_if<HostCall>(&out)) {
      if (!handler)
        throw std::logic_error("pvmd: host call " + std::to_string(call->id) + " at pc " + std::to_string(call->pc) +
                               " and no handler to answer it");
      handler(*call);
      out = resume(*call);
      continue;
    }
    Exit& e = std::get<Exit>(out);
    if (e.status == Status::PageFault && on_page_fault && on_page_fault(*this, e)) {
      out = resume();
      continue;
    }
    return e;
  }
}

Exit Instance::run(const Handler& handler, const RunOptions& opts) {
  return drive(start(opts.pc, opts.gas), handler, opts.on_page_fault);
}

Exit Instance::resume_run(const Handler& handler, const PageFaultHandler& on_page_fault) {
  return drive(resume(), handler, on_page_fault);
}

Bytes Instance::read_memory(uint32_t address, uint32_t length) {
  pb::SessionRequest req;
  pb::ReadMemory* m = req.mutable_read_memory();
  m->set_instance_id(id_);
  m->set_address(address);
  m->set_length(length);
  return bytes(s_->call(req).memory_data().data());
}

void Instance::write_memory(uint32_t address, const Bytes& data, bool force) {
  pb::SessionRequest req;
  pb::WriteMemory* m = req.mutable_write_memory();
  m->set_instance_id(id_);
  m->set_address(address);
  m->set_data(str(data));
  m->set_force(force);
  s_->call(req);
}

void Instance::map_pages(uint32_t address, uint64_t length, Access access) {
  pb::SessionRequest req;
  pb::MapPages* m = req.mutable_map_pages();
  m->set_instance_id(id_);
  pb::PageRange* p = m->mutable_pages();
  p->set_address(address);
  p->set_length(length);
  p->set_access(static_cast<pb::PageAccess>(access));
  s_->call(req);
}

void Instance::set_registers(const std::map<uint32_t, uint64_t>& registers, std::optional<int64_t> gas) {
  pb::SessionRequest req;
  pb::SetRegisters* m = req.mutable_set_registers();
  m->set_instance_id(id_);
  for (const auto& [i, v] : registers) {
    pb::RegisterValue* rv = m->add_registers();
    rv->set_index(i);
    rv->set_value(v);
  }
  if (gas) m->set_gas(*gas);
  s_->call(req);
}

InstanceState Instance::state() {
  pb::SessionRequest req;
  req.mutable_get_state()->set_instance_id(id_);
  const pb::InstanceState& m = s_->call(req).instance_state();
  InstanceState s;
  s.run_state = static_cast<RunState>(m.run_state());
  s.pc = m.pc();
  s.gas = m.gas();
  s.registers = regs(m.registers());
  s.mapped_bytes = m.mapped_bytes();
  s.instructions = m.instructions();
  s.call_id = m.call_id();
  s.fault_address = m.fault_address();
  return s;
}

void Instance::destroy() {
  pb::SessionRequest req;
  req.mutable_destroy()->set_instance_id(id_);
  s_->call(req);
}

// Session.

Instance Session::instantiate(const InstanceSpec& spec) {
  pb::SessionRequest req;
  fill_instantiate(req.mutable_instantiate(), spec);
  const pb::Instantiated& m = s_->call(req).instantiated();
  auto meta = std::make_shared<detail::InstanceMeta>();
  meta->code_hash = bytes(m.code_hash());
  meta->from_cache = m.from_cache();
  meta->engine = m.engine();
  meta->profile = m.profile();
  return Instance(s_, m.instance_id(), std::move(meta));
}

Instance Session::instantiate(const Bytes& code_blob, int64_t gas, std::vector<uint64_t> registers) {
  InstanceSpec spec;
  spec.program = code_blob;
  spec.gas = gas;
  spec.registers = std::move(registers);
  return instantiate(spec);
}

void Session::close() { s_->close(); }

void Session::cancel() {
  s_->closed = true;
  s_->abort_stream();
}

bool Session::is_open() const { return !s_->closed && !s_->broken; }

// Client.

struct Client::Impl {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<pb::PvmdService::Stub> stub;
};

static std::string target(const std::string& address) {
  const std::string tcp = "tcp://";
  return address.compare(0, tcp.size(), tcp) == 0 ? address.substr(tcp.size()) : address;
}

Client::Client(const std::string& address, std::shared_ptr<grpc::ChannelCredentials> credentials,
               const grpc::ChannelArguments& extra_args)
    : impl_(std::make_unique<Impl>()) {
  grpc::ChannelArguments args = extra_args;
  args.SetMaxReceiveMessageSize(-1);
  args.SetMaxSendMessageSize(-1);
  // No BDP probing: its pings would ride along with host calls.
  args.SetInt("grpc.http2.bdp_probe", 0);
  impl_->channel = grpc::CreateCustomChannel(target(address), credentials, args);
  impl_->stub = pb::PvmdService::NewStub(impl_->channel);
}

Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

static void set_deadline(grpc::ClientContext& ctx, std::chrono::milliseconds timeout) {
  if (timeout.count() > 0) ctx.set_deadline(std::chrono::system_clock::now() + timeout);
}

void Client::wait_ready(std::chrono::milliseconds timeout) {
  if (!impl_->channel->WaitForConnected(std::chrono::system_clock::now() + timeout))
    throw Error(grpc::StatusCode::UNAVAILABLE, "pvmd not reachable within " + std::to_string(timeout.count()) + " ms");
}

Session Client::session(std::chrono::milliseconds timeout) {
  auto s = std::make_shared<detail::SessionImpl>();
  s->channel = impl_->channel;
  set_deadline(s->ctx, timeout);
  s->stream = impl_->stub->Session(&s->ctx);
  return Session(std::move(s));
}

Info Client::info(std::chrono::milliseconds timeout) {
  grpc::ClientContext ctx;
  set_deadline(ctx, timeout);
  pb::InfoResponse r;
  grpc::Status st = impl_->stub->Info(&ctx, pb::InfoRequest(), &r);
  if (!st.ok()) throw from_status(st);
  Info info;
  info.version = r.version();
  info.numberings.assign(r.numberings().begin(), r.numberings().end());
  info.gas_models.assign(r.gas_models().begin(), r.gas_models().end());
  info.default_profile = r.default_profile();
  info.engines.assign(r.engines().begin(), r.engines().end());
  const pb::Limits& l = r.limits();
  Limits& o = info.limits;
  o.max_message_bytes = l.max_message_bytes();
  o.max_sessions = l.max_sessions();
  o.max_instances_per_session = l.max_instances_per_session();
  o.max_instances = l.max_instances();
  o.max_guest_memory_per_instance = l.max_guest_memory_per_instance();
  o.max_guest_memory_total = l.max_guest_memory_total();
  o.max_gas_per_run = l.max_gas_per_run();
  o.idle_session_timeout_seconds = l.idle_session_timeout().seconds() + l.idle_session_timeout().nanos() / 1e9;
  o.code_cache_bytes = l.code_cache_bytes();
  o.max_ranges_per_instance = l.max_ranges_per_instance();
  return info;
}

Upload Client::upload(const Bytes& program, Format format, const std::string& profile, Engine engine,
                      std::chrono::milliseconds timeout) {
  grpc::ClientContext ctx;
  set_deadline(ctx, timeout);
  InstanceSpec spec;
  spec.program = program;
  spec.format = format;
  spec.profile = profile;
  spec.engine = engine;
  pb::UploadRequest req;
  fill_spec(req.mutable_program(), spec);
  pb::UploadResponse r;
  grpc::Status st = impl_->stub->Upload(&ctx, req, &r);
  if (!st.ok()) throw from_status(st);
  return Upload{bytes(r.code_hash()), r.already_cached(), r.engine(), r.profile(), r.size_bytes()};
}

Invocation Client::invoke(const InstanceSpec& spec, const std::vector<std::pair<uint32_t, uint32_t>>& read_memory,
                          std::chrono::milliseconds timeout) {
  grpc::ClientContext ctx;
  set_deadline(ctx, timeout);
  pb::InvokeRequest req;
  fill_instantiate(req.mutable_instance(), spec);
  for (const auto& [a, n] : read_memory) {
    pb::MemoryRange* m = req.add_read_memory();
    m->set_address(a);
    m->set_length(n);
  }
  pb::InvokeResponse r;
  grpc::Status st = impl_->stub->Invoke(&ctx, req, &r);
  if (!st.ok()) throw from_status(st);
  Invocation inv;
  inv.code_hash = bytes(r.code_hash());
  inv.from_cache = r.from_cache();
  if (r.has_host_call()) {
    const pb::HostCall& m = r.host_call();
    inv.outcome = InvokeHostCall{m.call_id(), m.pc(), m.gas(), regs(m.registers())};
  } else {
    inv.outcome = to_exit(r.exited());
  }
  inv.output = bytes(r.output());
  for (const pb::MemoryChunk& c : r.memory()) inv.memory.push_back(bytes(c.data()));
  return inv;
}

}  // namespace pvmd
