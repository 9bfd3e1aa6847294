// Connection settings of hearthctl (see settings.hpp).
#include "ctl/settings.hpp"

#include "core/config.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <ostream>
#include <sstream>

#include <unistd.h>

namespace hearth::ctl {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

std::string string_field(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string resolve(const fs::path& base, const std::string& path) {
    if (path.empty() || fs::path(path).is_absolute()) return path;
    return (base / path).lexically_normal().string();
}

bool read_text(const fs::path& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream s;
    s << in.rdbuf();
    out = s.str();
    return static_cast<bool>(in) || in.eof();
}

client_settings from_config(const config& c) {
    client_settings s;
    s.url = c.mqtt.url;
    s.base_topic = c.mqtt.base_topic;
    s.username = c.mqtt.username;
    s.password = c.mqtt.password;
    if (c.mqtt.tls) {
        s.ca_file = c.mqtt.tls->ca_file;
        s.cert_file = c.mqtt.tls->cert_file;
        s.key_file = c.mqtt.tls->key_file;
        s.verify_hostname = c.mqtt.tls->verify_hostname;
    }
    return s;
}

/// The default config exists but this user cannot read it (or its directory): say so, say what
/// is used instead and how to point elsewhere, and go on with the built-in defaults.
client_settings unreadable_default(const fs::path& path, const std::string& why, bool overridden, std::ostream& warn) {
    if (!overridden) {
        const client_settings d;
        warn << "hearthctl: warning: cannot read " << path.string() << " (" << why << "); using " << d.url
             << " and base topic '" << d.base_topic
             << "' without credentials. Run as a user who can read it (e.g. in group hearth), give "
                "--config FILE (a copy you can read), or --url/--port and --base\n";
    }
    return client_settings{};
}

client_settings from_file(const fs::path& path, bool explicit_path, bool overridden, std::ostream& warn) {
    std::error_code ec;
    const bool exists = fs::exists(path, ec);
    if (ec) {  // e.g. EACCES on /etc/hearth: not "missing"
        if (explicit_path) throw usage_error("cannot read config file " + path.string() + ": " + ec.message());
        return unreadable_default(path, ec.message(), overridden, warn);
    }
    if (!exists) {
        if (explicit_path) throw usage_error("config file " + path.string() + " does not exist");
        return client_settings{};
    }
    if (::access(path.c_str(), R_OK) != 0) {
        const std::string why = std::error_code(errno, std::generic_category()).message();
        if (explicit_path) throw usage_error("cannot read config file " + path.string() + ": " + why);
        return unreadable_default(path, why, overridden, warn);
    }
    checked<config> r = load_config(path);
    if (r) return from_config(*r);
    for (const auto& e : r.error()) warn << "hearthctl: warning: " << e.to_string() << "\n";
    std::string text;
    if (!read_text(path, text)) {
        throw usage_error("cannot read config file " + path.string() +
                          " (run as a user who can read it, or give --url and --base)");
    }
    const json doc = json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object())
        throw usage_error("config file " + path.string() + " is not valid JSON");
    warn << "hearthctl: warning: using the \"mqtt\" section of " << path.string() << " as written\n";
    const auto mqtt = doc.find("mqtt");
    return settings_from_mqtt_json(mqtt != doc.end() ? *mqtt : json::object(), path.parent_path());
}

}  // namespace

client_settings settings_from_mqtt_json(const json& mqtt, const fs::path& base_dir) {
    client_settings s;
    if (!mqtt.is_object()) return s;
    if (auto v = string_field(mqtt, "url"); !v.empty()) s.url = v;
    if (auto v = string_field(mqtt, "base_topic"); !v.empty()) s.base_topic = v;
    s.username = string_field(mqtt, "username");
    s.password = string_field(mqtt, "password");
    if (const auto file = string_field(mqtt, "password_file"); !file.empty()) {
        std::string secret;
        if (read_text(resolve(base_dir, file), secret)) {
            while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
            s.password = secret;
        }
    }
    if (auto tls = mqtt.find("tls"); tls != mqtt.end() && tls->is_object()) {
        s.ca_file = resolve(base_dir, string_field(*tls, "ca_file"));
        s.cert_file = resolve(base_dir, string_field(*tls, "cert_file"));
        s.key_file = resolve(base_dir, string_field(*tls, "key_file"));
        if (auto v = tls->find("verify_hostname"); v != tls->end() && v->is_boolean())
            s.verify_hostname = v->get<bool>();
    }
    return s;
}

std::optional<std::chrono::milliseconds> parse_timeout(const std::string& text) {
    if (text.empty()) return std::nullopt;
    errno = 0;
    char* end = nullptr;
    const double seconds = std::strtod(text.c_str(), &end);
    if (errno != 0 || end != text.c_str() + text.size() || !std::isfinite(seconds)) return std::nullopt;
    if (seconds <= 0 || seconds > 3600) return std::nullopt;
    return std::chrono::milliseconds(static_cast<long long>(std::ceil(seconds * 1000)));
}

client_settings make_settings(const parsed_args& args, std::ostream& warn, const std::string& default_path) {
    const auto config_opt = args.option("config");
    const auto url = args.option("url");
    const auto port = args.option("port");
    client_settings s = from_file(config_opt.value_or(std::string(default_path)), config_opt.has_value(),
                                  url.has_value() || port.has_value(), warn);
    if (url && port) throw usage_error("give --url or --port, not both");
    if (url) {
        const bool known = url->rfind("mqtt://", 0) == 0 || url->rfind("mqtts://", 0) == 0 ||
                           url->rfind("tcp://", 0) == 0 || url->rfind("ssl://", 0) == 0;
        if (!known) throw usage_error("--url: '" + *url + "' is not mqtt://host:port or mqtts://host:port");
        s.url = *url;
    }
    if (port) {
        const auto n = parse_count(*port, 65535);
        if (!n || *n == 0) throw usage_error("--port: '" + *port + "' is not a port number");
        s.url = "mqtt://127.0.0.1:" + std::to_string(*n);
    }
    if (auto base = args.option("base")) {
        if (base->empty() || base->find_first_of("#+") != std::string::npos) {
            throw usage_error("--base: '" + *base + "' is not a topic (no wildcards)");
        }
        s.base_topic = *base;
    }
    if (auto t = args.option("timeout")) {
        const auto ms = parse_timeout(*t);
        if (!ms) throw usage_error("--timeout: '" + *t + "' is not a number of seconds (0 < s <= 3600)");
        s.timeout = *ms;
    }
    return s;
}

}  // namespace hearth::ctl
