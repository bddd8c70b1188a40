#pragma once
// One format of a finished run's report (report.json, report.xml, report.html, the terminal
// summary). Each format is a file of its own implementing Reporter, listed once in
// src/report/report_formats.cpp; publish_run() writes every format the registry lists. (The
// live progress lines are not a Reporter: they follow the run as it goes, report/progress.hpp.)
#include <memory>
#include <string>
#include <vector>

namespace tellus_harness {

struct RunOutcome;
struct TrendView;

struct ReportInput {
  const RunOutcome& outcome;
  int exit_code;
  const TrendView* trends;  // may be null: no trend charts
};

class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual std::string format() const = 0;
  // Writes the report; throws std::runtime_error when it cannot (a full disk, a path gone).
  virtual void write(const ReportInput& input) const = 0;
};

// Every format, in the order publish_run() writes them (the terminal summary first).
const std::vector<std::unique_ptr<Reporter>>& reporters();
std::vector<std::string> report_formats();

}  // namespace tellus_harness
