#include "tellus_harness/report/html_report.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>
#include <sstream>

#include "report/builtin_reporters.hpp"
#include "tellus_harness/common/atomic_file.hpp"
#include "tellus_harness/common/wall_clock.hpp"
#include "tellus_harness/report/junit_xml.hpp"
#include "tellus_harness/report/publish.hpp"
#include "tellus_harness/results/result_details.hpp"

namespace tellus_harness {

namespace {

std::string esc(const std::string& s) { return xml_escape(s); }

std::string num(double v, const char* format = "%.3g") {
  char b[32];
  std::snprintf(b, sizeof b, format, v);
  return b;
}

const char* color_of(Outcome o) {
  switch (o) {
    case Outcome::kPassed: return "#2e7d32";
    case Outcome::kFailed: return "#c62828";
    case Outcome::kError: return "#ef6c00";
    case Outcome::kSkipped: return "#9e9e9e";
    case Outcome::kXfailed: return "#8d6e63";
    case Outcome::kXpassed: return "#f9a825";
  }
  return "#9e9e9e";
}

constexpr const char* kStyle = R"(
body{font:14px/1.4 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:16px;color:#222}
h1{font-size:22px}h2{font-size:18px;border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:28px}
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{border:1px solid #ddd;border-radius:6px;padding:8px 14px;min-width:90px}
.card b{display:block;font-size:22px}.passed b{color:#2e7d32}.failed b{color:#c62828}.error b{color:#ef6c00}.skipped b{color:#757575}.xfailed b{color:#8d6e63}.xpassed b{color:#f9a825}
pre{background:#f6f6f6;padding:8px;overflow:auto;max-height:300px;white-space:pre-wrap;word-break:break-all}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eee;padding:3px 6px;text-align:left;vertical-align:top}
.o-passed{color:#2e7d32}.o-failed{color:#c62828}.o-error{color:#ef6c00}.o-skipped{color:#757575}.o-xfailed{color:#8d6e63}.o-xpassed{color:#f9a825}
details{margin:8px 0;border:1px solid #eee;border-radius:4px;padding:4px 8px}summary{cursor:pointer}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:12px}
.chart{border:1px solid #eee;border-radius:4px;padding:6px}.chart.regressed{border-color:#c62828}
.small{color:#666;font-size:12px}
)";

void summary(std::ostringstream& h, const RunOutcome& o) {
  const Summary s = summarize(o);
  const std::string created = utc_text(o.plan.created_unix, "%Y-%m-%d %H:%M:%S UTC");
  h << "<h1>tellus-harness report</h1><p class=small>" << created << " · profile " << esc(o.plan.profile.name)
    << " (timeout × " << num(o.plan.profile.timeout_multiplier) << ") · " << o.plan.ranks
    << (o.plan.ranks == 1 ? " rank · " : " ranks · ") << num(o.duration_s, "%.1f") << " s · exit code "
    << exit_code_for(o) << (o.interrupted ? " · interrupted" : "")
    << "</p><div class=cards>";
  for (auto [label, n] : {std::pair{"passed", s.passed}, {"failed", s.failed}, {"error", s.error}, {"skipped", s.skipped},
                          {"xfailed", s.xfailed}, {"xpassed", s.xpassed}, {"quarantined", s.quarantined}})
    if (n > 0 || (label[0] != 'x' && label[0] != 'q'))  // xfail outcomes and quarantine only where there are some
      h << "<div class='card " << label << "'><b>" << n << "</b>" << label << "</div>";
  h << "<div class=card><b>" << s.total() << "</b>collected</div></div>";
}

// A report of a run of 100,000 tests stays a page a browser opens: past these many, the
// sections show the first ones (failures first) and say where the rest is (report.json).
constexpr std::size_t kMaxFailuresShown = 500;
constexpr std::size_t kMaxTableRows = 2000;
constexpr std::size_t kMaxTimelineBars = 5000;

bool failed(const TestResult& r) { return r.outcome == Outcome::kFailed || r.outcome == Outcome::kError; }

void more_in_json(std::ostringstream& h, std::size_t shown, std::size_t total, const char* what) {
  if (shown < total)
    h << "<p class=small>" << shown << " of " << total << " " << what
      << "; report.json beside this file holds every one.</p>";
}

void failures(std::ostringstream& h, const RunOutcome& o) {
  h << "<h2 id=failures>Failures</h2>";
  bool any = false;
  std::size_t shown = 0, total = 0;
  ResultDetails details(o.plan.output_dir);
  for (std::size_t i = 0; i < o.results.size(); ++i) {
    if (!failed(o.results[i]) || o.quarantined.count(static_cast<int>(i))) continue;
    any = true;
    if (++total > kMaxFailuresShown) continue;
    ++shown;
    const TestResult r = details.whole(o.results[i]);
    h << "<details open><summary><b class=o-" << outcome_name(r.outcome) << ">" << outcome_name(r.outcome) << "</b> "
      << esc(r.nodeid) << " <span class=small>rank " << r.rank << " on " << esc(r.host) << "</span></summary><pre>"
      << esc(r.longrepr) << "</pre>";
    if (!r.stdout_text.empty()) h << "<div class=small>stdout</div><pre>" << esc(r.stdout_text) << "</pre>";
    if (!r.stderr_text.empty()) h << "<div class=small>stderr</div><pre>" << esc(r.stderr_text) << "</pre>";
    h << "</details>";
  }
  if (!any) h << "<p>None.</p>";
  more_in_json(h, shown, total, "failures are shown here");
}

// Failures the quarantine protects the run from, and entries that no longer do.
void quarantine(std::ostringstream& h, const RunOutcome& o) {
  if (o.quarantined.empty() && o.quarantine_expired.empty()) return;
  h << "<h2 id=quarantine>Quarantined</h2><table><tr><th>test</th><th>outcome</th><th>reason</th><th>owner</th>"
       "<th>until</th></tr>";
  auto row = [&](int index, int entry, bool expired) {
    const auto& q = o.plan.quarantine[entry];
    const auto& r = o.results[index];
    h << "<tr><td>" << esc(r.nodeid) << "</td><td class=o-" << outcome_name(r.outcome) << ">" << outcome_name(r.outcome)
      << "</td><td>" << esc(q.reason) << "</td><td>" << esc(q.owner) << "</td><td>" << esc(q.expires)
      << (expired ? " <b class=o-failed>expired: the failure counts</b>" : "") << "</td></tr>";
  };
  for (const auto& [index, entry] : o.quarantined) row(index, entry, false);
  for (const auto& [index, entry] : o.quarantine_expired) row(index, entry, true);
  h << "</table>";
}

// Each rank gets one lane per test it ran at the same time (interval partitioning), so that
// concurrent tests sit side by side instead of on top of each other. A test of several ranks
// is drawn on every slot (harness rank) it held, outlined, so the slots' use can be read off.
void timeline(std::ostringstream& h, const RunOutcome& o) {
  std::vector<const TestResult*> ran;
  for (const auto& r : o.results)
    if (r.rank >= 0 && r.stop_unix > 0) ran.push_back(&r);
  h << "<h2 id=timeline>Timeline</h2>";
  if (ran.empty()) {
    h << "<p>No test ran.</p>";
    return;
  }
  const std::size_t ran_total = ran.size();
  if (ran.size() > kMaxTimelineBars) {  // the longest tests: what a timeline is read for
    std::nth_element(ran.begin(), ran.begin() + kMaxTimelineBars, ran.end(), [](auto* a, auto* b) {
      return a->stop_unix - a->start_unix > b->stop_unix - b->start_unix;
    });
    ran.resize(kMaxTimelineBars);
  }
  struct Bar {
    const TestResult* r;
    int slot;  // the rank whose row it is drawn in
  };
  std::vector<Bar> bars;
  for (auto* r : ran) {
    if (r->slots.empty()) bars.push_back({r, r->rank});
    for (int slot : r->slots) bars.push_back({r, slot});
  }
  std::sort(bars.begin(), bars.end(), [](const Bar& a, const Bar& b) {
    return a.slot != b.slot ? a.slot < b.slot : a.r->start_unix < b.r->start_unix;
  });
  double t0 = ran.front()->start_unix, t1 = 0;
  for (auto* r : ran) {
    t0 = std::min(t0, r->start_unix);
    t1 = std::max(t1, r->stop_unix);
  }
  std::vector<int> lane_of(bars.size());
  std::map<int, std::vector<double>> lane_ends;  // rank -> end time of each lane
  std::map<int, std::string> host_of;
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    auto& ends = lane_ends[b.slot];
    if (b.slot == b.r->rank) host_of[b.slot] = b.r->host;  // a rank that only held slots shows none
    std::size_t lane = 0;
    while (lane < ends.size() && ends[lane] > b.r->start_unix) ++lane;
    if (lane == ends.size()) ends.push_back(0);
    ends[lane] = b.r->stop_unix;
    lane_of[i] = static_cast<int>(lane);
  }
  const double span = std::max(t1 - t0, 1e-3), width = 1000, label = 130, lane_h = 12, gap = 8;
  std::map<int, double> top_of;
  double height = 0;
  for (const auto& [rank, ends] : lane_ends) {
    top_of[rank] = height;
    height += std::max<double>(static_cast<double>(ends.size()) * lane_h, 16) + gap;
  }
  h << "<svg viewBox='0 0 " << width + label << " " << height + 16 << "' width=100% role=img aria-label='per-rank timeline'>";
  for (const auto& [rank, top] : top_of)
    h << "<text x=0 y=" << num(top + 12, "%.0f") << " font-size=12>rank " << rank << " · " << esc(host_of[rank].substr(0, 14))
      << "</text><line x1=" << label << " x2=" << width + label << " y1=" << num(top - gap / 2, "%.0f") << " y2="
      << num(top - gap / 2, "%.0f") << " stroke=#eee />";
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const TestResult* r = bars[i].r;
    const double x = label + (r->start_unix - t0) / span * width;
    const double w = std::max(1.0, (r->stop_unix - r->start_unix) / span * width);
    h << "<rect x=" << num(x, "%.1f") << " y=" << num(top_of[bars[i].slot] + lane_of[i] * lane_h, "%.1f") << " width="
      << num(w, "%.1f") << " height=" << lane_h - 2 << " fill='" << color_of(r->outcome) << "'"
      << (r->slots.empty() ? "" : " stroke=#333 stroke-width=1.5 data-slots=" + std::to_string(r->slots.size())) << "><title>"
      << esc(r->nodeid) << " (" << outcome_name(r->outcome) << ", " << num(r->stop_unix - r->start_unix, "%.2f") << " s";
    if (!r->slots.empty()) h << "; " << r->ranks << " ranks holding " << r->slots.size() << " slots, launched by rank " << r->rank;
    h << ")</title></rect>";
  }
  for (int k = 0; k <= 4; ++k)
    h << "<text x=" << num(label + k * width / 4 - (k == 4 ? 30 : 0), "%.0f") << " y=" << num(height + 12, "%.0f")
      << " font-size=11 fill=#666>" << num(span * k / 4, "%.1f") << " s</text>";
  h << "</svg><p class=small>";
  for (const auto& r : rank_summaries(o.results))
    h << "rank " << r.rank << ": " << r.tests << " tests, busy " << num(r.busy_s, "%.1f") << " s · ";
  h << "green passed, red failed, orange error; outlined: a test of several ranks, drawn on each slot it held; "
       "hover a bar for the test.</p>";
  more_in_json(h, ran.size(), ran_total, "tests are drawn here, the longest");
}

void chart(std::ostringstream& h, const SeriesKey& key, const MetricHistory& m, const Regression* regression) {
  const auto& p = m.points;
  const std::size_t from = p.size() > 50 ? p.size() - 50 : 0;
  double lo = p[from].value, hi = lo;
  for (std::size_t i = from; i < p.size(); ++i) {
    lo = std::min(lo, p[i].value);
    hi = std::max(hi, p[i].value);
  }
  if (hi == lo) hi = lo + 1;
  const double w = 320, ht = 90, n = static_cast<double>(p.size() - from - 1 > 0 ? p.size() - from - 1 : 1);
  auto x = [&](std::size_t i) { return 5 + (i - from) / n * (w - 10); };
  auto y = [&](double v) { return 5 + (hi - v) / (hi - lo) * (ht - 10); };
  h << "<div class='chart" << (regression ? " regressed" : "") << "'><div><b>" << esc(key.second) << "</b> <span class=small>"
    << esc(key.first) << " · " << direction_name(m.direction) << "</span></div><svg viewBox='0 0 " << w << " " << ht
    << "' width=100% role=img aria-label='" << esc(key.second) << " trend'>";
  if (regression) {
    const std::size_t first_bad = p.size() - static_cast<std::size_t>(regression->runs_since_change);
    const double bx = x(std::max(first_bad, from)) - 3;
    h << "<rect x=" << num(bx, "%.1f") << " y=0 width=" << num(w - bx, "%.1f") << " height=" << ht
      << " fill='#c62828' fill-opacity=0.1><title>regression</title></rect>";
  }
  h << "<polyline fill=none stroke=#1565c0 stroke-width=1.5 points='";
  for (std::size_t i = from; i < p.size(); ++i) h << num(x(i), "%.1f") << "," << num(y(p[i].value), "%.1f") << " ";
  h << "'/>";
  for (std::size_t i = from; i < p.size(); ++i)
    h << "<circle cx=" << num(x(i), "%.1f") << " cy=" << num(y(p[i].value), "%.1f") << " r=2 fill=#1565c0><title>"
      << num(p[i].value, "%.4g") << (p[i].commit.empty() ? "" : " @ " + esc(p[i].commit.substr(0, 10))) << "</title></circle>";
  h << "</svg><div class=small>latest " << num(p.back().value, "%.4g") << ", range " << num(lo, "%.4g") << "–"
    << num(hi, "%.4g") << ", " << p.size() << " runs";
  if (regression)
    h << " · <b class=o-failed>regression " << num(regression->change_percent, "%+.1f") << "% over "
      << regression->runs_since_change << " runs</b>";
  h << "</div></div>";
}

void trends(std::ostringstream& h, const TrendView& t) {
  h << "<h2 id=trends>Trends</h2>";
  std::map<SeriesKey, const Regression*> flagged;
  for (const auto& f : t.regressions) flagged[{f.test, f.metric}] = &f.regression;
  h << "<p>" << t.regressions.size() << " regression" << (t.regressions.size() == 1 ? "" : "s")
    << " (sustained shifts in the bad direction; marked red).</p><div class=charts>";
  int shown = 0;
  for (int pass = 0; pass < 2; ++pass)  // regressions first, then the rest
    for (const auto& [key, m] : t.histories) {
      const bool regressed = flagged.count(key) > 0;
      // Counts and sizes (no better direction) are not trends anyone acts on.
      if ((pass == 0) != regressed || m.points.size() < 2 || m.direction == Direction::kUnknown || shown >= 60) continue;
      chart(h, key, m, regressed ? flagged[key] : nullptr);
      ++shown;
    }
  h << "</div>";
  if (shown == 0) h << "<p>Not enough history yet (two runs or more per metric).</p>";
}

void all_tests(std::ostringstream& h, const RunOutcome& o) {
  h << "<h2 id=tests>All tests</h2><table><tr><th>test</th><th>outcome</th><th>s</th><th>rank</th><th>why</th></tr>";
  std::vector<const TestResult*> rows;  // failures first, then in the plan's order
  for (const auto& r : o.results)
    if (failed(r)) rows.push_back(&r);
  for (const auto& r : o.results)
    if (!failed(r)) rows.push_back(&r);
  if (rows.size() > kMaxTableRows) rows.resize(kMaxTableRows);
  for (const TestResult* row : rows) {
    const TestResult& r = *row;
    h << "<tr><td>" << esc(r.nodeid) << "</td><td class=o-" << outcome_name(r.outcome) << ">" << outcome_name(r.outcome)
      << "</td><td>" << num(r.call_s, "%.2f") << "</td><td>" << (r.rank >= 0 ? std::to_string(r.rank) : "") << "</td><td>"
      << esc(r.longrepr.substr(0, 200)) << "</td></tr>";
  }
  h << "</table>";
  more_in_json(h, rows.size(), o.results.size(), "tests are listed here, failures first");
}

}  // namespace

std::string render_html_report(const RunOutcome& outcome, const TrendView* trend_view) {
  std::ostringstream h;
  h << "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
       "<meta name=viewport content='width=device-width,initial-scale=1'>"
       "<meta http-equiv=Content-Security-Policy content=\"default-src 'none'; style-src 'unsafe-inline'\">"
       "<title>tellus-harness report</title><style>"
    << kStyle << "</style></head><body>";
  summary(h, outcome);
  failures(h, outcome);
  quarantine(h, outcome);
  timeline(h, outcome);
  if (trend_view) trends(h, *trend_view);
  all_tests(h, outcome);
  h << "</body></html>\n";
  return h.str();
}

std::unique_ptr<Reporter> make_html_reporter() {
  struct Html final : Reporter {
    std::string format() const override { return "html"; }
    void write(const ReportInput& in) const override {
      write_file_atomically(html_report_path(in.outcome.plan), render_html_report(in.outcome, in.trends));
    }
  };
  return std::make_unique<Html>();
}

}  // namespace tellus_harness
