#include <catch2/catch.hpp>
#include <set>

#include "tellus_harness/common/user_error.hpp"
#include "tellus_harness/config/marker_expression.hpp"

using namespace tellus_harness;

namespace {
bool holds(const std::string& expr, std::set<std::string> markers) {
  return MarkerExpression::parse(expr, "-m").evaluate([&](const std::string& m) { return markers.count(m) > 0; });
}
}  // namespace

TEST_CASE("marker expressions follow pytest's precedence: not > and > or") {
  CHECK(holds("slow", {"slow"}));
  CHECK_FALSE(holds("not slow", {"slow"}));
  CHECK(holds("not slow", {}));
  CHECK(holds("a or b and c", {"a"}));
  CHECK_FALSE(holds("(a or b) and c", {"a"}));
  CHECK(holds("not slow and (network or integration)", {"integration"}));
  CHECK_FALSE(holds("not slow and (network or integration)", {"integration", "slow"}));
  CHECK(holds("not not a", {"a"}));
  CHECK(holds("", {}));  // empty: everything
}

TEST_CASE("bad expressions name the column") {
  REQUIRE_THROWS_AS(MarkerExpression::parse("not", "-m"), UserError);
  REQUIRE_THROWS_WITH(MarkerExpression::parse("a and", "-m"), Catch::Contains("column 6"));
  REQUIRE_THROWS_WITH(MarkerExpression::parse("(a or b", "-m"), Catch::Contains("expected ')'"));
  REQUIRE_THROWS_WITH(MarkerExpression::parse("a b", "-k"), Catch::Contains("bad -k expression"));
}

TEST_CASE("expressions nested or long beyond reason are one clear error, not a stack overflow") {
  const std::string deep = std::string(300, '(') + "a" + std::string(300, ')');
  CHECK_THROWS_WITH(MarkerExpression::parse(deep, "-m"), Catch::Contains("nested more than 100 levels deep"));
  std::string nots;
  for (int i = 0; i < 500; ++i) nots += "not ";
  CHECK_THROWS_WITH(MarkerExpression::parse(nots + "a", "-m"), Catch::Contains("nested more than 100 levels deep"));
  std::string chain = "a";
  for (int i = 0; i < 30000; ++i) chain += " or a";
  CHECK_THROWS_WITH(MarkerExpression::parse(chain, "-k"), Catch::Contains("more than 1000 words"));
  CHECK_FALSE(MarkerExpression::parse(std::string(100, '(') + "a" + std::string(100, ')'), "-m").empty());
}
