// -m / -k expressions: parsed or one UserError; a parsed one evaluates without failing.
#include <cstdint>
#include <string>

#include "tellus_harness/common/user_error.hpp"
#include "tellus_harness/config/marker_expression.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto e = tellus_harness::MarkerExpression::parse(text, "-m");
    e.evaluate([](const std::string& word) { return word.size() % 2 == 0; });
  } catch (const tellus_harness::UserError&) {
  }
  return 0;
}
