// The down side of the community wire contract (docs/community.md, "Wire contract" and "Consent:
// publish and accept"): parsing a request from community/<site>/<home>/down/request/<name> and
// deciding whether the home answers it (the accept list, the command and unlock device lists, the
// 5-minute staleness limit, a rate limit per name). Pure: time is a parameter.
#pragma once

#include "core/result.hpp"
#include "core/uplink_config.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace hearth::uplink {

/// Largest down request payload accepted (bytes), checked before parsing.
inline constexpr std::size_t max_request_bytes = std::size_t{256} * 1024;
/// A request whose ts is older than this (or this far in the future) is refused as stale.
inline constexpr std::int64_t max_request_age_ms = std::int64_t{5} * 60 * 1000;
/// At most this many requests of one name are handled per rate window; more are refused.
inline constexpr std::size_t rate_limit_per_name = 10;
inline constexpr std::int64_t rate_window_ms = std::int64_t{60} * 1000;

/// One request from the community: {"v":1, "id", "name", "ts", "args"}.
struct down_request {
    std::string id;    ///< 1..64 printable ASCII characters
    std::string name;  ///< the topic's last level (the payload's "name" must match it)
    std::int64_t ts = 0;
    nlohmann::json args = nlohmann::json::object();
};

/// What was readable of a refused request: its id (when it had a usable one), for the answer.
struct request_refusal {
    std::string id;
    std::string error;
};

/// Parses the payload of a request published on .../down/request/<topic_name>. Refuses (with
/// the request id when one could be read): more than max_request_bytes, not a JSON object,
/// nesting deeper than max_json_depth, v other than 1, a missing or bad id (string 1..64 printable
/// ASCII), a name that differs from the topic's, a ts that is not an integer, args not an object.
result<down_request, request_refusal> parse_down_request(std::string_view topic_name, std::string_view payload);

/// The `name` of a request for topic `topic`, when it is <prefix>/down/request/<name>.
std::optional<std::string> request_name_of(std::string_view prefix, std::string_view topic);

/// True for a `command` whose args unlock: command "unlock", "unlatch" or "open", or a property
/// "locked": false / "lock": "unlocked"|"unlock"|false / "state": "unlocked".
bool is_unlock_command(const nlohmann::json& args);

/// The accept-list decision and the rate limit. One per uplink; loop thread only.
class request_gate {
public:
    explicit request_gate(const uplink_config& cfg) : cfg_(cfg) {}

    /// nullopt when `request` may be answered at `now_ms`; else why it is refused (one line).
    /// An allowed request counts against its name's rate limit; a refused one does not.
    std::optional<std::string> check(const down_request& request, std::int64_t now_ms);

private:
    std::optional<std::string> check_command(const nlohmann::json& args) const;

    const uplink_config& cfg_;
    std::map<std::string, std::deque<std::int64_t>> recent_;  ///< name -> times of allowed requests
};

}  // namespace hearth::uplink
