// Loading and validation of the main configuration (see config.hpp).
#include "core/config.hpp"

#include "core/json_input.hpp"

#include "core/broker_url.hpp"
#include "core/device_model.hpp"
#include "core/json_schema.hpp"
#include "core/plugin_dirs.hpp"
#include "log/levels.hpp"

#include <fstream>
#include <set>
#include <sstream>
#include <sys/stat.h>

namespace hearth {

extern const char* const embedded_main_config_schema;  // generated from config/schema/hearth.schema.json

namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

std::string resolve(const fs::path& base, const std::string& p) {
    if (p.empty()) return p;
    fs::path path(p);
    if (path.is_relative()) path = base / path;
    return path.lexically_normal().string();
}

template <class T>
void take(const json& obj, const char* key, T& out) {
    if (auto it = obj.find(key); it != obj.end()) out = it->get<T>();
}

bool read_file(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream ss;
    ss << in.rdbuf();
    out = ss.str();
    return true;
}

void build_mqtt(const json& j, const fs::path& base, const std::string& file, config& c, located_errors& errors) {
    auto& m = c.mqtt;
    take(j, "url", m.url);
    if (j.contains("url") && m.url.find('@') != std::string::npos) {
        // Paho does not take credentials from the URL, and the URL is logged: refuse, never echo it.
        errors.push_back({file, "/mqtt/url", broker_url_problem(m.url)});
        m.url = redact_url(m.url);
    }
    take(j, "client_id", m.client_id);
    take(j, "base_topic", m.base_topic);
    take(j, "discovery_prefix", m.discovery_prefix);
    take(j, "discovery", m.discovery);
    take(j, "username", m.username);
    take(j, "password", m.password);
    take(j, "keepalive_s", m.keepalive_s);
    if (j.contains("password") && j.contains("password_file")) {
        errors.push_back({file, "/mqtt/password_file", "give either password or password_file, not both"});
    }
    if (j.contains("password_file")) {
        m.password_file = resolve(base, j["password_file"].get<std::string>());
        std::string secret;
        if (!read_file(m.password_file, secret)) {
            errors.push_back({file, "/mqtt/password_file", "cannot read " + m.password_file});
        } else {
            while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
            m.password = secret;
        }
    }
    if (auto t = j.find("tls"); t != j.end()) {
        tls_config tls;
        const std::pair<const char*, std::string*> files[] = {
            {"ca_file", &tls.ca_file}, {"cert_file", &tls.cert_file}, {"key_file", &tls.key_file}};
        for (const auto& [key, dest] : files) {
            if (!t->contains(key)) continue;
            *dest = resolve(base, (*t)[key].get<std::string>());
            struct stat st {};
            if (::stat(dest->c_str(), &st) != 0) {
                errors.push_back({file, std::string("/mqtt/tls/") + key, "file not found: " + *dest});
            }
        }
        take(*t, "verify_hostname", tls.verify_hostname);
        if (tls.cert_file.empty() != tls.key_file.empty()) {
            errors.push_back({file, "/mqtt/tls", "cert_file and key_file must be given together"});
        }
        m.tls = tls;
    }
}

void build(const json& j, const fs::path& base, const std::string& file, config& c, located_errors& errors) {
    if (auto it = j.find("mqtt"); it != j.end()) build_mqtt(*it, base, file, c, errors);
    if (auto it = j.find("database"); it != j.end()) {
        auto& d = c.database;
        if (it->contains("path")) d.path = resolve(base, (*it)["path"].get<std::string>());
        take(*it, "commit_interval_ms", d.commit_interval_ms);
        take(*it, "history_days", d.history_days);
        take(*it, "activity_days", d.activity_days);
        if (auto r = it->find("retention_days"); r != it->end()) {
            for (const auto& [key, days] : r->items()) d.retention_days[key] = days.get<int>();
        }
        take(*it, "size_budget_mb", d.size_budget_mb);
        take(*it, "backup_interval_h", d.backup_interval_h);
        if (it->contains("backup_dir")) d.backup_dir = resolve(base, (*it)["backup_dir"].get<std::string>());
    }
    if (c.database.backup_dir.empty()) {
        c.database.backup_dir = (fs::path(c.database.path).parent_path() / "backups").string();
    }
    if (auto it = j.find("plugins"); it != j.end()) {
        if (it->contains("dir")) c.plugins.dir = resolve(base, (*it)["dir"].get<std::string>());
        take(*it, "call_timeout_ms", c.plugins.call_timeout_ms);
        take(*it, "max_failures", c.plugins.max_failures);
        take(*it, "heartbeat_timeout_ms", c.plugins.heartbeat_timeout_ms);
        take(*it, "max_restarts", c.plugins.max_restarts);
        take(*it, "crash_window_s", c.plugins.crash_window_s);
        take(*it, "worker_uid_base", c.plugins.worker_uid_base);
    }
    take(j, "sandbox", c.sandbox);
    std::set<std::string> ids;
    if (auto it = j.find("drivers"); it != j.end()) {
        for (std::size_t i = 0; i < it->size(); ++i) {
            const json& d = (*it)[i];
            driver_config dc;
            dc.plugin = d.at("plugin").get<std::string>();
            dc.id = d.at("id").get<std::string>();
            take(d, "enabled", dc.enabled);
            take(d, "refresh_min_interval_ms", dc.refresh_min_interval_ms);
            if (d.contains("config")) dc.config = d["config"];
            if (auto iso = d.find("isolation"); iso != d.end()) {  // the schema allows strings only
                if (auto mode = parse_isolation_mode(iso->get<std::string>())) {
                    dc.isolation = *mode;
                } else {
                    errors.push_back({file, "/drivers/" + std::to_string(i) + "/isolation", mode.error()});
                }
            }
            if (auto l = d.find("limits"); l != d.end()) {
                take(*l, "memory_mb", dc.limits.memory_mb);
                take(*l, "cpu_s", dc.limits.cpu_s);
                take(*l, "open_files", dc.limits.open_files);
                if (dc.isolation != isolation_mode::process) {
                    errors.push_back({file, "/drivers/" + std::to_string(i) + "/limits",
                                      "limits apply only to drivers with \"isolation\": \"process\""});
                }
            }
            if (auto sb = d.find("sandbox"); sb != d.end()) {
                dc.sandbox = *sb;
                if (dc.isolation != isolation_mode::process) {
                    errors.push_back({file, "/drivers/" + std::to_string(i) + "/sandbox",
                                      "the sandbox applies only to drivers with \"isolation\": \"process\""});
                }
            }
            if (c.sandbox == "required" && dc.isolation == isolation_mode::inproc) {
                errors.push_back({file, "/drivers/" + std::to_string(i) + "/isolation",
                                  "\"sandbox\": \"required\" but an in-process driver cannot be sandboxed"});
            }
            if (!ids.insert(dc.id).second) {
                errors.push_back(
                    {file, "/drivers/" + std::to_string(i) + "/id", "duplicate driver id '" + dc.id + "'"});
            }
            c.drivers.push_back(std::move(dc));
        }
    }
    c.scenes_dir = (base / "scenes").lexically_normal().string();
    if (auto it = j.find("scenes"); it != j.end() && it->contains("dir")) {
        c.scenes_dir = resolve(base, (*it)["dir"].get<std::string>());
    }
    if (auto it = j.find("location"); it != j.end()) {
        c.location = location_config{(*it)["latitude"].get<double>(), (*it)["longitude"].get<double>()};
    }
    if (auto it = j.find("log"); it != j.end()) {
        take(*it, "level", c.log_level);
        std::string why;
        if (!log::parse_levels(c.log_level, why)) errors.push_back({file, "/log/level", why});
    }
    if (auto it = j.find("locks"); it != j.end()) {
        for (const auto& [id, l] : it->items()) {
            if (!is_valid_id(id)) errors.push_back({file, "/locks/" + id, "not a valid device id"});
            lock_settings s;
            take(l, "pin_hash", s.pin_hash);
            if (l.contains("pin")) s.pin_none = l["pin"] == "none";
            take(l, "max_attempts", s.max_attempts);
            const json& lock_json = l;  // clang 14 cannot capture a structured binding
            auto seconds = [&lock_json](const char* key, std::int64_t& out_ms) {
                if (lock_json.contains(key)) out_ms = lock_json[key].get<std::int64_t>() * 1000;
            };
            seconds("lockout_s", s.lockout_ms);
            seconds("max_command_age_s", s.max_command_age_ms);
            seconds("max_future_skew_s", s.max_future_skew_ms);
            seconds("auto_relock_s", s.auto_relock_ms);
            seconds("left_unlocked_s", s.left_unlocked_ms);
            take(l, "allow_rule_unlock", s.allow_rule_unlock);
            if (s.pin_none && !s.pin_hash.empty()) {
                errors.push_back(
                    {file, "/locks/" + id + "/pin", "\"pin\": \"none\" and a pin_hash exclude each other"});
            }
            if (!s.pin_hash.empty() && !is_pin_hash(s.pin_hash)) {
                errors.push_back({file, "/locks/" + id + "/pin_hash", "not a PIN hash made by hearthd --hash-pin"});
            }
            c.locks[id] = s;
        }
    }
    if (auto it = j.find("energy"); it != j.end()) c.energy = parse_energy_config(*it, file, errors);
    if (auto it = j.find("suggestions"); it != j.end()) c.suggestions = parse_suggestions_config(*it, file, errors);
    if (auto it = j.find("care"); it != j.end()) c.care = parse_care_config(*it, file, errors);
    c.matter = parse_matter_config(j.value("matter", json::object()), file, base.string(), c.database.path, errors);
}

}  // namespace

