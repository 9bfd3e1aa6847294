// Broker URL rules shared by the config checks and the MQTT connect options (see broker_url.hpp).
#include "core/broker_url.hpp"

namespace hearth {

std::optional<broker_url_parts> split_broker_url(const std::string& url) {
    const auto sep = url.find("://");
    if (sep == std::string::npos) return std::nullopt;
    return broker_url_parts{url.substr(0, sep), url.substr(sep + 3)};
}

bool broker_url_tls_scheme(const std::string& scheme) { return scheme == "mqtts" || scheme == "ssl"; }

std::string broker_url_problem(const std::string& url) {
    const auto parts = split_broker_url(url);
    if (!parts) return "the broker URL must start with mqtt://, mqtts://, tcp:// or ssl://";
    const auto& s = parts->scheme;
    if (s != "mqtt" && s != "mqtts" && s != "tcp" && s != "ssl")
        return "unknown broker URL scheme '" + s + "://' (use mqtt://, mqtts://, tcp:// or ssl://)";
    if (parts->authority.find('@') != std::string::npos) {
        return "the broker URL must not contain a user name or password: set mqtt.username and put the "
               "password in the file named by mqtt.password_file";
    }
    if (parts->authority.empty()) return "the broker URL names no host";
    return {};
}

std::string redact_url(const std::string& url) {
    const auto parts = split_broker_url(url);
    if (!parts) return url.find('@') == std::string::npos ? url : "***@" + url.substr(url.rfind('@') + 1);
    const auto at = parts->authority.rfind('@');
    if (at == std::string::npos) return url;
    return parts->scheme + "://***@" + parts->authority.substr(at + 1);
}

}  // namespace hearth
