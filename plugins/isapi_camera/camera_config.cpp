// Role: implementation of camera_config.hpp. Error messages name the key and the expectation,
// never the offending value (which could be the password).
#include "camera_config.hpp"

#include <cctype>
#include <regex>
#include <set>
#include <stdexcept>

namespace hearth::isapi {

namespace {

using json = nlohmann::json;

[[noreturn]] void refuse(const std::string& key, const std::string& what) {
    throw std::invalid_argument("isapi_camera config: \"" + key + "\" " + what);
}

std::string get_string(const json& cfg, const char* key, bool allow_empty = false) {
    const json& v = cfg.at(key);
    if (!v.is_string()) refuse(key, "must be a string");
    auto s = v.get<std::string>();
    if (!allow_empty && s.empty()) refuse(key, "must not be empty");
    return s;
}

std::int64_t get_int(const json& cfg, const char* key, std::int64_t min, std::int64_t max) {
    const json& v = cfg.at(key);
    if (!v.is_number_integer()) refuse(key, "must be an integer");
    const auto n = v.get<std::int64_t>();
    if (n < min || n > max) refuse(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return n;
}

}  // namespace

std::string default_device_id(const std::string& host) {
    std::string id = "camera_";
    for (char c : host) {
        const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        id.push_back((std::isalnum(static_cast<unsigned char>(l)) || l == '_' || l == '-') ? l : '_');
    }
    return id.substr(0, 64);
}

camera_config parse_camera_config(const json& cfg) {
    if (!cfg.is_object()) throw std::invalid_argument("isapi_camera config: must be an object");
    static const std::set<std::string> k_known = {"host",
                                                  "port",
                                                  "username",
                                                  "password",
                                                  "channel",
                                                  "id",
                                                  "name",
                                                  "snapshot_max_bytes",
                                                  "snapshot_min_interval_ms",
                                                  "timeout_ms",
                                                  "reconnect_ms",
                                                  "offline_after_failures",
                                                  "doorbell_event_types",
                                                  "motion_clear_ms"};
    for (const auto& [key, _] : cfg.items())
        if (k_known.count(key) == 0) refuse(key, "is not a known key");
    for (const char* key : {"host", "username", "password"})
        if (!cfg.contains(key)) refuse(key, "is required");

    camera_config c;
    c.host = get_string(cfg, "host");
    if (c.host.find_first_of(" /?#@") != std::string::npos) refuse("host", "must be a bare host name or address");
    c.username = get_string(cfg, "username");
    if (c.username.find_first_of("\"\r\n") != std::string::npos)
        refuse("username", "must not contain quotes or line breaks");
    c.password = get_string(cfg, "password", true);
    if (cfg.contains("port")) c.port = static_cast<std::uint16_t>(get_int(cfg, "port", 1, 65535));
    if (cfg.contains("channel")) c.channel = static_cast<int>(get_int(cfg, "channel", 1, 32));
    c.id = cfg.contains("id") ? get_string(cfg, "id") : default_device_id(c.host);
    static const std::regex k_id_re("[a-z0-9_-]{1,64}");
    if (!std::regex_match(c.id, k_id_re)) refuse("id", "must match [a-z0-9_-]{1,64}");
    c.name = cfg.contains("name") ? get_string(cfg, "name") : "Camera " + c.host;
    if (cfg.contains("snapshot_max_bytes"))
        c.snapshot_max_bytes = static_cast<std::size_t>(get_int(cfg, "snapshot_max_bytes", 1024, 64 * 1024 * 1024));
    const auto ms = [&](const char* key, std::chrono::milliseconds& out, std::int64_t min, std::int64_t max) {
        if (cfg.contains(key)) out = std::chrono::milliseconds(get_int(cfg, key, min, max));
    };
    ms("snapshot_min_interval_ms", c.snapshot_min_interval, 0, 3'600'000);
    ms("timeout_ms", c.timeout, 100, 60'000);
    ms("reconnect_ms", c.reconnect, 10, k_max_reconnect.count());
    ms("motion_clear_ms", c.motion_clear, 100, 3'600'000);
    if (cfg.contains("offline_after_failures"))
        c.offline_after_failures = static_cast<int>(get_int(cfg, "offline_after_failures", 1, 1000));
    if (cfg.contains("doorbell_event_types")) {
        const json& v = cfg.at("doorbell_event_types");
        if (!v.is_array()) refuse("doorbell_event_types", "must be an array of strings");
        c.doorbell_event_types.clear();
        for (const auto& e : v) {
            if (!e.is_string() || e.get<std::string>().empty())
                refuse("doorbell_event_types", "must be an array of non-empty strings");
            c.doorbell_event_types.push_back(e.get<std::string>());
        }
    }
    return c;
}

}  // namespace hearth::isapi
