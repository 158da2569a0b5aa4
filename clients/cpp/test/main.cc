// Runs every TEST against one real pvmd daemon. Exit status: 0 all passed,
// 1 a test failed, 77 (ctest: skipped) when pvmd cannot be run here.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>

#include "daemon.h"
#include "testing.h"

static std::unique_ptr<Daemon> the_daemon;

Daemon& daemon_under_test() { return *the_daemon; }

int main(int argc, char** argv) {
  std::string why = cannot_run();
  if (!why.empty()) {
    std::printf("SKIP: %s\n", why.c_str());
    return 77;
  }
  try {
    the_daemon = std::make_unique<Daemon>();
  } catch (const std::exception& e) {
    std::printf("FAIL: starting pvmd: %s\n", e.what());
    return 1;
  }
  int failed = 0, passed = 0, skipped = 0;
  for (const testing::TestCase& t : testing::registry()) {
    if (argc > 1 && t.name.find(argv[1]) == std::string::npos) continue;
    auto start = std::chrono::steady_clock::now();
    try {
      t.fn();
      double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::printf("ok    %s (%.2fs)\n", t.name.c_str(), s);
      passed++;
    } catch (const testing::Skipped& e) {
      std::printf("skip  %s: %s\n", t.name.c_str(), e.what());
      skipped++;
    } catch (const std::exception& e) {
      std::printf("FAIL  %s: %s\n", t.name.c_str(), e.what());
      failed++;
    }
    std::fflush(stdout);
  }
  int code = the_daemon->stop();
  if (code != 0) {
    std::printf("FAIL: pvmd exited with status %d\n%s\n", code, the_daemon->logs().c_str());
    failed++;
  } else if (failed) {
    std::printf("pvmd log:\n%s\n", the_daemon->logs().c_str());
  }
  the_daemon.reset();
  std::printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
  return failed ? 1 : 0;
}
