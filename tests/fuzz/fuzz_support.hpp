// Helpers shared by the fuzz targets: a byte reader that splits one input into several values
// (like libFuzzer's FuzzedDataProvider, which GCC builds do not have), a check that aborts
// (a failed invariant is a finding, as a crash is), and the realistic device descriptors the
// command and scene targets validate against.
#pragma once

#include "core/device_model.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

namespace hearth::fuzz {

/// Aborts with `what` when `condition` is false: libFuzzer records the input as a crash.
inline void check(bool condition, const char* what) {
    if (condition) return;
    std::fprintf(stderr, "fuzz check failed: %s\n", what);
    std::abort();
}

/// Consumes an input front to back: small integers first, then strings.
class input_reader {
public:
    input_reader(const std::uint8_t* data, std::size_t size) : bytes_(reinterpret_cast<const char*>(data), size) {}

    /// One byte (0 once the input is used up).
    std::uint8_t byte() {
        if (bytes_.empty()) return 0;
        const auto b = static_cast<std::uint8_t>(bytes_.front());
        bytes_.remove_prefix(1);
        return b;
    }
    /// Text up to the next '\n' (consumed, not included), or the rest.
    std::string_view line() {
        const std::size_t end = bytes_.find('\n');
        const std::string_view out = bytes_.substr(0, end);
        bytes_.remove_prefix(end == std::string_view::npos ? bytes_.size() : end + 1);
        return out;
    }
    /// Text up to the next NUL byte (consumed, not included), or the rest.
    std::string_view until_nul() {
        const std::size_t end = bytes_.find('\0');
        const std::string_view out = bytes_.substr(0, end);
        bytes_.remove_prefix(end == std::string_view::npos ? bytes_.size() : end + 1);
        return out;
    }
    std::string_view rest() {
        const std::string_view out = bytes_;
        bytes_ = {};
        return out;
    }
    [[nodiscard]] bool empty() const { return bytes_.empty(); }

private:
    std::string_view bytes_;
};

/// Deterministic chunk sizes derived from the input, so streaming parsers see the same bytes
/// split at arbitrary places (and a crash reproduces from the input alone).
class chunker {
public:
    explicit chunker(std::string_view seed_bytes) {
        for (const char c : seed_bytes) state_ = (state_ ^ static_cast<std::uint8_t>(c)) * 0x100000001b3ULL;
    }
    /// The next chunk length in [1, limit] (limit >= 1); small lengths are the common case.
    std::size_t next(std::size_t limit) {
        state_ ^= state_ << 13;
        state_ ^= state_ >> 7;
        state_ ^= state_ << 17;
        const std::size_t cap = (state_ & 3) == 0 ? limit : std::min<std::size_t>(limit, 16);
        return 1 + static_cast<std::size_t>((state_ >> 8) % cap);
    }

private:
    std::uint64_t state_ = 0xcbf29ce484222325ULL;
};

/// Descriptors as real drivers register them (demo, miio, nuki): id -> descriptor JSON text.
inline const std::map<std::string, std::string>& device_jsons() {
    static const std::map<std::string, std::string> devices = {
        {"living_light", R"({"id":"living_light","name":"Living room light","type":"light",
          "properties":{"on":{"type":"bool","writable":true},
                        "brightness":{"type":"int","min":1,"max":100,"unit":"%","writable":true},
                        "color_temp_k":{"type":"int","min":1700,"max":6500,"step":100,"unit":"K","writable":true},
                        "rgb":{"type":"string","writable":true}},
          "commands":{"turn_on":{},"turn_off":{},"toggle":{},
                      "set_scene":{"params":{"name":{"type":"enum","values":["sunset","reading"],"required":true},
                                             "duration_ms":{"type":"int","min":0,"max":60000}}}}})"},
        {"bedroom_ac", R"({"id":"bedroom_ac","name":"Bedroom AC","type":"climate",
          "properties":{"on":{"type":"bool","writable":true},
                        "mode":{"type":"enum","values":["cool","heat","dry","fan","auto"],"writable":true},
                        "target_temp":{"type":"number","min":16,"max":31,"step":0.5,"unit":"°C","writable":true},
                        "current_temp":{"type":"number","unit":"°C"},
                        "fan_speed":{"type":"enum","values":["auto","low","medium","high"],"writable":true}},
          "commands":{"turn_on":{},"turn_off":{}}})"},
        {"hall_lock", R"({"id":"hall_lock","name":"Hall door","type":"lock",
          "properties":{"lock_state":{"type":"enum","values":["locked","unlocked","locking","unlocking","jammed","unlatched","unknown"]},
                        "battery":{"type":"int","unit":"%","min":0,"max":100},
                        "auto_relock_s":{"type":"int","unit":"s","min":0,"max":3600,"writable":true}},
          "commands":{"lock":{},"unlock":{"params":{"reason":{"type":"string","required":false}}},"unlatch":{}},
          "events":["lock_operation","lock_alarm"]})"},
        {"robot_vacuum", R"({"id":"robot_vacuum","name":"Robot vacuum","type":"vacuum",
          "properties":{"operational_state":{"type":"enum","values":["stopped","running","paused","error","seeking_charger","charging","docked"]},
                        "battery":{"type":"int","min":0,"max":100,"unit":"%"},
                        "fan_speed":{"type":"enum","values":["quiet","balanced","turbo","max"],"writable":true},
                        "error":{"type":"string"}},
          "commands":{"start":{},"pause":{},"resume":{},"return_to_dock":{},"locate":{},
                      "set_fan_speed":{"params":{"fan_speed":{"type":"enum","values":["quiet","balanced","turbo","max"],"required":true}}},
                      "clean_areas":{"params":{"areas":{"type":"string","required":true},"repeat":{"type":"int","min":1,"max":3}}}},
          "events":["operational_error","operation_completed"]})"},
    };
    return devices;
}

/// The parsed descriptors of device_jsons(); aborts if one of them is refused (a test bug).
inline const std::map<std::string, device_descriptor>& devices() {
    static const std::map<std::string, device_descriptor> parsed = [] {
        std::map<std::string, device_descriptor> out;
        for (const auto& [id, text] : device_jsons()) {
            auto result = parse_descriptor(nlohmann::json::parse(text));
            check(result.has_value(), "a built-in fuzz descriptor is refused");
            out.emplace(id, std::move(*result));
        }
        return out;
    }();
    return parsed;
}

}  // namespace hearth::fuzz
