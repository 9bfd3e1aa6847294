// Time as the core sees it: wall time in milliseconds since the epoch, injected so that rules,
// backoff and the store are tested without sleeping.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace hearth {

/// A source of wall-clock time. Implementations must be thread-safe (drivers call now_ms()).
class clock_source {
public:
    virtual ~clock_source() = default;
    /// Milliseconds since the Unix epoch.
    [[nodiscard]] virtual std::int64_t now_ms() const = 0;
};

/// The real clock.
class system_clock_source final : public clock_source {
public:
    [[nodiscard]] std::int64_t now_ms() const override {
        using namespace std::chrono;
        return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    }
};

/// A clock that moves only when told to (tests).
class manual_clock final : public clock_source {
public:
    explicit manual_clock(std::int64_t start_ms = 1'700'000'000'000) : now_(start_ms) {}
    [[nodiscard]] std::int64_t now_ms() const override { return now_.load(); }
    void advance(std::int64_t ms) { now_ += ms; }
    void set(std::int64_t ms) { now_ = ms; }

private:
    std::atomic<std::int64_t> now_;
};

}  // namespace hearth
