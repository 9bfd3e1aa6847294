// Role: implementation of yeelight_config.hpp: strict validation of the driver's config object.
#include "yeelight_config.hpp"

#include <regex>
#include <set>
#include <stdexcept>

namespace hearth::yeelight {

namespace {

using json = nlohmann::json;

[[noreturn]] void refuse(const std::string& key, const std::string& what) {
    throw std::invalid_argument("yeelight config: \"" + key + "\" " + what);
}

void refuse_unknown(const json& obj, const std::set<std::string>& known, const std::string& prefix) {
    for (const auto& [key, _] : obj.items())
        if (known.count(key) == 0) refuse(prefix + key, "is not a known key");
}

std::string get_string(const json& obj, const char* key, const std::string& name) {
    const json& v = obj.at(key);
    if (!v.is_string()) refuse(name, "must be a string");
    auto s = v.get<std::string>();
    if (s.empty()) refuse(name, "must not be empty");
    return s;
}

std::int64_t get_int(const json& obj, const char* key, const std::string& name, std::int64_t min, std::int64_t max,
                     std::int64_t fallback) {
    if (!obj.contains(key)) return fallback;
    const json& v = obj.at(key);
    if (!v.is_number_integer()) refuse(name, "must be an integer");
    const auto n = v.get<std::int64_t>();
    if (n < min || n > max)
        refuse(name, "must be an integer between " + std::to_string(min) + " and " + std::to_string(max));
    return n;
}

light_config parse_light(const json& l, const std::string& prefix) {
    if (!l.is_object()) refuse(prefix.substr(0, prefix.size() - 1), "must be an object");
    refuse_unknown(l, {"id", "name", "host", "port"}, prefix);
    for (const char* key : {"id", "host"})
        if (!l.contains(key)) refuse(prefix + key, "is required");
    static const std::regex id_re("[a-z0-9_-]{1,64}");
    light_config c;
    c.id = get_string(l, "id", prefix + "id");
    if (!std::regex_match(c.id, id_re)) refuse(prefix + "id", "must match [a-z0-9_-]{1,64}");
    c.name = l.contains("name") ? get_string(l, "name", prefix + "name") : c.id;
    c.host = get_string(l, "host", prefix + "host");
    if (c.host.find_first_of(" /?#@") != std::string::npos)
        refuse(prefix + "host", "must be a bare host name or address");
    c.port = static_cast<std::uint16_t>(get_int(l, "port", prefix + "port", 1, 65535, 55443));
    return c;
}

}  // namespace

yeelight_config parse_config(const json& config) {
    if (!config.is_object()) throw std::invalid_argument("yeelight config: must be an object");
    refuse_unknown(config, {"lights", "timeout_ms", "reconnect_ms", "offline_after_failures", "effect", "duration_ms"},
                   "");
    if (!config.contains("lights")) refuse("lights", "is required");
    const json& lights = config["lights"];
    if (!lights.is_array() || lights.empty()) refuse("lights", "must be a non-empty array");

    yeelight_config c;
    std::set<std::string> ids;
    for (std::size_t i = 0; i < lights.size(); ++i) {
        const std::string prefix = "lights[" + std::to_string(i) + "].";
        c.lights.push_back(parse_light(lights[i], prefix));
        if (!ids.insert(c.lights.back().id).second) refuse(prefix + "id", "repeats an id used before");
    }
    c.timeout = std::chrono::milliseconds(get_int(config, "timeout_ms", "timeout_ms", 100, 60000, 3000));
    c.reconnect = std::chrono::milliseconds(get_int(config, "reconnect_ms", "reconnect_ms", 10, 30000, 1000));
    c.offline_after_failures =
        static_cast<int>(get_int(config, "offline_after_failures", "offline_after_failures", 1, 100, 3));
    if (config.contains("effect")) {
        const json& e = config["effect"];
        if (!e.is_string() || (e != "smooth" && e != "sudden")) refuse("effect", "must be \"smooth\" or \"sudden\"");
        c.effect = e.get<std::string>();
    }
    c.duration_ms = static_cast<int>(get_int(config, "duration_ms", "duration_ms", 30, 60000, 300));
    return c;
}

}  // namespace hearth::yeelight
