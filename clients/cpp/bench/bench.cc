// Host calls per second on one session: a guest doing `ecalli` in a loop,
// the handler resuming at once.
//
//   pvmd_bench                                         # starts its own daemon
//   pvmd_bench --address unix:///run/pvmd/pvmd.sock --calls 200000 --engine interpreter
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "daemon.h"
#include "programs.h"
#include "pvmd/client.h"

int main(int argc, char** argv) {
  std::string address, engine_name = "auto";
  long calls = 200000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--address")) address = argv[i + 1];
    else if (!std::strcmp(argv[i], "--calls")) calls = std::stol(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--engine")) engine_name = argv[i + 1];
    else {
      std::fprintf(stderr, "usage: %s [--address ADDR] [--calls N] [--engine auto|interpreter|recompiler]\n", argv[0]);
      return 2;
    }
  }
  pvmd::Engine engine = engine_name == "interpreter" ? pvmd::Engine::Interpreter
                        : engine_name == "recompiler" ? pvmd::Engine::Recompiler
                                                      : pvmd::Engine::Auto;
  std::unique_ptr<Daemon> daemon;
  if (address.empty()) {
    daemon = std::make_unique<Daemon>();
    address = daemon->unix_address;
  }
  double rate;
  {
    pvmd::Client client(address);
    pvmd::Session s = client.session();
    pvmd::InstanceSpec spec;
    spec.program = programs::kTightLoop;
    spec.engine = engine;
    spec.gas = 10000000000;
    spec.registers = programs::regs(1);
    pvmd::Instance inst = s.instantiate(spec);
    long left = 0;
    auto on_call = [&](pvmd::HostCall& call) {
      if (--left == 0) call.registers[7] = 0;  // stop the loop
    };
    left = std::min(1000L, calls);
    inst.run(on_call);  // warm up
    left = calls;
    inst.set_registers({{7, 1}}, 10000000000);
    auto t = std::chrono::steady_clock::now();
    pvmd::Exit ex = inst.run(on_call);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
    if (ex.status != pvmd::Status::Halt) {
      std::fprintf(stderr, "the loop ended with %s\n", pvmd::to_string(ex.status));
      return 1;
    }
    s.close();
    rate = calls / seconds;
  }
  if (daemon) daemon->stop();
  std::printf("c++: %.0f host calls/s (%.1f µs per call) on one session, %ld calls, engine %s\n", rate, 1e6 / rate, calls,
              engine_name.c_str());
  return 0;
}
