#include <catch2/catch.hpp>

#include "temp_dir.hpp"
#include <filesystem>
#include <fstream>
#include <sstream>
#include <nlohmann/json.hpp>

#include "tellus_harness/common/redaction.hpp"
#include "tellus_harness/config/suite.hpp"
#include "tellus_harness/report/html_report.hpp"
#include "tellus_harness/report/json_report.hpp"
#include "tellus_harness/report/junit_xml.hpp"
#include "tellus_harness/common/atomic_file.hpp"
#include "tellus_harness/common/json_file.hpp"
#include "tellus_harness/results/journal.hpp"
#include "tellus_harness/results/result_details.hpp"
#include "tellus_harness/results/run_outcome.hpp"

using namespace tellus_harness;
namespace fs = std::filesystem;

namespace {
RunOutcome sample_outcome(const std::string& dir) {
  RunOutcome o;
  o.plan.output_dir = dir;
  o.plan.json_report_path = dir + "/report.json";
  o.plan.junit_path = dir + "/report.xml";
  o.plan.profile.name = "ci";
  o.plan.profile.sources["timeout_multiplier"] = "environment TELLUS_TIMEOUT_MULTIPLIER";
  o.plan.created_unix = 1700000000;
  for (const char* name : {"ok", "<script>alert(1)</script>", "gated", "lost"}) {
    TestSpec s;
    s.suite = "demo";
    s.suite_file = "demo.yaml";
    s.name = name;
    s.nodeid = std::string("demo.yaml::") + name;
    s.markers = {"integration"};
    o.plan.tests.push_back({s, std::string(name) == "gated" ? "backend 'tape' is not enabled" : ""});
  }
  TestResult ok;
  ok.index = 0;
  ok.nodeid = "demo.yaml::ok";
  ok.outcome = Outcome::kPassed;
  ok.rank = 1;
  ok.host = "node1";
  ok.start_unix = 10;
  ok.stop_unix = 12;
  ok.stdout_text = "fine\n";
  TestResult bad = ok;
  bad.index = 1;
  bad.nodeid = "demo.yaml::<script>alert(1)</script>";
  bad.outcome = Outcome::kFailed;
  bad.longrepr = "exited with status 3 & \"quotes\"";
  bad.stderr_text = std::string("binary \x01\xff tail");
  bad.start_unix = 11;
  bad.stop_unix = 13;
  o.results = complete_results(o.plan, {ok, bad}, "run interrupted: the test never finished");
  o.duration_s = 3;
  return o;
}
}  // namespace

TEST_CASE("complete_results skips gated tests and marks lost ones interrupted") {
  const auto o = sample_outcome("/tmp/x");
  CHECK(o.results[2].outcome == Outcome::kSkipped);
  CHECK(o.results[3].outcome == Outcome::kError);
  CHECK(o.results[3].longrepr == "run interrupted: the test never finished");
  const auto s = summarize(o.results);
  CHECK((s.passed == 1 && s.failed == 1 && s.skipped == 1 && s.error == 1));
  CHECK(exit_code_for(o) == 1);
}

TEST_CASE("busy time counts overlapping tests once") {
  const auto ranks = rank_summaries(sample_outcome("/tmp/x").results);
  REQUIRE(ranks.size() == 1);
  CHECK(ranks[0].busy_s == Approx(3.0));  // [10,12] and [11,13]
  CHECK(ranks[0].tests == 2);
}

