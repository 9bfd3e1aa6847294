// The up envelope, the alarm list and the secret filter (see envelope.hpp).
#include "uplink/envelope.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace hearth::uplink {

using json = nlohmann::json;

namespace {

/// The string member `key` of an object, or "" (absent, other type, not an object).
std::string text_field(const json& object, const char* key) {
    if (!object.is_object()) return {};
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string lowered(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

constexpr std::array<std::string_view, 9> secret_words = {"code", "pin",   "password", "token", "secret",
                                                          "key",  "image", "snapshot", "jpeg"};

}  // namespace

bool is_up_kind(std::string_view kind) {
    return kind == "alarm" || kind == "care_alert" || kind == "lock_event" || kind == "health" ||
           kind == "energy_daily" || kind == "response";
}

int priority_of(std::string_view kind) {
    if (kind == "alarm" || kind == "care_alert" || kind == "lock_event") return 2;
    if (kind == "health") return 0;
    return 1;
}

std::string_view priority_name(int priority) {
    if (priority >= 2) return "alarm";
    if (priority == 1) return "normal";
    return "low";
}

bool is_alarm_event_type(std::string_view t) {
    constexpr std::array<std::string_view, 6> named = {"door_left_open", "water_leak", "intrusion",
                                                       "panic",          "tamper",     "siren"};
    if (std::find(named.begin(), named.end(), t) != named.end()) return true;
    constexpr std::string_view suffix = "_alarm";
    return t.size() > suffix.size() && t.substr(t.size() - suffix.size()) == suffix;
}

bool is_secret_key(std::string_view key) {
    const std::string k = lowered(key);
    std::size_t start = 0;
    while (start <= k.size()) {  // every word of a snake_case (or kebab-case) key
        std::size_t end = k.find_first_of("_-", start);
        if (end == std::string::npos) end = k.size();
        const std::string_view word = std::string_view(k).substr(start, end - start);
        if (std::find(secret_words.begin(), secret_words.end(), word) != secret_words.end()) return true;
        start = end + 1;
    }
    return false;
}

json without_secrets(const json& value) {
    if (value.is_object()) {
        json out = json::object();
        for (const auto& [k, v] : value.items()) {
            if (!is_secret_key(k)) out[k] = without_secrets(v);
        }
        return out;
    }
    if (value.is_array()) {
        json out = json::array();
        for (const auto& v : value) out.push_back(without_secrets(v));
        return out;
    }
    return value;
}

std::string message_id(const envelope_origin& origin, std::int64_t seq) {
    return origin.home + ":" + origin.boot + ":" + std::to_string(seq);
}

std::string make_envelope(const envelope_origin& origin, std::int64_t seq, std::string_view kind, std::int64_t ts,
                          const json& data) {
    const json envelope = {{"v", 1},
                           {"id", message_id(origin, seq)},
                           {"site", origin.site},
                           {"home", origin.home},
                           {"kind", kind},
                           {"priority", priority_name(priority_of(kind))},
                           {"ts", ts},
                           {"data", without_secrets(data)}};
    return envelope.dump(-1, ' ', false, json::error_handler_t::replace);
}

json alarm_data(const std::string& device_id, const std::string& device_name, const json& event) {
    json fields = event.is_object() ? event : json::object();
    fields.erase("ts");
    return {{"device", device_id},
            {"event_type", text_field(event, "event_type")},
            {"event", fields},
            {"device_name", device_name}};
}

std::optional<json> lock_event_data(const std::string& device_id, const json& event) {
    if (text_field(event, "event_type") != "lock_operation") return std::nullopt;
    return json{{"device", device_id},
                {"action", text_field(event, "operation")},
                {"result", text_field(event, "result")},
                {"source", text_field(event, "source")}};
}

}  // namespace hearth::uplink
