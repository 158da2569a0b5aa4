// Builds and runs the real pvmd daemon for the tests and the benchmark.
#pragma once

#include <string>
#include <sys/types.h>

/// The repository root (set by CMake).
std::string repo_root();
/// $PVMD_SHARED, or ../shared next to the repository.
std::string shared_dir();
/// Why pvmd cannot be run here, or "" if it can.
std::string cannot_run();

/// `pvmd serve` on a unix socket (and a loopback TCP port) in a temp dir.
/// Uses $PVMD_BIN if set, else builds ./cmd/pvmd with `go build`.
class Daemon {
 public:
  Daemon();
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  /// SIGTERM, then SIGKILL after 20 s; returns the exit status.
  int stop();
  std::string logs() const;

  std::string dir;
  std::string unix_address;  // unix:///.../pvmd.sock
  std::string tcp_address;   // tcp://127.0.0.1:PORT

 private:
  std::string bin_;
  std::string log_path_;
  pid_t pid_ = -1;
  int status_ = -1;
};
