#include "tellus_harness/exec/pytest_worker.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "tellus_harness/common/environment_names.hpp"
#include "tellus_harness/common/json_file.hpp"
#include "tellus_harness/exec/workspace.hpp"

extern char** environ;

namespace tellus_harness {

namespace {
// One message of a worker is one test's report, bounded by the plugin (each stream of each
// phase at most capture_bytes); a line far beyond that is not the plugin's.
constexpr std::size_t kMaxMessageBytes = 64 << 20;
PytestOutcome outcome_from(const nlohmann::json& result);
}  // namespace

PytestWorkerLaunch pytest_worker_launch(const PytestInvocation& invocation, const std::string& harness_exe,
                                        std::string contain_exe, std::string plugin_dir) {
  if (contain_exe.empty()) contain_exe = find_contain_program(harness_exe);
  if (contain_exe.empty()) throw std::runtime_error("tellus-contain is not installed beside tellus-harness");
  if (plugin_dir.empty()) plugin_dir = find_pytest_plugin_dir(harness_exe);
  if (plugin_dir.empty())
    throw std::runtime_error("tellus_harness_pytest.py, the pytest plugin of tellus-harness, is not installed");
  PytestWorkerLaunch launch{invocation, std::move(plugin_dir), std::move(contain_exe), {}};
  for (char** e = environ; *e; ++e)
    if (passed_to_tests(*e)) launch.env.emplace_back(*e);
  return launch;
}

PytestWorker::PytestWorker(const PytestWorkerLaunch& launch) {
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
    throw std::runtime_error(std::string("socketpair: ") + std::strerror(errno));
  channel_ = pair[0];
  fcntl(channel_, F_SETFL, fcntl(channel_, F_GETFL) | O_NONBLOCK);

  ChildLaunch child;
  child.contain_exe = launch.contain_exe;
  child.cwd = launch.invocation.cwd;  // relative paths in tests mean what they mean under pytest
  child.channel_fd = pair[1];
  child.argv = pytest_argv(launch.invocation, {"-q"});
  child.env = pytest_environment(launch.env, launch.plugin_dir, "worker");
  child.env.push_back(env::assignment(env::kPytestChannelFd, "4"));
  try {
    child_ = std::make_unique<ChildProcess>(child);
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

void PytestWorker::place(const PytestWorkerPlace& place) {
  const std::string attempt = place.attempt > 1 ? "a" + std::to_string(place.attempt) : "";
  workspace_ = create_workspace(place.output_dir,
                                "pytest+" + attempt + "r" + std::to_string(place.rank) + "w" + std::to_string(place.id));
  TestEnvironment test = place.test;
  test.workspace = workspace_;
  nlohmann::json env = nlohmann::json::object();
  for (const auto& kv : test_environment(test)) {
    const auto eq = kv.find('=');
    env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  const nlohmann::json message = {{"place",
                                   {{"env", env},
                                    {"basetemp", workspace_ + "/basetemp"},
                                    {"cache_dir", workspace_ + "/.pytest_cache"},
                                    {"manifest", place.manifest},
                                    {"capture_bytes", place.capture_bytes}}}};
  // A worker that is gone already says why when the Executor next looks at it.
  send_line(dump_json(message) + "\n");
}

bool PytestWorker::run(const std::string& nodeid) {
  return send_line(dump_json({{"run", nodeid}}) + "\n");
}

bool PytestWorker::send_line(const std::string& line) {
  std::size_t sent = 0;
  while (sent < line.size()) {
    const ssize_t n = send(channel_, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      // Gone, or (EAGAIN) a full buffer: a line of ours is far smaller than the socket's
      // buffer, which the worker empties between tests, so it stopped reading. Either way it
      // is stopped.
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
    o.stops_run = r.value("stops_run", "");
    if (r.contains("stages")) {
      const auto& stages = r.at("stages");
      auto duration = [&](const char* when) {
        return stages.contains(when) ? stages[when].value("duration", 0.0) : 0.0;
      };
      o.setup_s = duration("setup");
      o.call_s = duration("call");
      o.teardown_s = duration("teardown");
      o.report_json = dump_json({{"stages", stages}, {"keywords", r.value("keywords", nlohmann::json::array())}});
    }
  } catch (const std::exception& e) {
    o.outcome = Outcome::kError;
    o.longrepr = std::string("the pytest worker's report of this test is unreadable: ") + e.what();
  }
  return o;
}
}  // namespace

}  // namespace tellus_harness
