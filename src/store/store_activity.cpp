// store: the activity log (docs/proactive.md, "Activity log"): the kind names and the streaming
// read used by the routine miner and the care monitor on the query thread. Writes are queued by
// append_activity() and written by flush() (store.cpp); retention is in retention.cpp.
#include "store/store.hpp"

namespace hearth {

const char* to_string(activity_kind kind) noexcept {
    switch (kind) {
    case activity_kind::command: return "command";
    case activity_kind::state: return "state";
    case activity_kind::event: return "event";
    }
    return "state";
}

std::optional<activity_kind> activity_kind_from(std::string_view text) noexcept {
    if (text == "command") return activity_kind::command;
    if (text == "state") return activity_kind::state;
    if (text == "event") return activity_kind::event;
    return std::nullopt;
}

std::size_t store::read_activity(sqlite::db& reader, time_ms from_ts, time_ms to_ts,
                                 const std::function<bool(const activity_record&)>& each) {
    auto select = reader.prepare(
        "SELECT ts, device_id, kind, name, value, source FROM activity WHERE ts >= ?1 AND ts < ?2 ORDER BY ts, id");
    select.bind_all(from_ts, to_ts);
    std::size_t passed = 0;
    activity_record record;
    while (select.step()) {
        const auto kind = activity_kind_from(select.column_text(2));
        if (!kind) continue;  // written by a newer version: skipped, never guessed
        record.ts = select.column_int64(0);
        record.device_id = select.column_text(1);
        record.kind = *kind;
        record.name = select.column_text(3);
        record.value = nlohmann::json::parse(select.column_text(4), nullptr, false);
        if (record.value.is_discarded()) record.value = nullptr;
        record.source = select.column_text(5);
        ++passed;
        if (!each(record)) break;
    }
    return passed;
}

}  // namespace hearth
