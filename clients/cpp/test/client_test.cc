// The C++ client against the real pvmd daemon.
#include <algorithm>
#include <cstring>
#include <set>

#include "daemon.h"
#include "programs.h"
#include "pvmd/client.h"
#include "testing.h"

Daemon& daemon_under_test();

using namespace programs;
using grpc::StatusCode;
using pvmd::Access;
using pvmd::Exit;
using pvmd::HostCall;
using pvmd::RunState;
using pvmd::Status;

static uint64_t u64le(const pvmd::Bytes& b) {
  uint64_t v = 0;
  std::memcpy(&v, b.data(), 8);
  return v;
}

static pvmd::Bytes le64(uint64_t v) {
  pvmd::Bytes b(8);
  std::memcpy(b.data(), &v, 8);
  return b;
}

static pvmd::Client client() { return pvmd::Client(daemon_under_test().unix_address); }

TEST(info) {
  pvmd::Info info = client().info();
  CHECK(!info.version.empty());
  CHECK(std::count(info.numberings.begin(), info.numberings.end(), info.default_profile) == 1);
  CHECK(std::count(info.engines.begin(), info.engines.end(), "interpreter") == 1);
  CHECK(info.limits.max_message_bytes > 0);
  CHECK(info.limits.max_gas_per_run > 0);
}

TEST(tcp) {
  const std::string& addr = daemon_under_test().tcp_address;
  CHECK(!addr.empty());
  pvmd::Client c(addr);
  pvmd::Session s = c.session();
  Exit ex = s.instantiate(kAdder, 100, regs(2, 3)).run();
  CHECK_EQ(ex.status, Status::Halt);
  CHECK_EQ(ex.registers[7], 5u);
  s.close();
}

// The guest bumps a counter in memory and calls ecalli; the handler checks it
// through a memory read, adds 1000 with a queued write, sets φ7 (0 stops the
// loop) and charges gas.
TEST(host_call_loop) {
  pvmd::Client c = client();
  pvmd::Session s = c.session();
  pvmd::InstanceSpec spec;
  spec.program = kHostCallLoop;
  spec.gas = 1000000;
  spec.registers = regs();
  spec.page_map = {{kDataPage, 4096, Access::ReadWrite}};
  pvmd::Instance inst = s.instantiate(spec);
  CHECK_EQ(inst.profile(), std::string("gp-0.8"));
  CHECK_EQ(inst.code_hash().size(), 32u);
  const int rounds = 50;
  std::vector<std::pair<uint32_t, int64_t>> seen;
  Exit ex = inst.run([&](HostCall& call) {
    uint64_t i = seen.size() + 1;
    CHECK_EQ(call.id, kLoopCallId);
    CHECK_EQ(call.instance().id(), inst.id());
    uint64_t counter = u64le(call.read_memory(kDataPage, 8));
    CHECK_EQ(counter, i + 1000 * (i - 1));
    if (i > 1) CHECK_EQ(call.registers[7], (i - 1) * 7);
    seen.emplace_back(call.pc, call.gas);
    call.write_memory(kDataPage, le64(counter + 1000));
    call.registers[7] = i == rounds ? 0 : i * 7;
    call.gas -= 10;
  });
  CHECK_EQ(ex.status, Status::Halt);
  CHECK(ex.halted());
  CHECK_EQ(seen.size(), size_t(rounds));
  std::set<uint32_t> pcs;
  for (auto& p : seen) pcs.insert(p.first);
  CHECK_EQ(pcs.size(), 1u);
  for (size_t k = 1; k < seen.size(); k++) CHECK(seen[k].second < seen[k - 1].second - 10);
  CHECK_EQ(u64le(inst.read_memory(kDataPage, 8)), uint64_t(rounds + 1000 * rounds));
  pvmd::InstanceState st = inst.state();
  CHECK_EQ(st.run_state, RunState::Finished);
  CHECK_EQ(st.gas, ex.gas);
  CHECK_EQ(st.mapped_bytes, 4096u);
  CHECK(st.instructions > 5 * rounds);
  s.close();
}

