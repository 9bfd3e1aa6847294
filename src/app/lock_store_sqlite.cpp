// The lock_store over the SQLite store (see lock_store_sqlite.hpp).
#include "app/lock_store_sqlite.hpp"

namespace hearth {

std::map<std::string, lock_counters> lock_store_sqlite::load_counters() {
    std::map<std::string, lock_counters> out;
    for (const auto& r : db_.load_lock_counters()) out[r.device_id] = {r.wrong, r.last_wrong_ts, r.locked_out_until};
    return out;
}

void lock_store_sqlite::save_counters(const std::string& device_id, const lock_counters& c) {
    db_.save_lock_counters({device_id, c.wrong, c.last_wrong_ms, c.locked_out_until});
}

std::vector<lock_timer> lock_store_sqlite::load_timers() {
    std::vector<lock_timer> out;
    for (const auto& r : db_.load_lock_timers()) out.push_back({r.device_id, r.kind, r.due_ts});
    return out;
}

void lock_store_sqlite::save_timer(const lock_timer& t) { db_.save_lock_timer({t.device_id, t.kind, t.due_ms}); }

void lock_store_sqlite::remove_timer(const std::string& device_id, const std::string& kind) {
    db_.remove_lock_timer(device_id, kind);
}

std::vector<lock_open_attempt> lock_store_sqlite::take_open_attempts() {
    std::vector<lock_open_attempt> out;
    for (const auto& r : db_.take_open_lock_attempts()) {
        std::string op;
        if (auto it = r.detail.find("op"); it != r.detail.end() && it->is_string()) op = it->get<std::string>();
        out.push_back({r.target, r.action, op, r.source, r.actor, r.ts});
    }
    return out;
}

}  // namespace hearth
