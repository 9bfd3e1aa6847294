// Helpers shared by the bench scenarios: pacing, bounded waits, per-sequence arrival logs and
// scratch directories.
#pragma once

#include "../driver/timeline.hpp"
#include "bench_client.hpp"
#include "stats.hpp"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace hearth::bench {

/// Polls `done` every 5 ms until it holds or `timeout` passes; returns its last value.
inline bool wait_for(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
        if (std::chrono::steady_clock::now() >= deadline) return done();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

/// Sleeps until CLOCK_MONOTONIC reaches `due_ns`.
inline void sleep_until_ns(std::int64_t due_ns) {
    timespec ts{static_cast<time_t>(due_ns / 1'000'000'000), static_cast<long>(due_ns % 1'000'000'000)};
    while (::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {}
}

/// First arrival time of every sequence number 1..capacity (written by Paho's thread).
class arrival_log {
public:
    explicit arrival_log(std::uint64_t capacity) : ns_(capacity + 1) {}
    /// Records `seq` at `ns`; duplicates and out-of-range values are counted, not recorded.
    void record(std::int64_t seq, std::int64_t ns) {
        if (seq <= 0 || static_cast<std::uint64_t>(seq) >= ns_.size()) return;
        std::int64_t expected = 0;
        if (ns_[static_cast<std::size_t>(seq)].compare_exchange_strong(expected, ns))
            received_.fetch_add(1);
        else
            duplicates_.fetch_add(1);
    }
    [[nodiscard]] std::uint64_t received() const { return received_.load(); }
    [[nodiscard]] std::uint64_t duplicates() const { return duplicates_.load(); }
    [[nodiscard]] std::int64_t at(std::uint64_t seq) const { return ns_[static_cast<std::size_t>(seq)].load(); }
    [[nodiscard]] std::int64_t last() const {
        std::int64_t m = 0;
        for (const auto& v : ns_) m = std::max(m, v.load());
        return m;
    }

private:
    std::vector<std::atomic<std::int64_t>> ns_;
    std::atomic<std::uint64_t> received_{0};
    std::atomic<std::uint64_t> duplicates_{0};
};

/// Which devices are online, from `hearth/<id>/availability` messages.
class online_tracker {
public:
    /// Feeds one message; returns false if it was not an availability topic.
    bool feed(const arrival& m) {
        constexpr std::string_view suffix = "/availability";
        if (m.topic.size() < suffix.size() ||
            m.topic.compare(m.topic.size() - suffix.size(), suffix.size(), suffix) != 0)
            return false;
        const bool online = m.payload.find("online") != std::string::npos;
        const std::lock_guard lock(mutex_);
        if (online)
            online_.insert(m.topic);
        else
            online_.erase(m.topic);
        count_ = online_.size();
        return true;
    }
    [[nodiscard]] std::size_t count() const { return count_.load(); }

private:
    std::mutex mutex_;
    std::set<std::string> online_;
    std::atomic<std::size_t> count_{0};
};

/// The integer after "\"value\":" in a small JSON object, or -1.
inline std::int64_t value_field(const std::string& payload) {
    const auto p = payload.find("\"value\":");
    if (p == std::string::npos) return -1;
    return std::strtoll(payload.c_str() + p + 8, nullptr, 10);
}

/// A fresh scenario directory under the bench's scratch root.
inline std::filesystem::path scenario_dir(const std::filesystem::path& work, const std::string& name) {
    static std::atomic<int> counter{0};
    auto dir = work / (name + "-" + std::to_string(counter.fetch_add(1)));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

}  // namespace hearth::bench
