// Latency summaries for the bench harness: percentiles over a sample of nanosecond durations.
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace hearth::bench {

struct latency_summary {
    std::size_t count = 0;
    double p50_us = 0, p99_us = 0, p999_us = 0, max_us = 0, mean_us = 0;
};

/// Nearest-rank percentiles of `ns` (sorted in place). Empty input gives zeros.
inline latency_summary summarize(std::vector<std::int64_t>& ns) {
    latency_summary s;
    s.count = ns.size();
    if (ns.empty()) return s;
    std::sort(ns.begin(), ns.end());
    const auto at = [&](double q) {
        const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(ns.size())));
        return static_cast<double>(ns[std::clamp<std::size_t>(rank, 1, ns.size()) - 1]) / 1000.0;
    };
    s.p50_us = at(0.50);
    s.p99_us = at(0.99);
    s.p999_us = at(0.999);
    s.max_us = static_cast<double>(ns.back()) / 1000.0;
    double sum = 0;
    for (auto v : ns) sum += static_cast<double>(v);
    s.mean_us = sum / static_cast<double>(ns.size()) / 1000.0;
    return s;
}

inline nlohmann::json to_json(const latency_summary& s) {
    return {{"count", s.count},     {"p50_us", s.p50_us}, {"p99_us", s.p99_us},
            {"p999_us", s.p999_us}, {"max_us", s.max_us}, {"mean_us", s.mean_us}};
}

/// Median of a few runs' values (the harness repeats each measurement and reports medians).
inline double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace hearth::bench
