// Role: implementation of the Nuki API model and mapping (see nuki_model.hpp).
#include "nuki_model.hpp"

#include <hearth/kit/devices.hpp>

#include <boost/asio/ip/address.hpp>

#include <stdexcept>

namespace hearth::nuki {

namespace kit = hearth::kit;

namespace {

std::optional<std::int64_t> int_field(const json& o, const char* key) {
    auto it = o.find(key);
    if (it == o.end() || !it->is_number_integer()) return std::nullopt;
    return it->get<std::int64_t>();
}

}  // namespace

nuki_config parse_config(const json& c) {
    nuki_config out;
    out.host = c.at("host").get<std::string>();
    out.port = c.value("port", out.port);
    out.token = c.at("token").get<std::string>();
    out.hashed_token = c.value("hashed_token", false);
    out.callback_port = c.value("callback_port", 0);
    out.callback_host = c.value("callback_host", out.callback_host);
    boost::system::error_code ec;
    boost::asio::ip::make_address(out.callback_host, ec);
    if (ec) throw std::invalid_argument("nuki config: \"callback_host\" must be an IP address of this machine");
    out.poll_interval_ms = c.value("poll_interval_ms", out.callback_port > 0 ? 30000 : 5000);
    out.timeout_ms = c.value("timeout_ms", out.timeout_ms);
    out.offline_after_failures = c.value("offline_after_failures", out.offline_after_failures);
    out.command_timeout_ms = c.value("command_timeout_ms", out.command_timeout_ms);
    out.id_prefix = c.value("id_prefix", out.id_prefix);
    return out;
}

bool is_lock_type(int t) {
    return t == static_cast<int>(device_type::smartlock) || t == static_cast<int>(device_type::smartdoor) ||
           t == static_cast<int>(device_type::smartlock3);
}

lock_snapshot parse_snapshot(const json& body) {
    lock_snapshot s;
    if (!body.is_object()) return s;
    if (auto v = int_field(body, "state"); v && *v >= 0 && *v <= 255) s.state = static_cast<int>(*v);
    if (auto v = int_field(body, "doorsensorState"); v && *v >= 0 && *v <= 255) s.door_sensor = static_cast<int>(*v);
    s.battery_critical = bool_field(body, "batteryCritical", false);
    if (auto v = int_field(body, "batteryChargeState"); v && *v >= 0 && *v <= 100)
        s.battery_charge = static_cast<int>(*v);
    return s;
}

std::vector<paired_device> parse_list(const json& body) {
    if (!body.is_array()) throw std::runtime_error("the bridge's /list answer is not a JSON array");
    std::vector<paired_device> out;
    for (const auto& entry : body) {
        if (!entry.is_object()) continue;
        auto id = int_field(entry, "nukiId");
        if (!id || *id <= 0) continue;
        paired_device d;
        d.nuki_id = static_cast<std::uint64_t>(*id);
        d.device_type = static_cast<int>(int_field(entry, "deviceType").value_or(0));
        d.name = string_field(entry, "name");
        d.firmware = string_field(entry, "firmwareVersion");
        if (auto it = entry.find("lastKnownState"); it != entry.end()) d.last_known = parse_snapshot(*it);
        out.push_back(std::move(d));
    }
    return out;
}

std::optional<callback_update> parse_callback(const json& body) {
    if (!body.is_object()) return std::nullopt;
    auto id = int_field(body, "nukiId");
    if (!id || *id <= 0) return std::nullopt;
    return callback_update{static_cast<std::uint64_t>(*id), static_cast<int>(int_field(body, "deviceType").value_or(0)),
                           parse_snapshot(body)};
}

std::string map_lock_state(int state) {
    switch (state) {
    case 1: return "locked";
    case 2: return "unlocking";
    case 3: return "unlocked";
    case 4: return "locking";
    case 5: return "unlatched";
    case 6: return "unlocked";   // unlocked (lock 'n' go)
    case 7: return "unlocking";  // unlatching
    case 254: return "jammed";   // motor blocked
    default: return "unknown";   // 0 uncalibrated, 255 undefined, anything new
    }
}

std::optional<std::string> map_door_state(std::optional<int> door_sensor) {
    if (!door_sensor || *door_sensor == 1) return std::nullopt;  // absent or deactivated
    switch (*door_sensor) {
    case 2: return "closed";
    case 3: return "open";
    default: return "unknown";  // 4 door state unknown, 5 calibrating, anything new
    }
}

int battery_percent(const lock_snapshot& s) {
    if (s.battery_charge) return *s.battery_charge;
    return s.battery_critical ? 20 : 100;
}

bool has_door_sensor(const lock_snapshot& s) { return map_door_state(s.door_sensor).has_value(); }

json state_json(const lock_snapshot& s, bool with_door) {
    json out = {{"lock_state", map_lock_state(s.state)},
                {"battery", battery_percent(s)},
                {"battery_critical", s.battery_critical}};
    if (with_door) out["door_state"] = map_door_state(s.door_sensor).value_or("unknown");
    return out;
}

std::string device_id(const std::string& prefix, std::uint64_t nuki_id) { return prefix + std::to_string(nuki_id); }

json make_descriptor(const paired_device& d, const std::string& id, bool with_door) {
    const char* model = d.device_type == static_cast<int>(device_type::smartdoor)    ? "Smart Door"
                        : d.device_type == static_cast<int>(device_type::smartlock3) ? "Smart Lock 3.0/4.0"
                                                                                     : "Smart Lock";
    kit::lock lock(id, d.name.empty() ? "Nuki " + std::to_string(d.nuki_id) : d.name);
    lock.unlatch().battery().info("Nuki", model, d.firmware);
    // The bridge can report an uncalibrated or undefined state: "unknown" is never a guess.
    lock.prop("lock_state",
              kit::property::choice({"locked", "unlocked", "locking", "unlocking", "jammed", "unlatched", "unknown"}));
    lock.prop("battery_critical", kit::property::boolean());
    if (with_door) lock.prop("door_state", kit::property::choice({"open", "closed", "unknown"}));
    return lock.descriptor();
}

int action_code(const std::string& command) {
    if (command == "unlock") return 1;
    if (command == "lock") return 2;
    if (command == "unlatch") return 3;
    return 0;
}

std::string target_state(const std::string& command) {
    if (command == "unlock") return "unlocked";
    if (command == "lock") return "locked";
    if (command == "unlatch") return "unlatched";
    return "";
}

bool bool_field(const json& body, const char* key, bool fallback) {
    if (!body.is_object()) return fallback;
    const auto it = body.find(key);
    return it != body.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

std::string string_field(const json& body, const char* key) {
    if (!body.is_object()) return {};
    const auto it = body.find(key);
    return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace hearth::nuki
