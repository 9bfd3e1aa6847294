// Parsing of the `uplink` config section (uplink_config.hpp).
#include "core/uplink_config.hpp"

#include "core/broker_url.hpp"

#include <fstream>
#include <sstream>

namespace hearth {

namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

std::string resolve_path(const fs::path& base, const std::string& p) {
    fs::path path(p);
    if (path.is_relative()) path = base / path;
    return path.lexically_normal().string();
}

std::string text_of(const json& obj, const char* key) {
    const auto it = obj.find(key);
    return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::set<std::string> strings_of(const json& obj, const char* key, std::set<std::string> fallback) {
    const auto it = obj.find(key);
    if (it == obj.end() || !it->is_array()) return fallback;
    std::set<std::string> out;
    for (const auto& v : *it) {
        if (v.is_string()) out.insert(v.get<std::string>());
    }
    return out;
}

/// A file the uplink needs: resolved, and an error when it cannot be read.
std::string needed_file(const json& obj, const char* key, const fs::path& base, const std::string& file,
                        const std::string& where, located_errors& errors) {
    std::string given = text_of(obj, key);
    if (given.empty()) return given;
    std::string path = resolve_path(base, given);
    if (!std::ifstream(path, std::ios::binary)) errors.push_back({file, where + "/" + key, "cannot read " + path});
    return path;
}

void read_tls(const json& section, const fs::path& base, const std::string& file, uplink_config& c,
              located_errors& errors) {
    const auto t = section.find("tls");
    if (t == section.end() || !t->is_object()) return;
    c.ca_file = needed_file(*t, "ca_file", base, file, "/uplink/tls", errors);
    c.cert_file = needed_file(*t, "cert_file", base, file, "/uplink/tls", errors);
    c.key_file = needed_file(*t, "key_file", base, file, "/uplink/tls", errors);
    if (auto v = t->find("verify_hostname"); v != t->end() && v->is_boolean()) c.verify_hostname = v->get<bool>();
    if (c.cert_file.empty() != c.key_file.empty())
        errors.push_back({file, "/uplink/tls", "cert_file and key_file must be given together"});
}

void check_enabled(const json& section, const std::string& file, const uplink_config& c, located_errors& errors) {
    if (c.site_id.empty()) errors.push_back({file, "/uplink/site_id", "required when the uplink is enabled"});
    if (c.home_id.empty()) errors.push_back({file, "/uplink/home_id", "required when the uplink is enabled"});
    if (c.urls.empty()) errors.push_back({file, "/uplink/urls", "at least one broker URL is required when enabled"});
    for (std::size_t i = 0; i < c.urls.size(); ++i) {
        if (auto why = broker_url_problem(c.urls[i]); !why.empty())
            errors.push_back({file, "/uplink/urls/" + std::to_string(i), why});
    }
    bool any_tls = false;
    for (const auto& u : c.urls) any_tls = any_tls || u.rfind("mqtts://", 0) == 0 || u.rfind("ssl://", 0) == 0;
    if (!any_tls && section.contains("tls"))
        errors.push_back({file, "/uplink/tls", "tls is given but no URL is mqtts:// (TLS would never be used)"});
    for (const auto& d : c.unlock_devices) {
        if (!c.command_devices.contains(d)) {
            errors.push_back(
                {file, "/uplink/unlock_devices", "'" + d + "' is not listed in command_devices (unlock needs both)"});
        }
    }
    if ((!c.command_devices.empty() || !c.unlock_devices.empty()) && !c.accept.contains("commands"))
        errors.push_back({file, "/uplink/command_devices", "devices are listed but \"commands\" is not in accept"});
}

}  // namespace

uplink_config parse_uplink_config(const json& section, const fs::path& base, const std::string& file,
                                  located_errors& errors) {
    uplink_config c;
    if (!section.is_object()) return c;
    if (auto it = section.find("enabled"); it != section.end() && it->is_boolean()) c.enabled = it->get<bool>();
    if (auto it = section.find("urls"); it != section.end() && it->is_array()) {
        for (const auto& u : *it) {
            if (u.is_string()) c.urls.push_back(u.get<std::string>());
        }
    }
    c.site_id = text_of(section, "site_id");
    c.home_id = text_of(section, "home_id");
    c.client_id = text_of(section, "client_id");
    if (c.client_id.empty() && !c.home_id.empty()) c.client_id = "hub-" + c.home_id;
    c.username = text_of(section, "username");
    if (c.username.empty()) c.username = c.home_id;
    c.password_file = needed_file(section, "password_file", base, file, "/uplink", errors);
    if (!c.password_file.empty()) {
        std::ifstream in(c.password_file, std::ios::binary);
        std::ostringstream ss;
        ss << in.rdbuf();
        c.password = ss.str();
        while (!c.password.empty() && (c.password.back() == '\n' || c.password.back() == '\r')) c.password.pop_back();
    }
    read_tls(section, base, file, c, errors);
    c.publish = strings_of(section, "publish", c.publish);
    c.accept = strings_of(section, "accept", {});
    c.command_devices = strings_of(section, "command_devices", {});
    c.unlock_devices = strings_of(section, "unlock_devices", {});
    if (auto o = section.find("outbox"); o != section.end() && o->is_object()) {
        if (auto v = o->find("max_messages"); v != o->end() && v->is_number_integer())
            c.outbox.max_messages = v->get<std::int64_t>();
        if (auto v = o->find("max_bytes"); v != o->end() && v->is_number_integer())
            c.outbox.max_bytes = v->get<std::int64_t>();
    }
    if (auto v = section.find("health_interval_s"); v != section.end() && v->is_number_integer())
        c.health_interval_s = v->get<int>();
    if (c.enabled) check_enabled(section, file, c, errors);
    return c;
}

json uplink_config::summary() const {
    json urls_json = json::array();
    for (const auto& u : urls) urls_json.push_back(redact_url(u));
    return {{"enabled", enabled},
            {"urls", urls_json},
            {"client_id", client_id},
            {"site_id", site_id},
            {"home_id", home_id},
            {"password_set", !password.empty()},
            {"tls", !ca_file.empty() || !cert_file.empty()},
            {"publish", publish},
            {"accept", accept},
            {"command_devices", command_devices},
            {"unlock_devices", unlock_devices},
            {"outbox", {{"max_messages", outbox.max_messages}, {"max_bytes", outbox.max_bytes}}},
            {"health_interval_s", health_interval_s}};
}

}  // namespace hearth
