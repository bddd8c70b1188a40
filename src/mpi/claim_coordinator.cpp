#include "tellus_harness/mpi/claim_coordinator.hpp"

#include <nlohmann/json.hpp>
#include <sstream>

#include "tellus_harness/config/test_spec_json.hpp"
#include "tellus_harness/results/test_result_json.hpp"

namespace tellus_harness {

namespace {

std::string grant_message(char type, const std::vector<int>& granted, const std::vector<TestSpec>& specs) {
  nlohmann::json tests = nlohmann::json::array();
  for (int i : granted) tests.push_back({i, specs[i]});
  return std::string(1, type) + " " + tests.dump();
}

std::string first_line(const std::string& s, std::size_t max = 300) {
  std::string line = s.substr(0, s.find('\n'));
  return line.size() > max ? line.substr(0, max) + "..." : line;
}

}  // namespace

std::vector<std::pair<int, std::string>> ClaimCoordinator::first_grants(int batch) {
  std::vector<std::pair<int, std::string>> grants;
  for (int r = 1; r < ranks_; ++r) {
    const auto first = pool_.claim_own(r, batch);
    progress_.started(static_cast<int>(first.size()));
    grants.emplace_back(r, grant_message('I', first, specs_));
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
    return grant_message('G', granted, specs_);
  }
  if (type == 'F') {
    TestResult result = nlohmann::json::parse(text.substr(2)).get<TestResult>();
    result.rank = from;
    finished(std::move(result));
  } else if (type == 'L') {
    --workers_left_;
  }
  return std::nullopt;
}

std::vector<GrantedTest> ClaimCoordinator::take_own(int count, bool& drained) {
  const auto granted = pool_.claim(0, count);
  if (static_cast<int>(granted.size()) < count) drained = true;
  progress_.started(static_cast<int>(granted.size()));
  std::vector<GrantedTest> out;
  for (int i : granted) out.push_back({i, specs_[i]});
  return out;
}

void ClaimCoordinator::finished(TestResult result) {
  if (result.index < 0 || result.index >= static_cast<int>(specs_.size()))
    throw std::runtime_error("a result for test " + std::to_string(result.index) + ", which the plan does not hold");
  pool_.record_finish(result.outcome == Outcome::kFailed || result.outcome == Outcome::kError);
  progress_.finished(result.outcome, specs_[result.index].nodeid, result.rank, first_line(result.longrepr));
  sink_(std::move(result));
}

std::string claim_message(int count) { return "C " + std::to_string(count); }

std::string finish_message(const TestResult& r) { return "F " + test_result_line(r, nlohmann::json::object()); }

Grant parse_grant(const std::string& text) {
  Grant grant;
  grant.first = !text.empty() && text[0] == 'I';
  for (const auto& t : nlohmann::json::parse(text.substr(2))) grant.tests.push_back({t.at(0).get<int>(), t.at(1).get<TestSpec>()});
  return grant;
}

}  // namespace tellus_harness
