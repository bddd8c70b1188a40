#include "tellus_harness/results/result_details.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <nlohmann/json.hpp>

#include "tellus_harness/common/bounded_json.hpp"
#include "tellus_harness/common/utf8.hpp"
#include "tellus_harness/results/journal.hpp"
#include "tellus_harness/results/test_result_json.hpp"

namespace tellus_harness {

bool summarized(const TestResult& r) { return r.journal_line.known() && r.journal_line.length > kWholeResultBytes; }

void keep_summary(TestResult& r) {
  if (!summarized(r)) return;
  // Swapped out, not assigned: an assigned empty string keeps its buffer.
  std::string().swap(r.stdout_text);
  std::string().swap(r.stderr_text);
  std::string().swap(r.pytest_report_json);
  if (r.longrepr.size() > kSummaryLongreprBytes) r.longrepr = r.longrepr.substr(0, utf8_prefix_length(r.longrepr, kSummaryLongreprBytes));
  r.details_in_journal = true;
}

ResultDetails::ResultDetails(std::string output_dir) : output_dir_(std::move(output_dir)) {}

ResultDetails::~ResultDetails() {
  for (const auto& [rank, fd] : fds_)
    if (fd >= 0) close(fd);
}

int ResultDetails::journal(int rank) {
  const auto it = fds_.find(rank);
  if (it != fds_.end()) return it->second;
  return fds_[rank] = open(journal_path(output_dir_, rank).c_str(), O_RDONLY | O_CLOEXEC);
}

TestResult ResultDetails::whole(const TestResult& r) {
  if (!r.details_in_journal) return r;
  TestResult out = r;
  out.details_in_journal = false;
  const JournalLine& at = r.journal_line;
  const std::string where = journal_path(output_dir_, at.rank) + " at byte " + std::to_string(at.offset);
  std::string problem;
  if (const int fd = journal(at.rank); fd < 0) {
    problem = "cannot open " + journal_path(output_dir_, at.rank);
  } else if (at.length > static_cast<std::int64_t>(kMaxJournalLine)) {
    problem = "the line at " + where + " is longer than a journal line can be";
  } else {
    std::string line(static_cast<std::size_t>(at.length), '\0');
    std::size_t got = 0;
    while (got < line.size()) {
      const ssize_t n = pread(fd, line.data() + got, line.size() - got, at.offset + static_cast<off_t>(got));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    try {
      if (got < line.size()) throw std::runtime_error("short");
      const TestResult line_result = parse_bounded_json(line, {kMaxJournalLine, 64}).get<TestResult>();
      // The line must be this test's, in case the journal was rewritten since.
      if (line_result.index != r.index || line_result.outcome != r.outcome || line_result.stop_unix != r.stop_unix)
        throw std::runtime_error("another result");
      out.longrepr = line_result.longrepr;
      out.stdout_text = line_result.stdout_text;
      out.stderr_text = line_result.stderr_text;
      out.pytest_report_json = line_result.pytest_report_json;
      return out;
    } catch (const std::exception&) {
      problem = "no longer this test's result at " + where;
    }
  }
  out.longrepr += "\n[tellus-harness: the captured output is not in this report: " + problem + "]";
  return out;
}

}  // namespace tellus_harness
