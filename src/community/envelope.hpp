// The community side of the uplink wire contract v1 (docs/community.md, "Wire contract"): parses
// and checks an untrusted up message (topic + payload) into an up_message, and builds the down
// request envelope. Pure functions, no I/O; every malformed input is a reason, never an exception.
#pragma once

#include "core/result.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace hearth::community {

/// Largest payload the contract allows (256 KiB).
inline constexpr std::size_t max_payload_bytes = std::size_t{256} * 1024;

/// One checked up message: topic and envelope agree, every field has its type.
struct up_message {
    std::string id;  ///< "<home>:<boot>:<seq>", the de-duplication key
    std::string site;
    std::string home;
    std::string kind;      ///< alarm, care_alert, lock_event, health, energy_daily, response
    std::string priority;  ///< alarm, normal, low
    std::int64_t ts = 0;   ///< ms since epoch when the hub queued it
    nlohmann::json data;   ///< always an object
};

/// True when `id` matches [a-z0-9_-]{1,64} (site and home ids).
bool valid_node_id(std::string_view id);

/// True for the kinds the contract lists.
bool known_kind(std::string_view kind);

/// True for kinds that are alerts (open until acknowledged): alarm and care_alert.
bool alert_kind(std::string_view kind);

/// Parses `payload` received on `topic` (community/<site>/<home>/up/<kind>). Refuses: a topic of
/// another shape, a payload over max_payload_bytes or not a JSON object, v != 1, a missing or
/// mistyped field, an id that does not start with "<home>:" or is over 200 bytes, site/home/kind
/// that differ from the topic, an unknown kind or priority, a data that is not an object.
result<up_message> parse_up_message(std::string_view topic, std::string_view payload);

/// A down request: topic community/<site>/<home>/down/request/<name> and its envelope.
struct down_request {
    std::string topic;
    std::string payload;
};

/// Builds the request envelope {"v":1,"id","name","ts","args"}. `request_id` ≤ 64 chars.
result<down_request> make_down_request(std::string_view site, std::string_view home, std::string_view name,
                                       std::string_view request_id, std::int64_t ts_ms, const nlohmann::json& args);

}  // namespace hearth::community
