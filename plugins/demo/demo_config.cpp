// Role: strict parsing of the demo driver's config object (unknown keys and wrong types are
// refused with std::invalid_argument naming the key).
#include "demo_config.hpp"

#include "devices.hpp"

#include <algorithm>
#include <stdexcept>

namespace hearth::demo {

namespace {

[[noreturn]] void bad(const std::string& key, const std::string& why) {
    throw std::invalid_argument("demo config: \"" + key + "\" " + why);
}

std::int64_t get_int(const json& v, const std::string& key) {
    if (!v.is_number_integer()) bad(key, "must be an integer");
    return v.get<std::int64_t>();
}

// Longest fixed id, so that id_prefix + id always fits the 64-character id limit.
std::size_t longest_base_id() {
    std::size_t n = 0;
    for (const auto& e : catalog()) n = std::max(n, e.base_id.size());
    return n;
}

}  // namespace

demo_config parse_config(const json& config) {
    demo_config out;
    if (config.is_null()) {
        for (const auto& e : catalog()) out.devices.emplace_back(e.type);
        return out;
    }
    if (!config.is_object()) throw std::invalid_argument("demo config must be a JSON object");

    bool devices_given = false;
    for (const auto& [key, v] : config.items()) {
        if (key == "tick_ms") {
            out.tick_ms = get_int(v, key);
            if (out.tick_ms < 10 || out.tick_ms > 600000) bad(key, "must be between 10 and 600000");
        } else if (key == "id_prefix") {
            if (!v.is_string()) bad(key, "must be a string");
            out.id_prefix = v.get<std::string>();
            const bool ok_chars = std::all_of(out.id_prefix.begin(), out.id_prefix.end(), [](char c) {
                return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
            });
            if (!ok_chars) bad(key, "may contain only a-z, 0-9, '_' and '-'");
            if (out.id_prefix.size() + longest_base_id() > 64)
                bad(key, "is too long (device ids are limited to 64 characters)");
        } else if (key == "seed") {
            out.seed = get_int(v, key);
        } else if (key == "devices") {
            if (!v.is_array()) bad(key, "must be an array of device type names");
            devices_given = true;
            for (const auto& t : v) {
                if (!t.is_string()) bad(key, "must contain only strings");
                const auto name = t.get<std::string>();
                if (find_catalog_entry(name) == nullptr)
                    bad(key, "names unknown device type \"" + name +
                                 "\" (known: light, switch, plug, climate, refrigerator, washer, "
                                 "lock, camera, vacuum, sensor, binary_sensor)");
            }
            // Keep catalog order and drop duplicates.
            for (const auto& e : catalog())
                if (std::any_of(v.begin(), v.end(), [&](const json& t) { return t.get<std::string>() == e.type; }))
                    out.devices.emplace_back(e.type);
        } else if (key == "jam_lock") {
            if (!v.is_boolean()) bad(key, "must be a boolean");
            out.jam_lock = v.get<bool>();
        } else {
            bad(key, "is not a known option (known: tick_ms, id_prefix, seed, devices, jam_lock)");
        }
    }
    if (!devices_given)
        for (const auto& e : catalog()) out.devices.emplace_back(e.type);
    return out;
}

}  // namespace hearth::demo