TEST_CASE("report.json follows the pytest-json-report schema and adds the harness object") {
  const std::string dir = fresh_temp_dir("report-json");
  const auto o = sample_outcome(dir);
  write_json_report(o, 1, o.plan.json_report_path);
  const auto j = nlohmann::json::parse(std::ifstream(o.plan.json_report_path));
  for (const char* key : {"created", "duration", "exitcode", "root", "environment", "summary", "tests", "harness"})
    CHECK(j.contains(key));
  CHECK(j["summary"]["collected"] == 4);
  CHECK(j["summary"]["error"] == 1);
  const auto& failed = j["tests"][1];
  CHECK(failed["outcome"] == "failed");
  CHECK(failed["call"]["longrepr"] == "exited with status 3 & \"quotes\"");
  CHECK(failed["setup"]["outcome"] == "passed");
  CHECK(j["tests"][2]["setup"]["outcome"] == "skipped");
  CHECK(j["tests"][3]["setup"]["outcome"] == "failed");
  CHECK(j["harness"]["profile"]["sources"]["timeout_multiplier"] == "environment TELLUS_TIMEOUT_MULTIPLIER");
  CHECK(j["harness"]["tests"][0]["host"] == "node1");
  CHECK(j["harness"]["tests"][0]["rank"] == 1);
  CHECK(j["harness"]["ranks"][0]["busy_s"].get<double>() == Approx(3.0));
}

TEST_CASE("report.xml escapes names and output and stays well formed") {
  const std::string dir = fresh_temp_dir("report-xml");
  const auto o = sample_outcome(dir);
  write_junit_xml(o, o.plan.junit_path);
  std::ifstream in(o.plan.junit_path);
  const std::string xml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK_THAT(xml, Catch::Contains("name=\"&lt;script&gt;alert(1)&lt;/script&gt;\""));
  CHECK_THAT(xml, Catch::Contains("<failure message=\"exited with status 3 &amp; &quot;quotes&quot;\""));
  CHECK_THAT(xml, !Catch::Contains("<script>"));
  CHECK_THAT(xml, !Catch::Contains("\x01"));
  CHECK_THAT(xml, Catch::Contains("binary \xEF\xBF\xBD\xEF\xBF\xBD tail"));
  CHECK_THAT(xml, Catch::Contains("tests=\"4\" failures=\"1\" errors=\"1\" skipped=\"1\""));
  CHECK_THAT(xml, Catch::Contains("<testsuites name=\"tellus-harness\" tests=\"4\" failures=\"1\" errors=\"1\" time=\"3.000\">"));
  if (system("command -v xmllint >/dev/null 2>&1") == 0)
    CHECK(system(("xmllint --noout --schema " TELLUS_SOURCE_DIR "/tests/fixtures/junit/junit-10.xsd " + o.plan.junit_path).c_str()) == 0);
}

TEST_CASE("xml_escape leaves only XML 1.0 characters: controls, U+FFFE/U+FFFF, surrogates and overlongs replaced") {
  const std::string r = "\xEF\xBF\xBD";
  CHECK(xml_escape("a\x1b[31mb") == "a" + r + "[31mb");
  CHECK(xml_escape("\xEF\xBF\xBE\xEF\xBF\xBF") == r + r);             // U+FFFE, U+FFFF
  CHECK(xml_escape("\xED\xA0\x80") == r + r + r);                  // a lone surrogate (CESU-8): one per byte
  CHECK(xml_escape("\xC0\xAF") == r + r);                           // overlong '/'
  CHECK(xml_escape("\xF4\x90\x80\x80") == r + r + r + r);         // beyond U+10FFFF
  CHECK(xml_escape("\xF0\x9F\x8C\x8D ok \xC3\xA9") == "\xF0\x9F\x8C\x8D ok \xC3\xA9");  // kept as they are
  CHECK(xml_escape("a\nb\tc") == "a&#10;b&#9;c");
  const std::string dir = fresh_temp_dir("xml-chars");
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  std::ofstream(dir + "/doc.xml") << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a b=\"" << xml_escape(all) << "\">"
                                  << xml_escape(all + "\xEF\xBF\xBE\xED\xBF\xBF") << "</a>\n";
  if (system("command -v xmllint >/dev/null 2>&1") == 0) CHECK(system(("xmllint --noout " + dir + "/doc.xml").c_str()) == 0);
}

