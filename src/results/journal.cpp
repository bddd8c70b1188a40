#include "tellus_harness/results/journal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "tellus_harness/common/bounded_json.hpp"
#include "tellus_harness/common/schema_version.hpp"
#include "tellus_harness/results/result_details.hpp"
#include "tellus_harness/results/test_result_json.hpp"

namespace fs = std::filesystem;

namespace tellus_harness {

std::string journal_path(const std::string& output_dir, int rank) {
  return (fs::path(output_dir) / "journal" / ("rank-" + std::to_string(rank) + ".jsonl")).string();
}

Journal::Journal(const std::string& output_dir, int rank, std::string run_id) : run_id_(std::move(run_id)), rank_(rank) {
  std::error_code ec;
  fs::create_directories(fs::path(output_dir) / "journal", ec);
  path_ = journal_path(output_dir, rank);
  fd_ = open(path_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    failure_ = "cannot open journal " + path_ + ": " + std::strerror(errno);
    return;
  }
  // A resumed run appends to the journal of an attempt that was killed, perhaps mid-line:
  // that torn line ends here, so that it is skipped alone and the next result is whole.
  char last = '\n';
  if (const off_t size = lseek(fd_, 0, SEEK_END); size > 0 && pread(fd_, &last, 1, size - 1) == 1 && last != '\n' &&
                                                  write(fd_, "\n", 1) != 1)
    failure_ = "cannot write journal " + path_ + ": " + std::strerror(errno);
}

Journal::~Journal() {
  if (fd_ >= 0) close(fd_);
}

bool Journal::append(const TestResult& result, JournalLine* where) {
  if (!failure_.empty()) return false;
  const std::string line = test_result_line(result, {{"schema_version", kJournalSchemaVersion}, {"run_id", run_id_}}) + "\n";
  // This rank alone appends to this file, so the line starts at its present end.
  const off_t start = lseek(fd_, 0, SEEK_END);
  std::size_t written = 0;
  while (written < line.size()) {
    const ssize_t n = write(fd_, line.data() + written, line.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      failure_ = "cannot write journal " + path_ + ": " + std::strerror(errno);
      // A torn line would hide the next result: cut back to the last whole one.
      if (written > 0 && ftruncate(fd_, lseek(fd_, 0, SEEK_END) - static_cast<off_t>(written)) != 0) {
      }
      return false;
    }
    written += static_cast<std::size_t>(n);
  }
  if (where != nullptr && start >= 0) *where = {rank_, start, static_cast<std::int64_t>(line.size() - 1)};
  return true;
}

std::vector<TestResult> read_journals(const std::string& output_dir, const std::string& run_id,
                                      std::vector<std::string>& warnings, JournalDetail detail) {
  std::vector<TestResult> results;
  std::vector<std::pair<int, fs::path>> files;  // (rank, journal)
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(output_dir) / "journal", ec)) {
    const std::string name = e.path().filename().string();
    int rank = -1;
    if (e.path().extension() != ".jsonl" || std::sscanf(name.c_str(), "rank-%d.jsonl", &rank) != 1 || rank < 0) continue;
    files.emplace_back(rank, e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& [rank, file] : files) {
    std::ifstream in(file);
    std::string line;
    int number = 0, foreign = 0;
    std::int64_t offset = 0;
    for (; std::getline(in, line); offset += static_cast<std::int64_t>(line.size()) + 1) {
      ++number;
      if (line.empty()) continue;
      const std::string where = file.string() + ":" + std::to_string(number);
      try {
        const auto entry = parse_bounded_json(line, {kMaxJournalLine, 64});
        if (!run_id.empty() && entry.value("run_id", "") != run_id) {
          ++foreign;
          continue;
        }
        require_known_schema(where, entry.value("schema_version", 1), kJournalSchemaVersion);
        TestResult r = entry.get<TestResult>();
        r.journal_line = {rank, offset, static_cast<std::int64_t>(line.size())};
        if (detail == JournalDetail::kSummary) keep_summary(r);
        results.push_back(std::move(r));
      } catch (const NewerSchema& e) {
        warnings.push_back(std::string(e.what()) + "; skipped");
      } catch (const std::exception&) {
        warnings.push_back(where + ": unreadable journal entry skipped");
      }
    }
    if (foreign > 0)
      warnings.push_back(file.string() + ": " + std::to_string(foreign) + " entries of another run skipped");
  }
  return results;
}

}  // namespace tellus_harness
