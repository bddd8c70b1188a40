#pragma once
// "did you mean ...?" for every name a user types: keys, kinds, profiles, backends.
#include <string>
#include <string_view>
#include <vector>

namespace tellus_harness {

// The known word closest to `word` by edit distance, or "" when none is close.
std::string nearest_word(std::string_view word, const std::vector<std::string>& known);

}  // namespace tellus_harness
