// Guest programs the tests run: GP 0.8 code blobs (profile "gp-0.8").
//
// Made with the repository's Go assembler: a throwaway `go run` program that
// printed hex.EncodeToString of the builders in server/servertest/programs.go
// (servertest.HostCallLoop(isa.GP08), ...; kEchoArgsStandard is
// servertest.Standard([]byte("ro"), []byte("rw"), 1, 4096, EchoArgs(isa.GP08))).
// Every program that halts does so with `jump_ind φ0, 0`: start it with
// φ0 = kHaltAddress (standard programs get that from their initial registers).
#pragma once

#include <cstdint>
#include <string>

#include "pvmd/client.h"

namespace programs {

inline pvmd::Bytes hex(const std::string& s) {
  pvmd::Bytes out;
  for (size_t i = 0; i + 1 < s.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoi(s.substr(i, 2), nullptr, 16)));
  return out;
}

/// Page kHostCallLoop keeps its u64 counter in.
constexpr uint32_t kDataPage = 0x20000;
/// Page kFaultThenHalt reads before it is mapped.
constexpr uint32_t kFaultPage = 0x30000;
/// The ecalli immediate of kHostCallLoop and kTightLoop.
constexpr uint64_t kLoopCallId = 1;
/// The ecalli immediate of kCallInner (the GP `invoke` host call).
constexpr uint64_t kInvokeCallId = 12;

/// loop: φ8 = u64[kDataPage]; φ8 += 1; u64[kDataPage] = φ8; ecalli 1; branch to loop while φ7 != 0; halt.
inline const pvmd::Bytes kHostCallLoop = hex("0004173a080000029588013e080000020a015207f1ffffff320021a120");
/// loop: ecalli 1; branch to loop while φ7 != 0; halt. Needs no memory.
inline const pvmd::Bytes kTightLoop = hex("00040a0a015207feffffff32000501");
/// φ7 = u64[kFaultPage] + 1; halt.
inline const pvmd::Bytes kFaultThenHalt = hex("00040a3a0700000395770132002101");
/// φ7 = φ7 + φ8; halt.
inline const pvmd::Bytes kAdder = hex("000405c88707320009");
/// ecalli 12; φ7 += 1; halt.
inline const pvmd::Bytes kCallInner = hex("0004070a0c957701320025");
/// trap.
inline const pvmd::Bytes kTrap = hex("0004010001");
/// Jumps to itself forever.
inline const pvmd::Bytes kSpin = hex("000405280000000001");
/// A JAM standard program (RO "ro", RW "rw", 1 heap page, 4096 bytes of
/// stack) that halts at once: its output [φ7, φ7+φ8) is its arguments.
inline const pvmd::Bytes kEchoArgsStandard = hex("0200000200000100001000726f727706000000000402320001");

/// 13 registers: φ0 = kHaltAddress, φ7 and φ8 as given.
inline std::vector<uint64_t> regs(uint64_t r7 = 0, uint64_t r8 = 0) {
  std::vector<uint64_t> r(pvmd::kNumRegisters, 0);
  r[0] = pvmd::kHaltAddress;
  r[7] = r7;
  r[8] = r8;
  return r;
}

}  // namespace programs
