#include "tellus_harness/exec/pytest_worker.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "tellus_harness/common/environment_names.hpp"
#include "tellus_harness/exec/workspace.hpp"

namespace tellus_harness {

namespace {
// One message of a worker is one test's report, bounded by the plugin (each stream of each
// phase at most capture_bytes); a line far beyond that is not the plugin's.
constexpr std::size_t kMaxMessageBytes = 64 << 20;
PytestOutcome outcome_from(const nlohmann::json& result);
}  // namespace

PytestWorker::PytestWorker(const PytestWorkerSetup& setup, int rank, int id) {
  const std::string attempt = setup.attempt > 1 ? "a" + std::to_string(setup.attempt) : "";
  workspace_ = create_workspace(setup.output_dir, "pytest+" + attempt + "r" + std::to_string(rank) + "w" + std::to_string(id));
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
    throw std::runtime_error(std::string("socketpair: ") + std::strerror(errno));
  channel_ = pair[0];
  fcntl(channel_, F_SETFL, fcntl(channel_, F_GETFL) | O_NONBLOCK);

  ChildLaunch launch;
  launch.contain_exe = setup.contain_exe;
  launch.cwd = setup.invocation.cwd;  // relative paths in tests mean what they mean under pytest
  launch.channel_fd = pair[1];
  launch.argv = pytest_argv(setup.invocation, {"-q", "--basetemp", workspace_ + "/basetemp", "-o",
                                               "cache_dir=" + workspace_ + "/.pytest_cache"});
  launch.env = pytest_environment(setup.env, setup.plugin_dir, "worker");
  TestEnvironment test = setup.test;
  test.workspace = workspace_;
  for (auto& kv : test_environment(test)) launch.env.push_back(std::move(kv));
  launch.env.push_back(env::assignment(env::kPytestChannelFd, "4"));
  launch.env.push_back(env::assignment(env::kPytestCaptureBytes, std::to_string(setup.capture_bytes)));
  if (!setup.manifest.empty()) launch.env.push_back(env::assignment(env::kPytestManifest, setup.manifest));
  try {
    child_ = std::make_unique<ChildProcess>(launch);
  } catch (...) {
    close(pair[1]);
    close(channel_);
    channel_ = -1;
    throw;
  }
  close(pair[1]);
}

PytestWorker::~PytestWorker() {
  child_.reset();  // kills what is left of it
  if (channel_ >= 0) close(channel_);
}

bool PytestWorker::run(const std::string& nodeid) {
  const std::string line = nlohmann::json{{"run", nodeid}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::size_t sent = 0;
  while (sent < line.size()) {
    const ssize_t n = send(channel_, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      // Gone, or (EAGAIN) a full buffer: a node id is far smaller than the socket's buffer,
      // which the worker empties between tests, so it stopped reading. Either way it is stopped.
      return false;
    }
  }
  return true;
}

void PytestWorker::finish_input() {
  if (channel_ >= 0) shutdown(channel_, SHUT_WR);
}

PytestWorkerNews PytestWorker::receive() {
  PytestWorkerNews news;
  char buf[65536];
  for (;;) {
    const ssize_t n = read(channel_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    inbox_.append(buf, static_cast<std::size_t>(n));
    for (std::size_t end; (end = inbox_.find('\n')) != std::string::npos;) {
      take_line(inbox_.substr(0, end), news);
      inbox_.erase(0, end + 1);
    }
    if (inbox_.size() > kMaxMessageBytes) {
      news.problems.push_back("pytest worker " + workspace_ + " sent a message of more than 64 MiB; dropped");
      inbox_.clear();
    }
  }
  return news;
}

void PytestWorker::take_line(const std::string& line, PytestWorkerNews& news) {
  const auto message = nlohmann::json::parse(line, nullptr, false);
  if (!message.is_object()) {
    news.problems.push_back("pytest worker " + workspace_ + " sent something that is not a message: " + line.substr(0, 200));
    return;
  }
  if (message.contains("ready")) {
    ready_ = true;
    news.became_ready = true;
  } else if (message.contains("result")) {
    news.outcomes.push_back(outcome_from(message["result"]));
  } else if (message.contains("teardown_error") && message["teardown_error"].is_string()) {
    news.problems.push_back("a fixture's teardown at the end of pytest worker " + workspace_ +
                            " failed: " + message["teardown_error"].get<std::string>());
  }
}

PytestOutcome parse_pytest_outcome(const std::string& result_json) {
  const auto r = nlohmann::json::parse(result_json, nullptr, false);
  return outcome_from(r);
}

namespace {
PytestOutcome outcome_from(const nlohmann::json& r) {
  PytestOutcome o;
  try {
    o.nodeid = r.at("nodeid").get<std::string>();
    o.outcome = parse_outcome(r.at("outcome").get<std::string>());
    o.phase = r.at("phase").get<std::string>();
    o.longrepr = r.at("longrepr").get<std::string>();
    if (r.contains("stages")) {
      const auto& stages = r.at("stages");
      auto duration = [&](const char* when) {
        return stages.contains(when) ? stages[when].value("duration", 0.0) : 0.0;
      };
      o.setup_s = duration("setup");
      o.call_s = duration("call");
      o.teardown_s = duration("teardown");
      o.report_json = nlohmann::json{{"stages", stages}, {"keywords", r.value("keywords", nlohmann::json::array())}}.dump(
          -1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
  } catch (const std::exception& e) {
    o.outcome = Outcome::kError;
    o.longrepr = std::string("the pytest worker's report of this test is unreadable: ") + e.what();
  }
  return o;
}
}  // namespace

}  // namespace tellus_harness
