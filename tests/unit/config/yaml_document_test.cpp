#include <catch2/catch.hpp>

#include <string>
#include <yaml-cpp/exceptions.h>

#include "tellus_harness/config/yaml_document.hpp"

using namespace tellus_harness;

TEST_CASE("a YAML document: values, lines, missing keys, and conversions as yaml-cpp makes them") {
  const YamlNode doc = parse_yaml("suite: s\n"
                                  "tests:\n"
                                  "  - name: a\n"
                                  "    timeout: 1.5\n"
                                  "    retries: 0x10\n"
                                  "    flag: yes\n"
                                  "    empty:\n"
                                  "    quoted: \"null\"\n"
                                  "    list: [x, {y: z}]\n");
  REQUIRE(doc.is_map());
  CHECK(doc.size() == 2);
  CHECK(doc["suite"].scalar() == "s");
  CHECK_FALSE(doc["nothing"].defined());
  CHECK_FALSE(doc["suite"]["deeper"].defined());
  const YamlNode test = doc["tests"].item(0);
  CHECK(test.line() == 3);
  CHECK(test["timeout"].as<double>() == 1.5);
  CHECK(test["timeout"].line() == 4);
  CHECK(test["retries"].as<std::int64_t>() == 16);
  CHECK(test["flag"].as<bool>());
  CHECK(test["empty"].defined());
  CHECK(test["empty"].is_null());
  CHECK(test["quoted"].is_scalar());  // a quoted "null" is the word, not null
  CHECK(test["list"].size() == 2);
  CHECK(test["list"].item(1)["y"].scalar() == "z");
  CHECK_FALSE(test["list"].item(2).defined());
  CHECK(test.key(0).scalar() == "name");
  CHECK(test.value(0).scalar() == "a");
  CHECK_THROWS_AS(test["name"].as<double>(), YamlShapeError);
  CHECK_THROWS_AS(test["list"].scalar(), YamlShapeError);
  CHECK(parse_yaml("").is_null());
}

TEST_CASE("YAML aliases point at the value they name, and one inside its own value or an expanding bomb is refused") {
  const YamlNode doc = parse_yaml("base: &b {timeout: 3, env: {A: '1'}}\nuse: *b\n");
  CHECK(doc["use"]["env"]["A"].scalar() == "1");
  CHECK(doc["use"].line() == 1);  // the value named, where it stands
  CHECK_THROWS_AS(parse_yaml("a: &x [1, *x]\n"), YamlShapeError);
  std::string bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 9; ++i) {
    bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) bomb += (k ? ", *a" : "*a") + std::to_string(i - 1);
    bomb += "]\n";
  }
  try {
    parse_yaml(bomb);
    FAIL("a billion values from a file of 9 lines");
  } catch (const YamlShapeError& e) {
    CHECK_THAT(e.what(), Catch::Contains("ten million"));
  }
  CHECK_THROWS_AS(parse_yaml("a: [1, 2\n"), YAML::ParserException);
  CHECK(parse_yaml("a: \"\\xA0\"\n")["a"].scalar() == "\u00a0");  // an escape makes UTF-8
}
