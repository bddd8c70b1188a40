#pragma once
// xoshiro256** seeded through SplitMix64: 8 random bytes in a few cycles, the same stream
// for the same seed on every machine (the test data must be byte-identical across nodes).
#include <cstdint>

namespace tellus_harness {

class Prng {
 public:
  explicit Prng(std::uint64_t seed) {
    for (auto& s : state_) s = splitmix(seed);
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }
  // Uniform in [-1, 1).
  float symmetric_unit() { return static_cast<float>(static_cast<std::int64_t>(next()) >> 40) * 0x1p-23f; }

  // A seed for item `index` of a stream seeded with `seed`, independent of the others.
  static std::uint64_t derive(std::uint64_t seed, std::uint64_t index) {
    std::uint64_t x = seed ^ (index * 0x9E3779B97F4A7C15ull);
    return splitmix(x);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static std::uint64_t splitmix(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::uint64_t state_[4];
};

}  // namespace tellus_harness
