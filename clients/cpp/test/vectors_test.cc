// The conformance vectors in $PVMD_SHARED/vectors, run through the client.
//
// Every case of each set runs on every engine the daemon reports, one session
// per set and engine. Flat vectors: instantiate with the page map and memory,
// run, compare status, pc, gas, registers, page-fault address and the
// non-zero bytes of the mapped memory. Step vectors (gas-cost-model):
// set-reg, map, write, run (or resume after a page fault) and assert, in order.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "daemon.h"
#include "json.h"
#include "pvmd/client.h"
#include "testing.h"

Daemon& daemon_under_test();

namespace fs = std::filesystem;
using pvmd::Access;
using pvmd::Exit;
using pvmd::HostCall;
using pvmd::Status;

namespace {

// The sets and the profile each was made for.
const std::vector<std::pair<std::string, std::string>> kSets = {
    {"w3f-pvm-v0.4/programs", "gp-0.7/block-instructions"},
    {"polkavm-gp07", "gp-0.7"},
    {"polkavm-gp080", "gp-0.8"},
    {"gas-cost-model/programs", "latest64"},
};

// gas-cost-model cases that expect a panic on a write to a read-only page,
// where GP 0.8 (and pvmd) says page fault (see vectors/README.md).
const std::set<std::string> kReadOnlyWritePanics = {"inst_store_imm_u8_trap_read_only", "inst_store_u8_trap_read_only"};

struct Want {
  std::string status;
  uint32_t pc;
  int64_t gas;
  std::vector<uint64_t> regs;
  const json::Value* memory;
  std::optional<uint32_t> fault;
};

std::string hexs(uint64_t v) {
  char b[32];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}

Access access(bool writable) { return writable ? Access::ReadWrite : Access::ReadOnly; }

std::vector<std::string> compare(pvmd::Instance& inst, const pvmd::Stop& out, const Want& want, const std::vector<pvmd::Pages>& mapped) {
  std::vector<std::string> diffs;
  std::string status;
  uint32_t pc;
  std::optional<uint32_t> fault;
  if (const HostCall* c = std::get_if<HostCall>(&out)) {
    status = "host";
    pc = c->pc;
  } else {
    const Exit& e = std::get<Exit>(out);
    status = pvmd::to_string(e.status);
    pc = e.pc;
    if (e.status == Status::PageFault) fault = e.fault_address;
  }
  if (status != want.status) diffs.push_back("status: got " + status + ", want " + want.status);
  if (pc != want.pc) diffs.push_back("pc: got " + std::to_string(pc) + ", want " + std::to_string(want.pc));
  pvmd::InstanceState st = inst.state();
  if (st.gas != want.gas) diffs.push_back("gas: got " + std::to_string(st.gas) + ", want " + std::to_string(want.gas));
  for (size_t i = 0; i < want.regs.size() && i < st.registers.size(); i++)
    if (st.registers[i] != want.regs[i]) diffs.push_back("r" + std::to_string(i) + ": got " + hexs(st.registers[i]) + ", want " + hexs(want.regs[i]));
  if (fault != want.fault)
    diffs.push_back("page fault address: got " + (fault ? hexs(*fault) : "none") + ", want " + (want.fault ? hexs(*want.fault) : "none"));
  std::map<uint32_t, uint8_t> got, wanted;
  for (const pvmd::Pages& p : mapped) {
    pvmd::Bytes data;
    try {
      data = inst.read_memory(p.address, static_cast<uint32_t>(p.length));
    } catch (const pvmd::Error& e) {
      if (e.code() == grpc::StatusCode::FAILED_PRECONDITION) continue;  // unmapped since
      throw;
    }
    for (size_t i = 0; i < data.size(); i++)
      if (data[i]) got[p.address + i] = data[i];
  }
  for (const json::Value& c : want.memory->items) {
    pvmd::Bytes b = c["contents"].bytes();
    for (size_t i = 0; i < b.size(); i++)
      if (b[i]) wanted[c["address"].u32() + i] = b[i];
  }
  if (got != wanted) {
    std::set<uint32_t> bad;
    for (auto& [a, v] : got)
      if (!wanted.count(a) || wanted[a] != v) bad.insert(a);
    for (auto& [a, v] : wanted)
      if (!got.count(a) || got[a] != v) bad.insert(a);
    uint32_t a = *bad.begin();
    diffs.push_back("memory: " + std::to_string(bad.size()) + " bytes differ, first at " + hexs(a) + ": got " +
                    std::to_string(got.count(a) ? got[a] : 0) + ", want " + std::to_string(wanted.count(a) ? wanted[a] : 0));
  }
  return diffs;
}

std::vector<uint64_t> u64s(const json::Value& v) {
  std::vector<uint64_t> out;
  for (const json::Value& x : v.items) out.push_back(x.u64());
  return out;
}

std::vector<std::string> run_flat(pvmd::Session& s, const json::Value& v, const std::string& profile, pvmd::Engine engine) {
  pvmd::InstanceSpec spec;
  spec.program = v["program"].bytes();
  spec.profile = profile;
  spec.engine = engine;
  spec.gas = v["initial-gas"].i64();
  spec.registers = u64s(v["initial-regs"]);
  spec.entry_pc = v["initial-pc"].u32();
  for (const json::Value& p : v["initial-page-map"].items)
    spec.page_map.push_back({p["address"].u32(), p["length"].u64(), access(p["is-writable"].boolean())});
  for (const json::Value& c : v["initial-memory"].items) spec.initial_memory.push_back({c["address"].u32(), c["contents"].bytes()});
  pvmd::Instance inst = s.instantiate(spec);
  pvmd::Stop out = inst.start();
  Want want{v["expected-status"].str(), v["expected-pc"].u32(), v["expected-gas"].i64(), u64s(v["expected-regs"]), &v["expected-memory"],
            std::nullopt};
  if (v.has("expected-page-fault-address")) want.fault = v["expected-page-fault-address"].u32();
  std::vector<std::string> diffs = compare(inst, out, want, spec.page_map);
  inst.destroy();
  return diffs;
}

std::vector<std::string> run_stepped(pvmd::Session& s, const json::Value& v, const std::string& profile, pvmd::Engine engine) {
  pvmd::InstanceSpec spec;
  spec.program = v["program"].bytes();
  spec.profile = profile;
  spec.engine = engine;
  spec.gas = v["initial-gas"].i64();
  spec.entry_pc = v["initial-pc"].u32();
  pvmd::Instance inst = s.instantiate(spec);
  std::vector<pvmd::Pages> mapped;
  std::optional<pvmd::Stop> last;
  std::vector<std::string> diffs;
  const std::string name = v["name"].str();
  for (size_t k = 0; k < v["steps"].size(); k++) {
    const json::Value& step = v["steps"][k];
    const std::string kind = step["kind"].str();
    if (kind == "set-reg") {
      inst.set_registers({{step["reg"].u32(), step["value"].u64()}});
    } else if (kind == "map") {
      pvmd::Pages p{step["address"].u32(), step["length"].u64(), access(step["is_writable"].boolean())};
      inst.map_pages(p.address, p.length, p.access);
      mapped.push_back(p);
    } else if (kind == "write") {
      inst.write_memory(step["address"].u32(), step["contents"].bytes(), true);
    } else if (kind == "run") {
      if (!last) {
        last = inst.start();
      } else if (std::holds_alternative<HostCall>(*last) || std::get<Exit>(*last).status == Status::PageFault) {
        last = inst.resume();
      }  // else: halted, panicked or out of gas; the machine repeats its exit.
    } else if (kind == "assert") {
      Want want{step["status"].str(), step["pc"].u32(), step["gas"].i64(), u64s(step["regs"]), &step["memory"], std::nullopt};
      if (step.has("page_fault_address")) want.fault = step["page_fault_address"].u32();
      if (kReadOnlyWritePanics.count(name) && want.status == "panic") {
        want.status = "page-fault";
        if (last && std::holds_alternative<Exit>(*last)) want.fault = std::get<Exit>(*last).fault_address;
      }
      if (!last) {
        diffs.push_back("step " + std::to_string(k) + ": assert before any run");
        continue;
      }
      for (const std::string& d : compare(inst, *last, want, mapped)) diffs.push_back("step " + std::to_string(k) + ": " + d);
    } else {
      diffs.push_back("step " + std::to_string(k) + ": unknown kind " + kind);
    }
  }
  inst.destroy();
  return diffs;
}

}  // namespace

