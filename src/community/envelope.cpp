// Parsing and checking of untrusted up messages and building of down requests (envelope.hpp).
#include "community/envelope.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace hearth::community {
namespace {

constexpr std::size_t max_id_bytes = 200;
constexpr std::array<std::string_view, 6> kinds = {"alarm",  "care_alert",   "lock_event",
                                                   "health", "energy_daily", "response"};
constexpr std::array<std::string_view, 3> priorities = {"alarm", "normal", "low"};
constexpr std::array<std::string_view, 6> request_names = {"health",    "diagnostics", "logs",
                                                           "log_level", "notify",      "command"};

std::vector<std::string_view> split_topic(std::string_view topic) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (parts.size() < 8) {
        const auto slash = topic.find('/', start);
        parts.push_back(topic.substr(start, slash == std::string_view::npos ? slash : slash - start));
        if (slash == std::string_view::npos) {
            break;
        }
        start = slash + 1;
    }
    return parts;
}

/// The string member `key` of `object`, or nullptr when missing or not a string.
const std::string* string_field(const nlohmann::json& object, const char* key) {
    const auto it = object.find(key);
    if (it == object.end() || !it->is_string()) {
        return nullptr;
    }
    return it->get_ptr<const std::string*>();
}

}  // namespace

bool valid_node_id(std::string_view id) {
    return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

bool known_kind(std::string_view kind) { return std::find(kinds.begin(), kinds.end(), kind) != kinds.end(); }

bool alert_kind(std::string_view kind) { return kind == "alarm" || kind == "care_alert"; }

result<up_message> parse_up_message(std::string_view topic, std::string_view payload) {
    const auto parts = split_topic(topic);
    if (parts.size() != 5 || parts[0] != "community" || parts[3] != "up") {
        return fail("topic is not community/<site>/<home>/up/<kind>");
    }
    if (!valid_node_id(parts[1]) || !valid_node_id(parts[2])) {
        return fail("site or home in the topic is not [a-z0-9_-]{1,64}");
    }
    if (!known_kind(parts[4])) {
        return fail("unknown kind in the topic");
    }
    if (payload.size() > max_payload_bytes) {
        return fail("payload over 256 KiB");
    }
    auto body = nlohmann::json::parse(payload, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
        return fail("payload is not a JSON object");
    }
    const auto v = body.find("v");
    if (v == body.end() || !v->is_number_integer() || v->get<std::int64_t>() != 1) {
        return fail("v is not 1");
    }
    const auto* id = string_field(body, "id");
    const auto* site = string_field(body, "site");
    const auto* home = string_field(body, "home");
    const auto* kind = string_field(body, "kind");
    const auto* priority = string_field(body, "priority");
    if (id == nullptr || site == nullptr || home == nullptr || kind == nullptr || priority == nullptr) {
        return fail("id, site, home, kind or priority missing or not a string");
    }
    if (*site != parts[1] || *home != parts[2] || *kind != parts[4]) {
        return fail("site, home or kind differ from the topic");
    }
    if (id->size() > max_id_bytes || id->size() <= home->size() + 1 || id->compare(0, home->size(), *home) != 0 ||
        (*id)[home->size()] != ':') {
        return fail("id is not <home>:<boot>:<seq>");
    }
    if (std::find(priorities.begin(), priorities.end(), *priority) == priorities.end()) {
        return fail("unknown priority");
    }
    const auto ts = body.find("ts");
    if (ts == body.end() || !ts->is_number_integer() || ts->get<std::int64_t>() < 0) {
        return fail("ts is not a non-negative integer");
    }
    auto data = body.find("data");
    if (data == body.end() || !data->is_object()) {
        return fail("data is not an object");
    }
    up_message message;
    message.id = *id;
    message.site = *site;
    message.home = *home;
    message.kind = *kind;
    message.priority = *priority;
    message.ts = ts->get<std::int64_t>();
    message.data = std::move(*data);
    return message;
}

result<down_request> make_down_request(std::string_view site, std::string_view home, std::string_view name,
                                       std::string_view request_id, std::int64_t ts_ms, const nlohmann::json& args) {
    if (!valid_node_id(site) || !valid_node_id(home)) {
        return fail("site and home must match [a-z0-9_-]{1,64}");
    }
    if (std::find(request_names.begin(), request_names.end(), name) == request_names.end()) {
        return fail("unknown request name (health, diagnostics, logs, log_level, notify, command)");
    }
    if (request_id.empty() || request_id.size() > 64) {
        return fail("request id must be 1..64 characters");
    }
    if (!args.is_object()) {
        return fail("args must be an object");
    }
    const nlohmann::json envelope = {{"v", 1}, {"id", request_id}, {"name", name}, {"ts", ts_ms}, {"args", args}};
    down_request request;
    request.topic = "community/" + std::string(site) + "/" + std::string(home) + "/down/request/" + std::string(name);
    request.payload = envelope.dump();
    return request;
}

}  // namespace hearth::community
