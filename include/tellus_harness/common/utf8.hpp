#pragma once
// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing beyond U+10FFFF.
#include <cstddef>
#include <string>
#include <string_view>

namespace tellus_harness {

// The code point of the well-formed sequence at s[i] in `cp` and its length; 0 when the bytes
// at i are not well-formed UTF-8.
std::size_t decode_utf8(std::string_view s, std::size_t i, char32_t& cp);

// The offset of the first byte that is not part of well-formed UTF-8, or npos.
std::size_t first_invalid_utf8(std::string_view s);

// The length of s's longest prefix of at most `max` bytes that cuts no UTF-8 sequence in two.
std::size_t utf8_prefix_length(std::string_view s, std::size_t max);

}  // namespace tellus_harness
