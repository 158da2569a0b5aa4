#include "daemon.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "json.h"

namespace fs = std::filesystem;

std::string repo_root() { return PVMD_REPO_ROOT; }

std::string shared_dir() {
  const char* e = std::getenv("PVMD_SHARED");
  if (e && *e) return e;
  return (fs::path(repo_root()).parent_path() / "shared").string();
}

static std::string find_go() {
  const char* path = std::getenv("PATH");
  std::stringstream ss(path ? path : "");
  std::string dir;
  std::vector<std::string> dirs;
  while (std::getline(ss, dir, ':')) dirs.push_back(dir);
  dirs.push_back("/usr/local/go/bin");
  for (const std::string& d : dirs) {
    fs::path p = fs::path(d) / "go";
    if (!d.empty() && access(p.c_str(), X_OK) == 0) return p.string();
  }
  return "";
}

std::string cannot_run() {
  const char* bin = std::getenv("PVMD_BIN");
  if ((bin && *bin) || !find_go().empty()) return "";
  return "no pvmd: set PVMD_BIN or install Go to build it";
}

static std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

Daemon::Daemon() {
  char tmpl[] = "/tmp/pvmd-cpp-XXXXXX";
  if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  dir = tmpl;
  unix_address = "unix://" + dir + "/pvmd.sock";
  log_path_ = dir + "/pvmd.log";
  const char* bin = std::getenv("PVMD_BIN");
  if (bin && *bin) {
    bin_ = bin;
  } else {
    bin_ = dir + "/pvmd";
    std::string cmd = "cd " + quote(repo_root()) + " && " + quote(find_go()) + " build -o " + quote(bin_) + " ./cmd/pvmd";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("go build ./cmd/pvmd failed");
  }
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    int fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    std::string tcp = "tcp://127.0.0.1:0";
    execl(bin_.c_str(), bin_.c_str(), "serve", "--listen", unix_address.c_str(), "--listen", tcp.c_str(), "--metrics-addr", "",
          "--log-format", "json", "--shutdown-timeout", "5s", static_cast<char*>(nullptr));
    _exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::string health = quote(bin_) + " health --addr " + quote(unix_address) + " --timeout 1s >/dev/null 2>&1";
  for (;;) {
    int st;
    if (waitpid(pid_, &st, WNOHANG) == pid_) {
      status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      pid_ = -1;
      throw std::runtime_error("pvmd exited with " + std::to_string(status_) + ":\n" + logs());
    }
    if (std::system(health.c_str()) == 0) break;
    if (std::chrono::steady_clock::now() > deadline) {
      stop();
      throw std::runtime_error("pvmd not healthy after 30 s:\n" + logs());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::istringstream lines(logs());
  std::string line;
  while (std::getline(lines, line)) {
    try {
      json::Value rec = json::parse(line);
      if (rec.has("msg") && rec["msg"].str() == "listening" && rec.has("addr") && rec["addr"].str().rfind("tcp://", 0) == 0)
        tcp_address = rec["addr"].str();
    } catch (const std::exception&) {
    }
  }
}

Daemon::~Daemon() {
  stop();
  std::error_code ec;
  fs::remove_all(dir, ec);
}

int Daemon::stop() {
  if (pid_ < 0) return status_;
  kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  int st = 0;
  for (;;) {
    if (waitpid(pid_, &st, WNOHANG) == pid_) break;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &st, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  pid_ = -1;
  return status_;
}

std::string Daemon::logs() const {
  std::ifstream f(log_path_);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}