TEST_CASE("rank 0 keeps summaries: the reports read each test's output back from its journal line") {
  const std::string dir = fresh_temp_dir("details");
  RunOutcome o = sample_outcome(dir);
  const std::string loud(100000, 'y');
  TestResult bad = o.results[1];
  bad.stdout_text = "HEAD " + loud + " TAIL";
  bad.stderr_text = "on stderr\n";  // valid UTF-8: a journal line replaces what is not
  // longer than a summary keeps, with a two-byte character across its end (bytes 1023 and 1024)
  bad.longrepr = "why\n" + std::string(1019, 'w') + "\u00e9" + std::string(6000, 'z');
  {
    Journal journal(dir, 2, "run-a");
    TestResult other = o.results[0];
    journal.append(other);  // the line of interest is not the first
    REQUIRE(journal.append(bad, &bad.journal_line));
  }
  CHECK(bad.journal_line.rank == 2);
  TestResult summary = bad;
  REQUIRE(summarized(summary));
  keep_summary(summary);
  CHECK(summary.details_in_journal);
  CHECK(summary.stdout_text.empty());
  CHECK(summary.stderr_text.empty());
  CHECK(summary.longrepr.size() == 1023);  // not half of the character
  CHECK(summary.longrepr.rfind("why\n", 0) == 0);
  // read back whole, and as read_journals finds it
  ResultDetails details(dir);
  const TestResult whole = details.whole(summary);
  CHECK(whole.stdout_text == bad.stdout_text);
  CHECK(whole.stderr_text == bad.stderr_text);
  CHECK(whole.longrepr == bad.longrepr);
  std::vector<std::string> warnings;
  const auto read = read_journals(dir, "run-a", warnings, JournalDetail::kSummary);
  REQUIRE(read.size() == 2);
  CHECK_FALSE(read[0].details_in_journal);  // a short line: kept whole
  CHECK(read[1].journal_line.offset == bad.journal_line.offset);
  CHECK(read[1].journal_line.length == bad.journal_line.length);
  CHECK(read[1].stdout_text.empty());
  CHECK(details.whole(read[1]).stdout_text == bad.stdout_text);
  // the reports hold every byte
  o.results[1] = summary;
  write_json_report(o, 1, o.plan.json_report_path);
  const auto j = nlohmann::json::parse(std::ifstream(o.plan.json_report_path));
  CHECK(j["tests"][1]["call"]["stdout"] == bad.stdout_text);
  CHECK(j["tests"][1]["call"]["longrepr"] == bad.longrepr);
  CHECK(j["tests"].size() == 4);
  CHECK(j["harness"]["tests"].size() == 4);
  write_junit_xml(o, o.plan.junit_path);
  std::stringstream xml;
  xml << std::ifstream(o.plan.junit_path).rdbuf();
  CHECK(xml.str().find("HEAD " + loud + " TAIL") != std::string::npos);
  // a journal gone since: the summary, and a note that says why
  fs::remove(journal_path(dir, 2));
  ResultDetails gone(dir);
  const TestResult without = gone.whole(summary);
  CHECK(without.stdout_text.empty());
  CHECK_THAT(without.longrepr, Catch::Contains("not in this report") && Catch::Contains("rank-2.jsonl"));
}

TEST_CASE("an atomic file written in pieces appears whole on commit and not at all without") {
  const std::string dir = fresh_temp_dir("atomic");
  const std::string path = dir + "/f";
  write_file_atomically(path, "old");
  {
    AtomicFileWriter w(path);
    w.write("new");
  }  // not committed
  std::stringstream text;
  text << std::ifstream(path).rdbuf();
  CHECK(text.str() == "old");
  AtomicFileWriter w(path);
  std::string expected;
  for (int i = 0; i < 50; ++i) {
    const std::string piece(i * 50000, static_cast<char>('a' + i % 26));
    w.write(piece);
    expected += piece;
  }
  w.commit();
  std::stringstream all;
  all << std::ifstream(path).rdbuf();
  CHECK(all.str() == expected);
  CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);  // no temporary left
}

