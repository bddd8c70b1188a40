#pragma once
// report.html: summary, failures with their output, a per-rank timeline (which test ran when
// on which rank), and trend charts of the metrics over the last runs with regressions marked.
// Self-contained (inline CSS and SVG, no script, nothing fetched) and escaped throughout.
#include <string>

#include "tellus_harness/perf/trend_analysis.hpp"
#include "tellus_harness/results/run_outcome.hpp"

namespace tellus_harness {

struct TrendView {
  std::map<SeriesKey, MetricHistory> histories;
  std::vector<RegressionFinding> regressions;
};

std::string render_html_report(const RunOutcome& outcome, const TrendView* trends);

}  // namespace tellus_harness
