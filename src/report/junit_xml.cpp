#include "tellus_harness/report/junit_xml.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "report/builtin_reporters.hpp"
#include "tellus_harness/common/atomic_file.hpp"
#include "tellus_harness/common/utf8.hpp"
#include "tellus_harness/common/wall_clock.hpp"
#include "tellus_harness/results/result_details.hpp"

namespace tellus_harness {

namespace {
constexpr const char* kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// XML 1.0's Char production: what a document may contain at all.
bool xml_char(char32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
         cp >= 0x10000;
}
}  // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    const std::size_t n = decode_utf8(text, i, cp);
    if (n == 0 || !xml_char(cp)) {  // controls, U+FFFE/U+FFFF, broken or surrogate sequences
      out += kReplacement;
      i += n == 0 ? 1 : n;
      continue;
    }
    switch (cp) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\r': out += "&#13;"; break;  // kept, not normalised away by the reader
      case '\t': out += "&#9;"; break;
      case '\n': out += "&#10;"; break;
      default: out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

namespace {

// pytest's --junitxml names (junitxml.mangle_test_address): the node id's file as a dotted
// module path, then its classes, make the classname; the test with its parameters is the name.
std::pair<std::string, std::string> pytest_junit_names(const std::string& nodeid) {
  const std::size_t bracket = nodeid.find('[');
  const std::string path = nodeid.substr(0, bracket);
  const std::string params = bracket == std::string::npos ? "" : nodeid.substr(bracket);
  std::vector<std::string> names;
  for (std::size_t start = 0;;) {
    const std::size_t sep = path.find("::", start);
    names.push_back(path.substr(start, sep == std::string::npos ? std::string::npos : sep - start));
    if (sep == std::string::npos) break;
    start = sep + 2;
  }
  std::string& module = names.front();
  std::replace(module.begin(), module.end(), '/', '.');
  if (module.ends_with(".py")) module.resize(module.size() - 3);
  names.back() += params;
  std::string classname;
  for (std::size_t i = 0; i + 1 < names.size(); ++i) classname += (i ? "." : "") + names[i];
  return {classname, names.back()};
}

// A pytest test's stages as its worker reported them (json_report's "setup", "call", ...);
// null for a harness test or one whose worker never reported it.
nlohmann::json pytest_stages(const TestResult& r) {
  if (r.pytest_report_json.empty()) return nullptr;
  auto report = nlohmann::json::parse(r.pytest_report_json, nullptr, false);
  if (!report.is_object() || !report.contains("stages") || !report["stages"].is_object()) return nullptr;
  return std::move(report["stages"]);
}

nlohmann::json stage_of(const nlohmann::json& stages, const std::string& when) {
  return stages.is_object() && stages.contains(when) ? stages[when] : nlohmann::json();
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// The child elements of a pytest test's <testcase>, as pytest's junitxml writes them.
void pytest_outcome_elements(std::ostringstream& x, const CollectedTest& t, const TestResult& r,
                             const nlohmann::json& stages) {
  const nlohmann::json stage = stage_of(stages, r.phase);
  const std::string crash = stage.is_object() && stage.contains("crash") ? stage["crash"].value("message", "") : "";
  const std::string text = xml_escape(stage.is_object() ? stage.value("longrepr", r.longrepr) : r.longrepr);
  switch (r.outcome) {
    case Outcome::kFailed:
      x << "      <failure message=\"" << xml_escape(crash.empty() ? first_line(r.longrepr) : crash) << "\">" << text
        << "</failure>\n";
      break;
    case Outcome::kError: {
      const std::string message = r.phase == "collect" ? "collection failure"
                                  : crash.empty()      ? first_line(r.longrepr)
                                                       : "failed on " + r.phase + " with \"" + crash + "\"";
      x << "      <error message=\"" << xml_escape(message) << "\">" << text << "</error>\n";
      break;
    }
    case Outcome::kSkipped:
      x << "      <skipped type=\"pytest.skip\" message=\"" << xml_escape(r.longrepr) << "\">"
        << xml_escape(t.spec.suite_file + ":" + std::to_string(t.spec.line) + ": " + r.longrepr) << "</skipped>\n";
      break;
    case Outcome::kXfailed:
      x << "      <skipped type=\"pytest.xfail\" message=\"" << xml_escape(r.longrepr) << "\"/>\n";
      break;
    case Outcome::kPassed:
    case Outcome::kXpassed: break;
  }
}

// The child elements of a harness test's <testcase>.
void harness_outcome_elements(std::ostringstream& x, const TestResult& r) {
  const std::string message = xml_escape(r.longrepr);
  switch (r.outcome) {
    case Outcome::kFailed:
      x << "      <failure message=\"" << message << "\" type=\"failure\">" << message << "</failure>\n";
      break;
    case Outcome::kError:
      x << "      <error message=\"" << message << "\" type=\"error\">" << message << "</error>\n";
      break;
    case Outcome::kSkipped:
    case Outcome::kXfailed: x << "      <skipped message=\"" << message << "\"/>\n"; break;
    case Outcome::kPassed:
    case Outcome::kXpassed: break;
  }
}

// A test's captured output: a harness test's streams; a pytest test's, every stage's in turn.
std::pair<std::string, std::string> captured_output(const TestResult& r, const nlohmann::json& stages) {
  if (!stages.is_object()) return {r.stdout_text, r.stderr_text};
  std::string out, err;
  for (const char* when : {"setup", "call", "teardown"}) {
    const nlohmann::json stage = stage_of(stages, when);
    if (!stage.is_object()) continue;
    out += stage.value("stdout", "");
    err += stage.value("stderr", "") + stage.value("log", "");
  }
  return {out + r.stdout_text, err + r.stderr_text};
}

// An earlier try of a rerun test, as Maven Surefire writes them and Jenkins and GitLab read
// them: flakyFailure/flakyError when the last try passed, rerunFailure/rerunError when it did
// not. (Elements the junit-10.xsd schema does not know: only tests that were rerun have them.)
void rerun_element(std::ostringstream& x, const TestResult& last, const TestResult& t) {
  const std::string element = std::string(last.outcome == Outcome::kPassed ? "flaky" : "rerun") +
                              (t.outcome == Outcome::kError ? "Error" : "Failure");
  const auto [out, err] = captured_output(t, pytest_stages(t));
  x << "      <" << element << " message=\"" << xml_escape(first_line(t.longrepr)) << "\" type=\""
    << (t.outcome == Outcome::kError ? "error" : "failure") << "\">\n"
    << "        <stackTrace>" << xml_escape(t.longrepr) << "</stackTrace>\n";
  if (!out.empty()) x << "        <system-out>" << xml_escape(out) << "</system-out>\n";
  if (!err.empty()) x << "        <system-err>" << xml_escape(err) << "</system-err>\n";
  x << "      </" << element << ">\n";
}

// Seconds with 3 decimals, never negative (a clock step back) and never in exponent form.
std::string junit_time(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", std::isfinite(seconds) && seconds > 0 ? seconds : 0.0);
  return buf;
}
}  // namespace

void write_junit_xml(const RunOutcome& outcome, const std::string& path) {
  const RunPlan& plan = outcome.plan;
  std::map<std::string, std::vector<std::size_t>> by_suite;  // suite name -> test indices
  for (std::size_t i = 0; i < plan.tests.size(); ++i) by_suite[plan.tests[i].spec.suite].push_back(i);
  const Summary all = summarize(outcome);

  const std::string stamp = utc_text(plan.created_unix, "%Y-%m-%dT%H:%M:%S");

  // What the JUnit schema of Jenkins' xUnit plugin (junit-10.xsd) accepts, which the other
  // consumers read too: times with at most 3 decimals, no skipped count on <testsuites>, no
  // file or line on <testcase> (report.json has both).
  AtomicFileWriter out(path);
  ResultDetails details(plan.output_dir);
  std::ostringstream x;  // written out after each test: the file is never one string in memory
  x << "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
  x << "<testsuites name=\"tellus-harness\" tests=\"" << all.total() << "\" failures=\"" << all.failed
    << "\" errors=\"" << all.error << "\" time=\"" << junit_time(outcome.duration_s) << "\">\n";
  for (const auto& [suite, indices] : by_suite) {
    std::vector<TestResult> counted(indices.size());  // outcomes only
    double time = 0;
    for (std::size_t k = 0; k < indices.size(); ++k) {
      const auto i = indices[k];
      // A quarantined failure is a skip to JUnit's consumers: it must not fail their build.
      counted[k].outcome = outcome.quarantined.count(static_cast<int>(i)) ? Outcome::kSkipped : outcome.results[i].outcome;
      time += outcome.results[i].setup_s + outcome.results[i].call_s + outcome.results[i].teardown_s;
    }
    const Summary s = summarize(counted);
    // A pytest file is a suite of its own, with the file where the schema allows it.
    const bool pytest_file = plan.tests[indices.front()].spec.kind == "pytest";
    x << "  <testsuite name=\"" << xml_escape(pytest_file ? pytest_junit_names(suite).second : suite) << "\" tests=\""
      << s.total() << "\" failures=\"" << s.failed << "\" errors=\"" << s.error << "\" skipped=\"" << s.skipped + s.xfailed
      << "\" time=\"" << junit_time(time) << "\" timestamp=\"" << stamp << "\" hostname=\""
      << xml_escape(outcome.results[indices.front()].host) << "\"";
    if (pytest_file) x << " file=\"" << xml_escape(suite) << "\"";
    x << ">\n";
    x << "    <properties>\n      <property name=\"profile\" value=\"" << xml_escape(plan.profile.name) << "\"/>\n"
      << "      <property name=\"timeout_multiplier\" value=\"" << plan.profile.timeout_multiplier << "\"/>\n"
      << "    </properties>\n";
    for (auto i : indices) {
      const auto& t = plan.tests[i];
      const TestResult r = details.whole(outcome.results[i]);
      const bool pytest = t.spec.kind == "pytest";
      const auto [classname, name] = pytest ? pytest_junit_names(t.spec.nodeid) : std::pair{suite, t.spec.name};
      x << "    <testcase classname=\"" << xml_escape(classname) << "\" name=\"" << xml_escape(name) << "\" time=\""
        << junit_time(r.setup_s + r.call_s + r.teardown_s) << "\">\n";
      const nlohmann::json stages = pytest_stages(r);
      if (const auto q = outcome.quarantined.find(static_cast<int>(i)); q != outcome.quarantined.end()) {
        const auto& entry = plan.quarantine[q->second];
        x << "      <skipped message=\"" << xml_escape("quarantined: " + entry.reason + " (" + entry.owner + ", until " + entry.expires + ")")
          << "\">" << xml_escape(std::string(outcome_name(r.outcome)) + ": " + r.longrepr) << "</skipped>\n";
      } else if (pytest) {
        pytest_outcome_elements(x, t, r, stages);
      } else {
        harness_outcome_elements(x, r);
      }
      if (const auto tries = outcome.reruns.find(static_cast<int>(i)); tries != outcome.reruns.end())
        for (const auto& t : tries->second) rerun_element(x, r, details.whole(t));
      const auto [stdout_text, stderr_text] = captured_output(r, stages);
      if (!stdout_text.empty()) x << "      <system-out>" << xml_escape(stdout_text) << "</system-out>\n";
      if (!stderr_text.empty()) x << "      <system-err>" << xml_escape(stderr_text) << "</system-err>\n";
      x << "    </testcase>\n";
      out.write(x.str());
      x.str(std::string());
    }
    x << "  </testsuite>\n";
  }
  x << "</testsuites>\n";
  out.write(x.str());
  out.commit();
}

std::unique_ptr<Reporter> make_junit_reporter() {
  struct Junit final : Reporter {
    std::string format() const override { return "junit"; }
    void write(const ReportInput& in) const override { write_junit_xml(in.outcome, in.outcome.plan.junit_path); }
  };
  return std::make_unique<Junit>();
}

}  // namespace tellus_harness
