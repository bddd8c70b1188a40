#include "tellus_harness/mpi/claim_coordinator.hpp"

#include <nlohmann/json.hpp>
#include <sstream>

#include "tellus_harness/config/test_spec_json.hpp"
#include "tellus_harness/results/result_details.hpp"
#include "tellus_harness/results/test_result_json.hpp"

namespace tellus_harness {

namespace {

std::string grant_message(char type, const std::vector<GrantedTest>& granted) {
  nlohmann::json tests = nlohmann::json::array();
  for (const auto& g : granted) tests.push_back({g.index, g.spec});
  return std::string(1, type) + " " + tests.dump();
}

std::string first_line(const std::string& s, std::size_t max = 300) {
  std::string line = s.substr(0, s.find('\n'));
  return line.size() > max ? line.substr(0, max) + "..." : line;
}

}  // namespace

ClaimCoordinator::ClaimCoordinator(WorkPool& pool, ProgressDisplay& progress, const std::vector<CollectedTest>& tests,
                                   int ranks, ResultSink sink, RerunPolicy reruns)
    : pool_(pool), progress_(progress), tests_(tests), workers_left_(ranks > 1 ? ranks - 1 : 0), ranks_(ranks),
      sink_(std::move(sink)), reruns_(std::move(reruns)), tries_(tests.size(), 0) {
  if (!reruns_.only_matching.empty()) only_rerun_.emplace(reruns_.only_matching);
}

std::vector<std::pair<int, std::string>> ClaimCoordinator::first_grants(int batch) {
  std::vector<std::pair<int, std::string>> grants;
  for (int r = 1; r < ranks_; ++r) {
    const auto first = pool_.claim_own(r, batch);
    progress_.started(static_cast<int>(first.size()));
    grants.emplace_back(r, grant_message('I', granted_tests(first)));
  }
  return grants;
}

std::optional<std::string> ClaimCoordinator::handle(int from, const std::string& text) {
  std::istringstream in(text);
  char type = 0;
  in >> type;
  if (type == 'C') {
    int count = 0;
    in >> count;
    const auto granted = pool_.claim(from, count);
    progress_.started(static_cast<int>(granted.size()));
    const bool hold = static_cast<int>(granted.size()) < count && pool_.may_get_more(from, reruns_.count > 0);
    return grant_message(hold ? 'H' : 'G', granted_tests(granted));
  }
  if (type == 'F') {
    const auto line = nlohmann::json::parse(text.substr(2));
    TestResult result = line.get<TestResult>();
    result.rank = from;
    if (const auto at = line.find("journal"); at != line.end())
      result.journal_line = {from, at->at(0).get<std::int64_t>(), at->at(1).get<std::int64_t>()};
    finished(std::move(result));
  } else if (type == 'L') {
    --workers_left_;
  }
  return std::nullopt;
}

std::vector<GrantedTest> ClaimCoordinator::take_own(int count, bool& drained) {
  const auto granted = pool_.claim(0, count);
  if (static_cast<int>(granted.size()) < count && !pool_.may_get_more(0, reruns_.count > 0)) drained = true;
  progress_.started(static_cast<int>(granted.size()));
  return granted_tests(granted);
}

// A rerun gets a workspace of its own: the failed try's stays for the user. ('+' is in no
// test's name.)
std::vector<GrantedTest> ClaimCoordinator::granted_tests(const std::vector<int>& indices) const {
  std::vector<GrantedTest> tests;
  tests.reserve(indices.size());
  for (int i : indices) {
    tests.push_back({i, tests_[i].spec});
    TestSpec& spec = tests.back().spec;
    if (tries_[i] > 0 && !spec.workspace_name.empty()) spec.workspace_name += "+rerun" + std::to_string(tries_[i]);
    // A multi-rank test is told the slots it holds and where its processes go.
    if (auto slots = pool_.slots_of(i); !slots.empty()) {
      spec.hosts = process_hosts(pool_.allocation(), slots, spec.ranks, spec.nodes);
      spec.slots = std::move(slots);
    }
  }
  return tests;
}

void ClaimCoordinator::finished(TestResult result) {
  if (result.index < 0 || result.index >= static_cast<int>(tests_.size()))
    throw std::runtime_error("a result for test " + std::to_string(result.index) + ", which the plan does not hold");
  const bool failed = result.outcome == Outcome::kFailed || result.outcome == Outcome::kError;
  const bool again = failed && result.stops_run.empty() && rerun_wanted(result);
  ++tries_[result.index];
  // A failure that is rerun counts towards --maxfail only if its last try fails too.
  pool_.record_finish(result.index, result.rank, failed && !again);
  if (!result.stops_run.empty()) pool_.stop(result.stops_run);
  if (again) {
    pool_.requeue(result.index, std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                                         std::chrono::duration<double>(reruns_.delay_s)));
    progress_.rerun(tests_[result.index].spec.nodeid, result.rank, first_line(result.longrepr));
  } else {
    progress_.finished(result.outcome, tests_[result.index].spec.nodeid, result.rank, first_line(result.longrepr));
  }
  sink_(std::move(result));
}

bool ClaimCoordinator::rerun_wanted(const TestResult& result) const {
  if (tries_[result.index] >= reruns_.count || result.stopped_by_run || pool_.stopped()) return false;
  return !only_rerun_ || std::regex_search(result.longrepr, *only_rerun_);
}

std::string claim_message(int count) { return "C " + std::to_string(count); }

std::string finish_message(const TestResult& r) {
  if (!summarized(r)) return "F " + test_result_line(r, nlohmann::json::object());
  // What the test printed stays in the rank's journal, where rank 0 reads it for the reports.
  // The longrepr travels whole: --only-rerun matches it.
  TestResult sent = r;
  sent.stdout_text = std::string();
  sent.stderr_text = std::string();
  sent.pytest_report_json = std::string();
  return "F " + test_result_line(sent, {{"journal", {r.journal_line.offset, r.journal_line.length}}});
}

Grant parse_grant(const std::string& text) {
  Grant grant;
  grant.first = !text.empty() && text[0] == 'I';
  grant.hold = !text.empty() && text[0] == 'H';
  for (const auto& t : nlohmann::json::parse(text.substr(2))) grant.tests.push_back({t.at(0).get<int>(), t.at(1).get<TestSpec>()});
  return grant;
}

}  // namespace tellus_harness
