// Role: implementation of parse_common_config.
#include "miio_config.hpp"

#include <regex>
#include <stdexcept>

namespace hearth::miio {

namespace {

std::int64_t int_in(const nlohmann::json& cfg, const char* key, std::int64_t def, std::int64_t min, std::int64_t max) {
    if (!cfg.contains(key)) return def;
    const auto& v = cfg[key];
    if (!v.is_number_integer()) throw std::invalid_argument(std::string("config: '") + key + "' must be an integer");
    const auto n = v.get<std::int64_t>();
    if (n < min || n > max)
        throw std::invalid_argument(std::string("config: '") + key + "' must be in [" + std::to_string(min) + ", " +
                                    std::to_string(max) + "]");
    return n;
}

std::string string_of(const nlohmann::json& cfg, const char* key, bool required, const std::string& def = {}) {
    if (!cfg.contains(key)) {
        if (required) throw std::invalid_argument(std::string("config: '") + key + "' is required");
        return def;
    }
    if (!cfg[key].is_string()) throw std::invalid_argument(std::string("config: '") + key + "' must be a string");
    return cfg[key].get<std::string>();
}

}  // namespace

common_config parse_common_config(const nlohmann::json& cfg, const std::string& default_name) {
    if (!cfg.is_object()) throw std::invalid_argument("config must be an object");
    common_config c;
    c.client.host = string_of(cfg, "host", true);
    if (c.client.host.empty()) throw std::invalid_argument("config: 'host' is empty");
    c.client.port = static_cast<std::uint16_t>(int_in(cfg, "port", k_default_port, 1, 65535));
    if (!cfg.contains("token") || !cfg["token"].is_string())
        throw std::invalid_argument("config: 'token' is required (32 hex digits)");
    const auto token = parse_token(cfg["token"].get<std::string>());
    if (!token) throw std::invalid_argument("config: 'token' must be 32 hex digits");
    c.client.token = *token;
    c.client.timeout = std::chrono::milliseconds(int_in(cfg, "timeout_ms", 1500, 50, 60000));
    c.client.retries = static_cast<int>(int_in(cfg, "retries", 2, 0, 10));
    c.id = string_of(cfg, "id", true);
    static const std::regex id_re("[a-z0-9_-]{1,64}");
    if (!std::regex_match(c.id, id_re)) throw std::invalid_argument("config: 'id' must match [a-z0-9_-]{1,64}");
    c.name = string_of(cfg, "name", false, default_name);
    c.poll_interval = std::chrono::milliseconds(int_in(cfg, "poll_interval_ms", 5000, 100, 3600000));
    c.offline_after_failures = static_cast<int>(int_in(cfg, "offline_after_failures", 3, 1, 1000));
    return c;
}

}  // namespace hearth::miio
