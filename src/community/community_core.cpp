// hearth-community's message handling and escalation decisions (community_core.hpp).
#include "community/community_core.hpp"

#include "log/log.hpp"

#include <exception>

namespace hearth::community {
namespace {

constexpr std::int64_t prune_interval_ms = 3600LL * 1000;

/// The topic for logs: bounded and printable (it comes from the network).
std::string printable(std::string_view text) {
    std::string out;
    for (const char c : text.substr(0, 120)) {
        out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return out;
}

}  // namespace

community_core::community_core(community_store store, std::int64_t escalate_after_ms, int dedup_days)
    : store_(std::move(store)), escalate_after_ms_(escalate_after_ms), dedup_days_(dedup_days) {}

handled community_core::handle(std::string_view topic, std::string_view payload, std::int64_t now_ms) {
    auto message = parse_up_message(topic, payload);
    if (!message) {
        counters_.rejected.fetch_add(1);
        log::app().warn("community: refused a message on {} ({} bytes): {}", printable(topic), payload.size(),
                        message.error());
        return handled::rejected;
    }
    try {
        if (store_.ingest(message.value(), now_ms) == ingest_outcome::duplicate) {
            counters_.duplicates.fetch_add(1);
            return handled::duplicate;
        }
    } catch (const std::exception& e) {
        counters_.rejected.fetch_add(1);
        log::app().error("community: cannot store {}: {}", message.value().id, e.what());
        return handled::rejected;
    }
    counters_.stored.fetch_add(1);
    if (message.value().kind == "alarm" || message.value().kind == "care_alert") {
        log::app().info("community: {} from {}/{} ({})", message.value().kind, message.value().site,
                        message.value().home, message.value().id);
    }
    return handled::stored;
}

std::vector<outgoing> community_core::tick(std::int64_t now_ms) {
    std::vector<outgoing> out;
    try {
        if (now_ms - last_prune_ms_ >= prune_interval_ms) {
            last_prune_ms_ = now_ms;
            store_.prune_seen(now_ms, dedup_days_);
        }
        for (const auto& alert : store_.due_escalations(now_ms, escalate_after_ms_)) {
            const nlohmann::json escalation = {{"v", 1},
                                               {"alert", alert.id},
                                               {"site", alert.site},
                                               {"home", alert.home},
                                               {"kind", alert.kind},
                                               {"ts", alert.ts},
                                               {"received_ms", alert.received_ms},
                                               {"escalated_ms", now_ms},
                                               {"data", nlohmann::json::parse(alert.data, nullptr, false)}};
            out.push_back({"community/" + alert.site + "/escalation",
                           escalation.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
            store_.mark_escalated(alert.id, now_ms);
            counters_.escalated.fetch_add(1);
            log::app().warn("community: escalating alarm {} of {}/{}: not acknowledged within {} s", alert.id,
                            alert.site, alert.home, escalate_after_ms_ / 1000);
        }
    } catch (const std::exception& e) {
        log::app().error("community: escalation check failed: {}", e.what());
    }
    return out;
}

}  // namespace hearth::community
