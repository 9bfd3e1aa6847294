// The durable side of the core's lock safety: wrong-code counters and lockouts, pending
// auto-relock / 'left unlocked' alarm due times, and lock attempts whose outcome was never
// recorded (the process died between the attempt and the answer). The core only sees this
// interface; hearthd implements it over the SQLite store (app/lock_store_sqlite.hpp), tests with
// fakes. Every write must be durable against a process crash when it returns, and throws when it
// cannot be made (disk full, I/O error): callers fail closed.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace hearth {

/// Wrong-code state of one lock. Times are wall-clock ms since the epoch (they outlive the process).
struct lock_counters {
    int wrong = 0;                      ///< wrong codes in the current window
    std::int64_t last_wrong_ms = 0;     ///< when the last wrong code came (the window ends lockout_ms later)
    std::int64_t locked_out_until = 0;  ///< unlocking refused before this time
    bool operator==(const lock_counters&) const = default;
};

/// A lock timer that must survive a restart: kind is "relock" or "left_unlocked".
struct lock_timer {
    std::string device_id;
    std::string kind;
    std::int64_t due_ms = 0;
};

/// An audited lock attempt without an outcome row.
struct lock_open_attempt {
    std::string device_id;
    std::string action;  ///< e.g. "lock.unlock"
    std::string op_id;   ///< detail.op of the attempt row
    std::string source;
    std::string actor;
    std::int64_t ts = 0;
};

class lock_store {
public:
    virtual ~lock_store() = default;
    /// Every lock's counters (as stored; expiry is the policy's business).
    virtual std::map<std::string, lock_counters> load_counters() = 0;
    /// Durably replaces one lock's counters. Throws when it cannot.
    virtual void save_counters(const std::string& device_id, const lock_counters& counters) = 0;
    virtual std::vector<lock_timer> load_timers() = 0;
    /// Durably inserts or replaces a timer (by device and kind). Throws when it cannot.
    virtual void save_timer(const lock_timer& timer) = 0;
    virtual void remove_timer(const std::string& device_id, const std::string& kind) = 0;
    /// Attempts recorded since the last call that have no outcome; marks them as seen.
    virtual std::vector<lock_open_attempt> take_open_attempts() = 0;
};

}  // namespace hearth