TEST(step_by_step) {
  pvmd::Client c = client();
  pvmd::Session s = c.session();
  pvmd::Instance inst = s.instantiate(kTightLoop, 1000, regs(1));
  pvmd::Stop out = inst.start();
  HostCall* call = std::get_if<HostCall>(&out);
  CHECK(call != nullptr);
  pvmd::InstanceState st = inst.state();
  CHECK_EQ(st.run_state, RunState::AtHostCall);
  CHECK_EQ(st.call_id, kLoopCallId);
  CHECK_EQ(st.pc, call->pc);
  pvmd::Instance::ResumeOptions changes;
  changes.registers = {{7, 5}};
  changes.gas = call->gas - 1;
  out = inst.resume(changes);
  call = std::get_if<HostCall>(&out);
  CHECK(call != nullptr);
  CHECK_EQ(call->registers[7], 5u);
  call->panic();
  uint32_t pc = call->pc;
  out = inst.resume(*call);
  CHECK(std::holds_alternative<Exit>(out));
  CHECK_EQ(std::get<Exit>(out).status, Status::Panic);
  CHECK_EQ(std::get<Exit>(out).pc, pc);
  // A finished instance runs again from the start with fresh gas.
  pvmd::Instance::RunOptions opts;
  opts.gas = 1000;
  CHECK_EQ(inst.run([](HostCall& c) { c.halt(); }, opts).status, Status::Halt);
  // Without a handler a host call is an error, and the run stays paused.
  bool threw = false;
  try {
    inst.run();
  } catch (const std::logic_error&) {
    threw = true;
  }
  CHECK(threw);
  CHECK_EQ(inst.state().run_state, RunState::AtHostCall);
  CHECK_EQ(inst.resume_run([](HostCall& c) { c.registers[7] = 0; }).status, Status::Halt);
}

TEST(page_fault) {
  pvmd::Client c = client();
  pvmd::Session s = c.session();
  // By hand: the run returns the fault; map the page and resume.
  pvmd::Instance inst = s.instantiate(kFaultThenHalt, 100, regs());
  Exit ex = inst.run();
  CHECK_EQ(ex.status, Status::PageFault);
  CHECK(ex.page_fault());
  CHECK_EQ(ex.fault_address, kFaultPage);
  pvmd::InstanceState st = inst.state();
  CHECK_EQ(st.run_state, RunState::AtPageFault);
  CHECK_EQ(st.fault_address, kFaultPage);
  inst.map_pages(kFaultPage, pvmd::kPageSize, Access::ReadOnly);
  inst.write_memory(kFaultPage, {41}, /*force=*/true);  // read-only: needs force
  ex = inst.resume_run();
  CHECK_EQ(ex.status, Status::Halt);
  CHECK_EQ(ex.registers[7], 42u);

  // With a page-fault handler.
  std::vector<uint32_t> faults;
  pvmd::Instance::RunOptions opts;
  opts.on_page_fault = [&](pvmd::Instance& in, const Exit& f) {
    faults.push_back(f.fault_address);
    in.map_pages(f.fault_address, pvmd::kPageSize, Access::ReadWrite);
    in.write_memory(f.fault_address, {99});
    return true;
  };
  ex = s.instantiate(kFaultThenHalt, 100, regs()).run(nullptr, opts);
  CHECK_EQ(faults.size(), 1u);
  CHECK_EQ(faults[0], kFaultPage);
  CHECK_EQ(ex.status, Status::Halt);
  CHECK_EQ(ex.registers[7], 100u);
}

// The outer guest calls `invoke`; the handler runs an inner instance on the
// same session and returns its result in φ7.
TEST(nested_instance) {
  pvmd::Client c = client();
  pvmd::Session s = c.session();
  pvmd::Instance outer = s.instantiate(kCallInner, 100, regs());
  Exit ex = outer.run([&](HostCall& call) {
    CHECK_EQ(call.id, kInvokeCallId);
    pvmd::Instance inner = call.session().instantiate(kAdder, 100, regs(uint64_t(1) << 40, 5));
    CHECK(inner.id() != outer.id());
    Exit iex = inner.run();
    CHECK_EQ(iex.status, Status::Halt);
    CHECK_EQ(outer.state().run_state, RunState::AtHostCall);
    inner.destroy();
    call.registers[7] = iex.registers[7];
  });
  CHECK_EQ(ex.status, Status::Halt);
  CHECK_EQ(ex.registers[7], (uint64_t(1) << 40) + 6);
}

