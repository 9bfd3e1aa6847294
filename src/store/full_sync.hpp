// synchronous=FULL for the lifetime of a guard: the writes that must be on disk when the call
// returns (lock counters and timers, alarms in the uplink outbox) run under one.
#pragma once

#include "store/sqlite.hpp"

namespace hearth {

/// Sets PRAGMA synchronous = FULL on construction and NORMAL again on destruction (logged, never
/// thrown, when that fails).
class full_sync {
public:
    explicit full_sync(sqlite::db& db);
    ~full_sync();
    full_sync(const full_sync&) = delete;
    full_sync& operator=(const full_sync&) = delete;

private:
    sqlite::db& db_;
};

}  // namespace hearth
