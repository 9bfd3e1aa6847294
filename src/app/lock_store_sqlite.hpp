// hearthd's lock_store: the core's lock safety state kept in the SQLite store (store_locks.cpp).
// Thread: loop thread only, like the store.
#pragma once

#include "core/lock_store.hpp"
#include "store/store.hpp"

namespace hearth {

class lock_store_sqlite final : public lock_store {
public:
    /// `db` is not owned and must outlive this object.
    explicit lock_store_sqlite(store& db) : db_(db) {}

    std::map<std::string, lock_counters> load_counters() override;
    void save_counters(const std::string& device_id, const lock_counters& counters) override;
    std::vector<lock_timer> load_timers() override;
    void save_timer(const lock_timer& timer) override;
    void remove_timer(const std::string& device_id, const std::string& kind) override;
    std::vector<lock_open_attempt> take_open_attempts() override;

private:
    store& db_;
};

}  // namespace hearth