TEST(standard_program_upload_and_invoke) {
  pvmd::Client c = client();
  const std::string text = "hello, pvmd";
  pvmd::Bytes args(text.begin(), text.end());
  pvmd::Upload up = c.upload(kEchoArgsStandard, pvmd::Format::Standard);
  CHECK_EQ(up.code_hash.size(), 32u);
  CHECK_EQ(up.profile, std::string("gp-0.8"));
  CHECK(c.upload(kEchoArgsStandard, pvmd::Format::Standard).already_cached);
  {
    pvmd::Session s = c.session();
    pvmd::InstanceSpec spec;
    spec.code_hash = up.code_hash;
    spec.format = pvmd::Format::Standard;
    spec.gas = 1000;
    spec.arguments = args;
    pvmd::Instance inst = s.instantiate(spec);
    CHECK(inst.from_cache());
    CHECK(inst.code_hash() == up.code_hash);
    Exit ex = inst.run();
    CHECK_EQ(ex.status, Status::Halt);
    CHECK_EQ(ex.registers[7], 0xFEFF0000u);
    CHECK(inst.read_memory(uint32_t(ex.registers[7]), uint32_t(ex.registers[8])) == args);
    spec.code_hash.clear();
    spec.program = kEchoArgsStandard;
    CHECK(s.instantiate(spec).from_cache());
  }
  pvmd::InstanceSpec spec;
  spec.code_hash = up.code_hash;
  spec.format = pvmd::Format::Standard;
  spec.gas = 1000;
  spec.arguments = args;
  pvmd::Invocation inv = c.invoke(spec, {{0xFEFF0000u, 5}, {0x10, 1}});
  CHECK(std::holds_alternative<Exit>(inv.outcome));
  CHECK_EQ(std::get<Exit>(inv.outcome).status, Status::Halt);
  CHECK(inv.output == args);
  CHECK_EQ(inv.memory.size(), 2u);
  CHECK(inv.memory[0] == pvmd::Bytes(args.begin(), args.begin() + 5));
  CHECK(inv.memory[1].empty());
  pvmd::InstanceSpec loop;
  loop.program = kTightLoop;
  loop.gas = 100;
  loop.registers = regs();
  inv = c.invoke(loop);
  CHECK(std::holds_alternative<pvmd::InvokeHostCall>(inv.outcome));
  CHECK_EQ(std::get<pvmd::InvokeHostCall>(inv.outcome).id, kLoopCallId);
}

TEST(registers_gas_and_exits) {
  pvmd::Client c = client();
  pvmd::Session s = c.session();
  pvmd::Instance inst = s.instantiate(kAdder, 100);
  inst.set_registers({{0, pvmd::kHaltAddress}, {7, 40}}, 77);
  inst.set_registers({{8, 2}});
  pvmd::InstanceState st = inst.state();
  CHECK_EQ(st.run_state, RunState::Ready);
  CHECK_EQ(st.gas, 77);
  CHECK_EQ(st.registers[7], 40u);
  CHECK_EQ(st.registers[8], 2u);
  CHECK_EQ(inst.run().registers[7], 42u);
  inst.destroy();
  CHECK_EQ(s.instantiate(kTrap, 100).run().status, Status::Panic);
  Exit ex = s.instantiate(kSpin, 100).run();
  CHECK_EQ(ex.status, Status::OutOfGas);
  CHECK(ex.gas < 100);
}

