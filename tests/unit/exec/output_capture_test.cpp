#include <catch2/catch.hpp>

#include "tellus_harness/exec/output_capture.hpp"

using namespace tellus_harness;

TEST_CASE("output within the limit is kept whole") {
  OutputCapture c(100);
  c.append("hello ");
  c.append("world");
  CHECK(c.text() == "hello world");
}

TEST_CASE("long output keeps head and tail and says what was left out") {
  OutputCapture c(10);
  std::string all;
  for (int i = 0; i < 100; ++i) {
    const std::string piece = std::to_string(i) + ",";
    all += piece;
    c.append(piece);
  }
  const std::string text = c.text();
  CHECK(text.substr(0, 5) == all.substr(0, 5));
  CHECK(text.substr(text.size() - 5) == all.substr(all.size() - 5));
  CHECK_THAT(text, Catch::Contains("[... " + std::to_string(all.size() - 10) + " bytes omitted ...]"));
  CHECK(c.total_bytes() == all.size());
}
