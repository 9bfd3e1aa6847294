// The logic of hearth-community without the network (docs/community.md, "Community service"):
// checks each received up message, stores it once (de-duplication on the envelope id), counts
// what it refused, and decides which unacknowledged alarms to escalate. Time is a parameter;
// tests drive it directly, community_link feeds it from the cluster.
#pragma once

#include "community/community_store.hpp"

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::community {

/// What handle() did with one received message.
enum class handled : std::uint8_t { stored, duplicate, rejected };

/// Counters since start (read from any thread).
struct community_counters {
    std::atomic<std::int64_t> stored{0};
    std::atomic<std::int64_t> duplicates{0};
    std::atomic<std::int64_t> rejected{0};
    std::atomic<std::int64_t> escalated{0};
};

/// One message to publish (escalations).
struct outgoing {
    std::string topic;
    std::string payload;
};

class community_core {
public:
    /// `store` is owned; `escalate_after_ms` > 0; `dedup_days` ≥ 1.
    community_core(community_store store, std::int64_t escalate_after_ms, int dedup_days);

    /// Checks and stores one message received at `now_ms`. Never throws for bad input; a
    /// database failure is logged and counted as rejected (the message is then not stored).
    handled handle(std::string_view topic, std::string_view payload, std::int64_t now_ms);

    /// The escalations due at `now_ms` (community/<site>/escalation, one per alarm), marked
    /// escalated; also forgets seen ids older than dedup_days (at most once an hour).
    std::vector<outgoing> tick(std::int64_t now_ms);

    [[nodiscard]] const community_counters& counters() const { return counters_; }
    community_store& store() { return store_; }

private:
    community_store store_;
    std::int64_t escalate_after_ms_;
    int dedup_days_;
    std::int64_t last_prune_ms_ = 0;
    community_counters counters_;
};

}  // namespace hearth::community