TEST(bad_input) {
  pvmd::Client c = client();
  pvmd::Session s = c.session();
  CHECK_PVMD_ERROR(s.instantiate(pvmd::Bytes{0xff, 0xff, 0xff}, 10), StatusCode::INVALID_ARGUMENT);
  CHECK_PVMD_ERROR(s.instantiate(kAdder, -1), StatusCode::INVALID_ARGUMENT);
  CHECK_PVMD_ERROR(s.instantiate(kAdder, 10, {1, 2, 3}), StatusCode::INVALID_ARGUMENT);
  {
    pvmd::InstanceSpec spec;
    spec.program = kAdder;
    spec.profile = "gp-9.9";
    CHECK_PVMD_ERROR(s.instantiate(spec), StatusCode::INVALID_ARGUMENT);
    spec.program.clear();
    spec.profile.clear();
    spec.code_hash = pvmd::Bytes(32, 0);
    CHECK_PVMD_ERROR(s.instantiate(spec), StatusCode::NOT_FOUND);
    spec.program = kAdder;  // both: refused by the client
    bool threw = false;
    try {
      s.instantiate(spec);
    } catch (const std::invalid_argument&) {
      threw = true;
    }
    CHECK(threw);
  }
  pvmd::Instance inst = s.instantiate(kAdder, 10, regs());
  CHECK_PVMD_ERROR(inst.read_memory(0x20000, 4), StatusCode::FAILED_PRECONDITION);
  CHECK_PVMD_ERROR(inst.write_memory(0x20000, {1}), StatusCode::FAILED_PRECONDITION);
  CHECK_PVMD_ERROR(inst.map_pages(0x1000, 4096), StatusCode::INVALID_ARGUMENT);
  CHECK_PVMD_ERROR(inst.resume(), StatusCode::FAILED_PRECONDITION);
  try {
    inst.set_registers({{13, 1}});
    CHECK(!"set_registers(13) did not throw");
  } catch (const pvmd::Error& e) {
    CHECK_EQ(e.code(), StatusCode::INVALID_ARGUMENT);
    CHECK(e.field().find("index") != std::string::npos);
  }
  inst.destroy();
  CHECK_PVMD_ERROR(inst.state(), StatusCode::NOT_FOUND);
  CHECK_PVMD_ERROR(inst.run(), StatusCode::NOT_FOUND);
  // A handler that throws: the exception comes out of run(), the instance
  // stays paused, the session stays usable.
  pvmd::Instance loop = s.instantiate(kTightLoop, 100, regs(1));
  bool threw = false;
  try {
    loop.run([](HostCall&) { throw std::out_of_range("no such host call"); });
  } catch (const std::out_of_range&) {
    threw = true;
  }
  CHECK(threw);
  CHECK_EQ(loop.state().run_state, RunState::AtHostCall);
  CHECK_EQ(s.instantiate(kAdder, 100, regs(1, 1)).run().registers[7], 2u);
  CHECK_PVMD_ERROR(c.upload(pvmd::Bytes{1, 2}), StatusCode::INVALID_ARGUMENT);
  pvmd::InstanceSpec neg;
  neg.program = kAdder;
  neg.gas = -5;
  CHECK_PVMD_ERROR(c.invoke(neg), StatusCode::INVALID_ARGUMENT);
}

TEST(closed_session_and_unreachable_daemon) {
  pvmd::Client c = client();
  pvmd::Session s = c.session();
  s.instantiate(kAdder, 1);
  s.close();
  CHECK(!s.is_open());
  CHECK_PVMD_ERROR(s.instantiate(kAdder, 1), StatusCode::CANCELLED);
  pvmd::Client nowhere("unix://" + daemon_under_test().dir + "/nothing-here.sock");
  try {
    nowhere.info(std::chrono::milliseconds(2000));
    CHECK(!"info on a missing socket did not throw");
  } catch (const pvmd::Error& e) {
    CHECK(e.code() == StatusCode::UNAVAILABLE || e.code() == StatusCode::DEADLINE_EXCEEDED);
  }
}

TEST(session_outlives_client) {
  pvmd::Session s = client().session();  // the Client is gone after this line
  pvmd::Instance inst = s.instantiate(kAdder, 100, regs(20, 22));
  CHECK_EQ(inst.run().registers[7], 42u);
  // Copies of a Session name the same stream.
  pvmd::Session copy = inst.session();
  copy.close();
  CHECK(!s.is_open());
}
