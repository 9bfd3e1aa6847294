// hearth-community's own SQLite database (docs/community.md, "Community service"): the seen
// envelope ids (de-duplication, bounded by age), per home the latest health and last seen time,
// the alerts (alarm, care_alert) with acknowledgement and escalation, the other events
// (lock_event, energy_daily), the requests sent and the responses received. One owner thread per
// instance (hearth-community guards it with a mutex; hearthctl opens its own).
#pragma once

#include "community/envelope.hpp"
#include "store/sqlite.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace hearth::community {

/// What ingest() did with a message.
enum class ingest_outcome : std::uint8_t { stored, duplicate };

struct home_row {
    std::string site;
    std::string home;
    std::int64_t last_seen_ms = 0;  ///< when the last message from it was received
    std::int64_t open_alerts = 0;
    bool has_health = false;
};

struct alert_row {
    std::string id;  ///< the envelope id
    std::string site;
    std::string home;
    std::string kind;
    std::int64_t ts = 0;           ///< hub time when queued
    std::int64_t received_ms = 0;  ///< when hearth-community stored it
    std::string data;              ///< JSON text
    std::optional<std::int64_t> acked_ms;
    std::string acked_by;
    std::optional<std::int64_t> escalated_ms;
};

struct response_row {
    std::string request_id;
    std::string home;
    std::string name;
    std::string status;
    std::string body;  ///< the whole response data JSON
    std::int64_t received_ms = 0;
};

class community_store {
public:
    /// Opens (creating and migrating) the database at `path`; read_only for queries only.
    static community_store open(const std::filesystem::path& path, bool read_only = false);

    /// Stores `message` received at `now_ms` unless its id was seen: one transaction.
    ingest_outcome ingest(const up_message& message, std::int64_t now_ms);

    /// Forgets seen ids older than `dedup_days` (received before now - days). Returns how many.
    std::int64_t prune_seen(std::int64_t now_ms, int dedup_days);

    /// Open alarms (kind alarm) received at or before `now_ms - after_ms`, neither acknowledged nor
    /// escalated yet, oldest first.
    std::vector<alert_row> due_escalations(std::int64_t now_ms, std::int64_t after_ms);
    /// Marks `id` escalated at `now_ms`.
    void mark_escalated(const std::string& id, std::int64_t now_ms);

    /// Acknowledges the open alert `id`; false when there is no such unacknowledged alert.
    bool acknowledge(const std::string& id, const std::string& by, std::int64_t now_ms);

    /// Records a request sent to a hub.
    void record_request(const std::string& request_id, const std::string& home, const std::string& name,
                        std::int64_t now_ms);

    std::vector<home_row> homes();
    /// Alerts not yet acknowledged (all homes when `home` is empty), oldest first.
    std::vector<alert_row> open_alerts(const std::string& home = {});
    /// Every stored alert of every home (tests, benchmarks), oldest first.
    std::vector<alert_row> all_alerts();
    /// The latest health JSON of `home`, or nullopt.
    std::optional<std::string> health(const std::string& home);
    /// The response to `request_id`, or nullopt (not arrived yet).
    std::optional<response_row> response(const std::string& request_id);
    /// How many distinct ids are in the de-duplication table.
    std::int64_t seen_count();

private:
    explicit community_store(sqlite::db db) : db_(std::move(db)) {}
    void migrate();
    sqlite::db db_;
};

}  // namespace hearth::community
