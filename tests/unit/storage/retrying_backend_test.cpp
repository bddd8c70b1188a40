// The retry policy on its own: a backend whose link fails a set number of times.
#include <catch2/catch.hpp>
#include <chrono>

#include "tellus_harness/common/wall_clock.hpp"
#include "tellus_harness/storage/retrying_backend.hpp"

using namespace tellus_harness;

namespace {
// Connections that fail with `error` until `failures` have happened.
struct Link {
  int failures = 0;
  bool transient = true;
  int connects = 0;
  int calls = 0;
};

class FlakyBackend final : public StorageBackend {
 public:
  explicit FlakyBackend(Link& link) : link_(link) { fail_if_due("connect"); }
  std::string type() const override { return "flaky"; }
  void mkdir(const std::string&) override { fail_if_due("mkdir"); }
  void put(const std::string&, const std::string&, std::uint64_t) override { fail_if_due("put"); }
  void get(const std::string&, const std::string&, std::uint64_t) override { fail_if_due("get"); }
  std::vector<StoredObject> list(const std::string&) override { return {}; }
  std::optional<StoredObject> stat(const std::string&) override { return std::nullopt; }
  void remove(const std::string&) override {}

 private:
  void fail_if_due(const std::string& what) {
    if (link_.calls++ < link_.failures) throw StorageError(what + " failed", link_.transient);
  }
  Link& link_;
};

RetryingBackend retrying(Link& link, double deadline) {
  return RetryingBackend(
      "flaky",
      [&link] {
        ++link.connects;
        return std::make_unique<FlakyBackend>(link);
      },
      deadline);
}
}  // namespace

TEST_CASE("retrying backend: transient failures, even on the first connection, are retried on a new connection") {
  Link link{3, true};
  auto b = retrying(link, 0);
  CHECK(link.connects == 0);  // connects on first use
  b.mkdir("x");
  CHECK(b.retries() == 3);
  CHECK(link.connects == 4);
}

TEST_CASE("retrying backend: a permanent failure is raised at once") {
  Link link{1, false};
  auto b = retrying(link, 0);
  CHECK_THROWS_WITH(b.mkdir("x"), "connect failed");
  CHECK(b.retries() == 0);
  CHECK(link.connects == 1);
}

TEST_CASE("retrying backend: gives up at the deadline and says so") {
  Link link{1000, true};
  auto b = retrying(link, now_unix() + 0.5);
  const auto t0 = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH(b.put("a", "b"), Catch::Contains("gave up at the test's deadline"));
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
  CHECK(b.retries() >= 1);
}