TEST(vectors) {
  fs::path root = fs::path(shared_dir()) / "vectors";
  if (!fs::is_directory(root)) SKIP("no vectors at " + root.string() + ": set PVMD_SHARED to the shared folder");
  pvmd::Client client(daemon_under_test().unix_address);
  const std::map<std::string, pvmd::Engine> engines = {{"interpreter", pvmd::Engine::Interpreter}, {"recompiler", pvmd::Engine::Recompiler}};
  for (const std::string& engine_name : client.info().engines) {
    auto it = engines.find(engine_name);
    if (it == engines.end()) throw testing::Failure(__FILE__, __LINE__, "Info lists an engine the client cannot name: " + engine_name);
    for (const auto& [set, profile] : kSets) {
      std::vector<fs::path> files;
      for (const auto& e : fs::directory_iterator(root / set))
        if (e.path().extension() == ".json") files.push_back(e.path());
      std::sort(files.begin(), files.end());
      if (files.empty()) throw testing::Failure(__FILE__, __LINE__, (root / set).string() + ": no vector files");
      pvmd::Session s = client.session();
      int ran = 0;
      for (const fs::path& f : files) {
        json::Value v = json::parse_file(f.string());
        std::vector<std::string> diffs;
        if (v.has("steps"))
          diffs = run_stepped(s, v, profile, it->second);
        else if (v.has("expected-status"))
          diffs = run_flat(s, v, profile, it->second);
        else
          continue;  // block-cost tables only
        ran++;
        if (!diffs.empty()) {
          std::string msg = f.filename().string() + " (" + profile + ", " + engine_name + "):";
          for (const std::string& d : diffs) msg += " " + d + ";";
          throw testing::Failure(__FILE__, __LINE__, msg);
        }
      }
      s.close();
      CHECK(ran > 0);
      std::printf("      %s %s: %d cases\n", engine_name.c_str(), set.c_str(), ran);
    }
  }
}