TEST_CASE("a JSON file with streamed arrays is byte for byte the dump of the whole document") {
  const std::string dir = fresh_temp_dir("json-file");
  auto element = [](std::size_t i) { return nlohmann::json{{"i", i}, {"text", "line\nbreak \x01"}, {"list", {1, 2}}}; };
  nlohmann::json whole = {{"a", 1}, {"harness", {{"tests", nlohmann::json::array()}, {"z", "after"}}}, {"tests", 0}, {"zz", {}}};
  for (std::size_t i = 0; i < 3; ++i) {
    whole["tests"] = nlohmann::json::array();
    for (std::size_t k = 0; k < i; ++k) whole["tests"].push_back(element(k));
    whole["harness"]["tests"] = whole["tests"];
    for (const int indent : {-1, 2}) {
      nlohmann::json skeleton = whole;
      skeleton.erase("tests");
      write_json_file(dir + "/f.json", skeleton, {{"/tests", i, element}, {"/harness/tests", i, element}}, indent);
      std::stringstream text;
      text << std::ifstream(dir + "/f.json").rdbuf();
      CHECK(text.str() == whole.dump(indent) + "\n");
    }
  }
  // A value that holds the placeholder itself: the whole document, still right.
  nlohmann::json odd = {{"note", "\x01tellus-harness streamed array 0\x01"}};
  write_json_file(dir + "/odd.json", odd, {{"/tests", 2, element}}, 2);
  const auto back = nlohmann::json::parse(std::ifstream(dir + "/odd.json"));
  CHECK(back["note"] == odd["note"]);
  CHECK(back["tests"].size() == 2);
}

TEST_CASE("journals survive a torn last line") {
  const std::string dir = fresh_temp_dir("journal");
  {
    Journal j(dir, 3, "run-a");
    TestResult r;
    r.index = 7;
    r.nodeid = "x::y";
    r.outcome = Outcome::kPassed;
    j.append(r);
    std::ofstream(j.path(), std::ios::app) << "{\"index\": 8, \"nodeid\": \"x::";  // killed mid-write
  }
  std::vector<std::string> warnings;
  const auto results = read_journals(dir, "run-a", warnings);
  REQUIRE(results.size() == 1);
  CHECK(results[0].index == 7);
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0], Catch::Contains("rank-3.jsonl:2"));
}

TEST_CASE("a resumed attempt's journal appends after a torn line, and its results win over earlier attempts") {
  const std::string dir = fresh_temp_dir("journal-resumed");
  TestResult r;
  r.index = 0;
  r.nodeid = "x::y";
  r.outcome = Outcome::kError;
  r.stopped_by_run = true;
  {
    Journal j(dir, 0, "run-a");
    j.append(r);
    std::ofstream(j.path(), std::ios::app) << "{\"index\": 1, \"nodeid\": \"x::";  // killed mid-write
  }
  {
    Journal j(dir, 0, "run-a");  // the second attempt's rank 0
    r.outcome = Outcome::kPassed;
    r.stopped_by_run = false;
    r.attempt = 2;
    REQUIRE(j.append(r));
  }
  std::vector<std::string> warnings;
  const auto results = read_journals(dir, "run-a", warnings);
  REQUIRE(results.size() == 2);
  CHECK(warnings.size() == 1);  // the torn line alone
  CHECK(results[0].stopped_by_run);
  CHECK(results[1].attempt == 2);
  const auto latest = latest_attempts({results[1], results[0]});
  REQUIRE(latest.size() == 1);
  CHECK(latest[0].outcome == Outcome::kPassed);
  RunPlan plan;
  plan.tests.push_back({});
  CHECK(complete_results(plan, {results[1], results[0]}, "lost")[0].outcome == Outcome::kPassed);
}

