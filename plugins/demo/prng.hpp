// Role: the demo driver's deterministic pseudo-random source (SplitMix64), one per device, so a
// given `seed` always replays the same simulated behaviour regardless of which devices exist.
#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>

namespace hearth::demo {

/// A small, fast, deterministic PRNG (SplitMix64). Not for cryptography.
class prng {
public:
    /// Seeds the generator; equal seeds give equal sequences.
    explicit prng(std::uint64_t seed) noexcept : state_(seed) {}

    /// Next 64 uniformly distributed bits.
    std::uint64_t next() noexcept {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31U);
    }
    /// Uniform in [0, 1).
    double uniform() noexcept { return static_cast<double>(next() >> 11U) * 0x1.0p-53; }
    /// Uniform in [lo, hi).
    double uniform(double lo, double hi) noexcept { return lo + (hi - lo) * uniform(); }
    /// Uniform in [-amplitude, amplitude).
    double noise(double amplitude) noexcept { return uniform(-amplitude, amplitude); }
    /// True with probability `p`.
    bool chance(double p) noexcept { return uniform() < p; }
    /// True if an event of a Poisson process with mean interval `mean_interval_s` happens within
    /// `dt_s` seconds: makes behaviour independent of the tick length.
    bool happens(double dt_s, double mean_interval_s) noexcept {
        return mean_interval_s > 0 && chance(1.0 - std::exp(-dt_s / mean_interval_s));
    }
    /// Uniform index in [0, n); n must be > 0.
    std::uint64_t below(std::uint64_t n) noexcept { return next() % n; }

private:
    std::uint64_t state_;
};

/// Derives a per-device seed from the configured seed and the device's fixed (unprefixed) id.
inline std::uint64_t derive_seed(std::int64_t seed, std::string_view base_id) noexcept {
    std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a
    for (const char c : base_id) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    return h ^ (static_cast<std::uint64_t>(seed) * 0x9E3779B97F4A7C15ULL);
}

}  // namespace hearth::demo