const json& main_config_schema() {
    static const json schema = json::parse(embedded_main_config_schema);
    return schema;
}

checked<config> parse_config(const std::string& text, const std::string& file, const fs::path& base_dir) {
    // Depth-checked like every external JSON (a config nested 100,000 deep is an error, not a
    // stack overflow in the schema check); errors quote no raw bytes.
    json_input in = parse_json_input(text);
    if (!in.ok) return fail(located_errors{syntax_error(file, text, in.byte, in.error)});
    json j = std::move(in.value);
    located_errors errors = validate_json_schema(main_config_schema(), j);
    for (auto& e : errors) e.file = file;
    if (!errors.empty()) return fail(std::move(errors));
    config c;
    c.source = file;
    build(j, base_dir, file, c, errors);
    if (!errors.empty()) return fail(std::move(errors));
    return c;
}

checked<config> load_config(const fs::path& path) {
    std::string text;
    if (!read_file(path.string(), text)) {
        return fail(located_errors{{path.string(), "", "cannot read the file (does it exist and is it readable?)"}});
    }
    const fs::path base = fs::absolute(path).parent_path();
    return parse_config(text, path.string(), base);
}

json config::summary() const {
    json drivers_json = json::array();
    for (const auto& d : drivers) {
        json entry = {
            {"plugin", d.plugin}, {"id", d.id}, {"enabled", d.enabled}, {"isolation", to_string(d.isolation)}};
        if (d.isolation == isolation_mode::process) {
            entry["limits"] = {
                {"memory_mb", d.limits.memory_mb}, {"cpu_s", d.limits.cpu_s}, {"open_files", d.limits.open_files}};
        }
        drivers_json.push_back(std::move(entry));
    }
    json s = {
        {"mqtt",
         {{"url", redact_url(mqtt.url)},
          {"client_id", mqtt.client_id},
          {"base_topic", mqtt.base_topic},
          {"discovery_prefix", mqtt.discovery_prefix},
          {"discovery", mqtt.discovery},
          {"username_set", !mqtt.username.empty()},
          {"password_set", !mqtt.password.empty()},
          {"tls", mqtt.tls.has_value()}}},
        {"database",
         {{"path", database.path},
          {"commit_interval_ms", database.commit_interval_ms},
          {"history_days", database.history_days},
          {"activity_days", database.activity_days}}},
        {"plugins",
         {{"dir", plugins.dir},
          {"search_dirs", plugin_search_dirs(plugins.dir)},
          {"call_timeout_ms", plugins.call_timeout_ms}}},
        {"drivers", drivers_json},
        {"scenes", {{"dir", scenes_dir}}},
        {"log", {{"level", log_level}}},
    };
    json locks_json = json::object();
    for (const auto& [id, l] : locks) locks_json[id] = {{"pin_required", !l.pin_hash.empty()}};
    s["locks"] = locks_json;
    s["sandbox"] = sandbox;
    s["energy"] = energy_summary(energy);
    s["suggestions"] = {{"enabled", suggestions.enabled}, {"days", suggestions.days}};
    s["care"] = {{"enabled", care.enabled},
                 {"devices", care.devices},
                 {"min_gap_min", care.min_gap_min},
                 {"learn_days", care.learn_days},
                 {"scene", care.scene}};
    s["matter"] = matter_summary(matter);
    return s;
}

}  // namespace hearth
