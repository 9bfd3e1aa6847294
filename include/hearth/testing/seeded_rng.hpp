// A seeded pseudo-random sequence for simulators and synthetic data in tests: splitmix64, so a
// seed gives the same sequence with every compiler and standard library (std:: distributions
// differ between libraries, which would make a simulated household differ between machines).
#pragma once

#include <cstdint>

namespace hearth::testing {

/// splitmix64 with small helpers. Not for cryptography.
class seeded_rng {
public:
    explicit seeded_rng(std::uint64_t seed) : s_(seed) {}
    /// The next 64 pseudo-random bits.
    std::uint64_t next() {
        std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31U);
    }
    /// A uniform integer in [lo, hi] (lo <= hi).
    int between(int lo, int hi) { return lo + static_cast<int>(next() % static_cast<std::uint64_t>(hi - lo + 1)); }
    /// True with probability percent / 100.
    bool chance(int percent) { return between(1, 100) <= percent; }

private:
    std::uint64_t s_;
};

}  // namespace hearth::testing