TEST_CASE("journals: another run's lines, deep nesting and junk are skipped with a warning, never fatal") {
  const std::string dir = fresh_temp_dir("journal-hostile");
  {
    Journal mine(dir, 0, "run-a");
    Journal other(dir, 1, "run-b");
    TestResult r;
    r.index = 1;
    r.nodeid = "x::y";
    r.outcome = Outcome::kPassed;
    mine.append(r);
    other.append(r);
    std::ofstream(mine.path(), std::ios::app) << std::string(100000, '[') << "\n" << "\x01\xff not json\n";
  }
  std::vector<std::string> warnings;
  const auto results = read_journals(dir, "run-a", warnings);
  REQUIRE(results.size() == 1);
  REQUIRE(warnings.size() == 3);
  CHECK_THAT(warnings[0], Catch::Contains("rank-0.jsonl:2: unreadable"));
  CHECK_THAT(warnings[1], Catch::Contains("rank-0.jsonl:3: unreadable"));
  CHECK_THAT(warnings[2], Catch::Contains("rank-1.jsonl: 1 entries of another run skipped"));
}

TEST_CASE("secrets are redacted wherever a command line or configuration is recorded") {
  CHECK(redact_text("https://hooks.example.org/services/T0/B0/XYZsecret") == "https://hooks.example.org/…");
  CHECK(redact_text("see https://user:pa55@host:8443/x?token=abc now") == "see https://host:8443/… now");
  CHECK(redact_text("https://s3.eu-central-1.amazonaws.com") == "https://s3.eu-central-1.amazonaws.com");
  CHECK(redact_text("--api-token=abc --timeout=3 AWS_SECRET_ACCESS_KEY=xyz x=1") == "--api-token=*** --timeout=3 AWS_SECRET_ACCESS_KEY=*** x=1");
  CHECK(redact_command_line({"run", "--webhook", "https://h.example/T/B/X", "--password", "hunter2", "--maxfail", "3"}) ==
        std::vector<std::string>{"run", "--webhook", "https://h.example/…", "--password", "***", "--maxfail", "3"});

  const std::string dir = fresh_temp_dir("redaction");
  auto o = sample_outcome(dir);
  o.plan.command_line = {"run", "--webhook", "https://hooks.example.org/services/SECRET1"};
  o.plan.tests[0].spec.env = {{"ARCHIVE_TOKEN", "SECRET2"}, {"ENDPOINT", "https://u:SECRET3@host/x"}, {"PLAIN", "visible"}};
  write_run_plan(o.plan);
  write_json_report(o, 1, o.plan.json_report_path);
  for (const std::string file : {"/run.json", "/report.json"}) {
    std::ifstream in(dir + file);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    INFO(file);
    for (const char* secret : {"SECRET1", "SECRET2", "SECRET3"}) CHECK_THAT(text, !Catch::Contains(secret));
    if (file == "/run.json") CHECK_THAT(text, Catch::Contains("visible"));
  }
}

TEST_CASE("report.html of a run of 6,000 tests stays bounded: failures first, the rest in report.json") {
  RunOutcome o;
  o.plan.profile.name = "local";
  for (int i = 0; i < 6000; ++i) {
    TestResult r;
    r.index = i;
    r.nodeid = "big.yaml::t" + std::to_string(i);
    r.outcome = i == 5999 ? Outcome::kFailed : Outcome::kPassed;
    r.rank = i % 8;
    r.start_unix = 100 + i;
    r.stop_unix = 100 + i + (i == 42 ? 50.0 : 0.5);
    o.results.push_back(r);
  }
  const std::string html = render_html_report(o, nullptr);
  auto count = [&](const std::string& needle) {
    std::size_t n = 0;
    for (auto at = html.find(needle); at != std::string::npos; at = html.find(needle, at + 1)) ++n;
    return n;
  };
  CHECK(count("<rect") == 5000);
  CHECK(count("<tr>") == 2001);  // the header and 2,000 tests
  CHECK(html.find("big.yaml::t5999</td>") < html.find("big.yaml::t0</td>"));  // the failure first
  CHECK(html.find("big.yaml::t42 (passed, 50.00 s)") != std::string::npos);  // the longest test is drawn
  CHECK_THAT(html, Catch::Contains("2000 of 6000 tests are listed here, failures first; report.json"));
  CHECK_THAT(html, Catch::Contains("5000 of 6000 tests are drawn here, the longest; report.json"));
}
