// store: the uplink's durable outbox (docs/community.md, "Store-and-forward"; docs/storage.md):
// append with the drop policy (oldest low, then oldest normal; alarms never), read the next rows
// to send, delete a delivered row, and the database's boot id the message ids are made of.
#include "store/store.hpp"

#include "store/full_sync.hpp"

#include "log/log.hpp"

#include <cstdio>
#include <random>

namespace hearth {

std::string store::outbox_boot_id() {
    if (auto known = meta("uplink_boot"); known && !known->empty()) return *known;
    std::random_device rd;
    const std::uint64_t value = (static_cast<std::uint64_t>(rd()) << 32U) ^ rd();
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
    set_meta("uplink_boot", text);
    return text;
}

outbox_size store::outbox_stats() {
    if (!outbox_size_) {
        auto stmt = db_.prepare("SELECT count(*), coalesce(sum(length(CAST(payload AS BLOB))), 0) FROM uplink_outbox");
        outbox_size s;
        if (stmt.step()) s = {stmt.column_int64(0), stmt.column_int64(1)};
        outbox_size_ = s;
    }
    return *outbox_size_;
}

outbox_append_result store::outbox_append(const std::string& kind, int priority, time_ms ts,
                                          const std::function<std::string(std::int64_t id)>& make_payload,
                                          outbox_bounds bounds) {
    outbox_size size = outbox_stats();
    outbox_append_result result;
    std::optional<full_sync> durable;
    if (priority == outbox_alarm) durable.emplace(db_);
    sqlite::transaction tx(db_);
    cached("INSERT INTO uplink_outbox (kind, priority, ts, payload) VALUES (?1, ?2, ?3, '')")
        .bind_all(kind, static_cast<std::int64_t>(priority), ts)
        .run();
    result.id = db_.last_insert_rowid();
    const std::string payload = make_payload(result.id);
    cached("UPDATE uplink_outbox SET payload = ?2 WHERE id = ?1").bind_all(result.id, payload).run();
    size.messages += 1;
    size.bytes += static_cast<std::int64_t>(payload.size());
    auto over = [&] {
        return (bounds.max_messages > 0 && size.messages > bounds.max_messages) ||
               (bounds.max_bytes > 0 && size.bytes > bounds.max_bytes);
    };
    for (const int victim : {static_cast<int>(outbox_low), static_cast<int>(outbox_normal)}) {
        while (over()) {
            auto& oldest = cached(
                "SELECT id, length(CAST(payload AS BLOB)) FROM uplink_outbox WHERE priority = ?1 AND id <> ?2 "
                "ORDER BY id LIMIT 1");
            oldest.bind_all(static_cast<std::int64_t>(victim), result.id);
            if (!oldest.step()) {
                oldest.reset();
                break;
            }
            const std::int64_t id = oldest.column_int64(0);
            const std::int64_t bytes = oldest.column_int64(1);
            oldest.reset();
            cached("DELETE FROM uplink_outbox WHERE id = ?1").bind_all(id).run();
            size.messages -= 1;
            size.bytes -= bytes;
            result.dropped += 1;
        }
    }
    // A low or normal row over the bounds with nothing older of its kind left: it goes itself.
    if (over() && priority != outbox_alarm) {
        cached("DELETE FROM uplink_outbox WHERE id = ?1").bind_all(result.id).run();
        size.messages -= 1;
        size.bytes -= static_cast<std::int64_t>(payload.size());
        result.dropped += 1;
        result.id = 0;
    }
    tx.commit();
    outbox_size_ = size;
    if (result.dropped > 0) log::store().debug("uplink outbox: {} rows dropped to keep its bounds", result.dropped);
    return result;
}

std::vector<outbox_row> store::outbox_next(std::size_t limit, const std::set<std::int64_t>& skip) {
    auto& stmt =
        cached("SELECT id, kind, priority, ts, payload FROM uplink_outbox ORDER BY priority DESC, id LIMIT ?1");
    stmt.bind_all(static_cast<std::int64_t>(limit + skip.size()));
    std::vector<outbox_row> out;
    while (out.size() < limit && stmt.step()) {
        const std::int64_t id = stmt.column_int64(0);
        if (skip.contains(id)) continue;
        out.push_back({id, stmt.column_text(1), static_cast<int>(stmt.column_int64(2)), stmt.column_int64(3),
                       stmt.column_text(4)});
    }
    stmt.reset();
    return out;
}

bool store::outbox_remove(std::int64_t id) {
    auto& find = cached("SELECT length(CAST(payload AS BLOB)) FROM uplink_outbox WHERE id = ?1");
    find.bind_all(id);
    if (!find.step()) {
        find.reset();
        return false;
    }
    const std::int64_t bytes = find.column_int64(0);
    find.reset();
    cached("DELETE FROM uplink_outbox WHERE id = ?1").bind_all(id).run();
    if (outbox_size_) {
        outbox_size_->messages -= 1;
        outbox_size_->bytes -= bytes;
    }
    return true;
}

}  // namespace hearth
