// Role: implementation of parse_config (see nuki_config.hpp). Every refusal names the key and
// the rule, never the value of `token`.
#include "nuki_config.hpp"

#include <boost/asio/ip/address.hpp>

#include <regex>
#include <set>
#include <stdexcept>

namespace hearth::nuki {

namespace {

using nlohmann::json;

[[noreturn]] void refuse(const std::string& key, const std::string& rule) {
    throw std::invalid_argument("nuki config: \"" + key + "\" " + rule);
}

int get_int(const json& c, const std::string& key, int def, int min, int max) {
    auto it = c.find(key);
    if (it == c.end()) return def;
    if (!it->is_number_integer()) refuse(key, "must be an integer");
    const auto v = it->get<std::int64_t>();
    if (v < min || v > max) refuse(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return static_cast<int>(v);
}

std::string get_string(const json& c, const std::string& key, const std::string& def) {
    auto it = c.find(key);
    if (it == c.end()) return def;
    if (!it->is_string()) refuse(key, "must be a string");
    return it->get<std::string>();
}

bool get_bool(const json& c, const std::string& key, bool def) {
    auto it = c.find(key);
    if (it == c.end()) return def;
    if (!it->is_boolean()) refuse(key, "must be a boolean");
    return it->get<bool>();
}

bool is_ip_literal(const std::string& s) {
    boost::system::error_code ec;
    boost::asio::ip::make_address(s, ec);
    return !ec;
}

}  // namespace

nuki_config parse_config(const json& config) {
    if (!config.is_object()) throw std::invalid_argument("nuki config: must be a JSON object");
    static const std::set<std::string> known = {"host",
                                                "port",
                                                "token",
                                                "hashed_token",
                                                "callback_port",
                                                "callback_host",
                                                "poll_interval_ms",
                                                "timeout_ms",
                                                "offline_after_failures",
                                                "command_timeout_ms",
                                                "id_prefix"};
    for (const auto& [key, value] : config.items()) {
        if (known.count(key) == 0) refuse(key, "is not a known key");
    }

    nuki_config c;
    if (!config.contains("host")) refuse("host", "is required");
    c.host = get_string(config, "host", "");
    static const std::regex host_re("[A-Za-z0-9.:_-]{1,253}");
    if (!std::regex_match(c.host, host_re)) refuse("host", "must be an IP address or a host name");
    c.port = get_int(config, "port", 8080, 1, 65535);

    if (!config.contains("token")) refuse("token", "is required");
    if (!config["token"].is_string()) refuse("token", "must be a string");
    c.token = config["token"].get<std::string>();
    static const std::regex token_re("[A-Za-z0-9]{1,64}");
    if (!std::regex_match(c.token, token_re)) refuse("token", "must be 1-64 letters or digits (value not shown)");
    c.hashed_token = get_bool(config, "hashed_token", false);

    c.callback_port = get_int(config, "callback_port", 0, 0, 65535);
    c.callback_host = get_string(config, "callback_host", "127.0.0.1");
    if (!is_ip_literal(c.callback_host)) refuse("callback_host", "must be an IP address of this machine");

    c.poll_interval_ms = get_int(config, "poll_interval_ms", c.callback_port > 0 ? 30000 : 5000, 100, 3'600'000);
    c.timeout_ms = get_int(config, "timeout_ms", 3000, 100, 4000);
    c.offline_after_failures = get_int(config, "offline_after_failures", 3, 1, 100);
    c.command_timeout_ms = get_int(config, "command_timeout_ms", 20000, 1000, 120000);

    c.id_prefix = get_string(config, "id_prefix", "nuki_");
    static const std::regex prefix_re("[a-z0-9_-]{0,40}");
    if (!std::regex_match(c.id_prefix, prefix_re)) refuse("id_prefix", "must match [a-z0-9_-]{0,40}");
    return c;
}

}  // namespace hearth::nuki
