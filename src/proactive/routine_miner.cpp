// The routine miner's intake and derivation (routine_miner.hpp): compact rows from records, then
// actions (user commands, uncommanded changes of writable properties) and triggers (discrete
// state changes, events) as time-ordered occurrences for the two finders.
#include "proactive/routine_miner.hpp"

#include "core/command.hpp"
#include "proactive/miner_timeline.hpp"

#include <algorithm>
#include <limits>
#include <optional>

namespace hearth::proactive {

namespace {

using json = nlohmann::json;

constexpr std::uint8_t user_command = 0;
constexpr std::uint8_t other_command = 1;
constexpr std::uint8_t device_report = 2;
constexpr std::size_t max_name_bytes = 256;
constexpr std::size_t max_identifying_fields = 3;
constexpr std::size_t max_identifying_text = 64;

std::string dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

/// The fields of an event payload that say which event it was: its short text and boolean fields
/// (numbers vary from one occurrence to the next), at most three, or null.
json identifying_fields(const json& payload) {
    json out = json::object();
    if (!payload.is_object()) return nullptr;
    for (const auto& [key, field] : payload.items()) {
        if (out.size() >= max_identifying_fields) break;
        if (key.empty() || key.size() > max_identifying_text) continue;
        if (field.is_boolean() ||
            (field.is_string() && field.get_ref<const std::string&>().size() <= max_identifying_text))
            out[key] = field;
    }
    return out.empty() ? json(nullptr) : out;
}

bool is_discrete(const value_spec& spec) {
    return spec.type == value_type::boolean || spec.type == value_type::string || spec.type == value_type::enumeration;
}

/// The action a user command stands for, as a rule would send it; nullopt when a rule could not
/// send it (undeclared command, non-writable property, params that are not an object).
/// turn_on / turn_off without params on a device with a writable boolean `on` become set on.
std::optional<action_key> normalise_command(const device_descriptor& device, const std::string& command,
                                            const json& params) {
    if (!params.is_null() && !params.is_object()) return std::nullopt;
    const json args = params.is_null() ? json::object() : params;
    if (command == "set") {
        if (args.empty()) return std::nullopt;
        for (const auto& [key, value] : args.items()) {
            auto prop = device.properties.find(key);
            if (prop == device.properties.end() || !prop->second.writable) return std::nullopt;
            if (check_value(prop->second, value, true)) return std::nullopt;
        }
        return action_key{device.id, "set", args};
    }
    if (!device.commands.contains(command)) return std::nullopt;
    auto on = device.properties.find("on");
    if ((command == "turn_on" || command == "turn_off") && args.empty() && on != device.properties.end() &&
        on->second.writable && on->second.type == value_type::boolean)
        return action_key{device.id, "set", json{{"on", command == "turn_on"}}};
    return action_key{device.id, command, args};
}

/// Interns keys by their canonical text.
template <typename Key>
class key_table {
public:
    std::uint32_t id(const std::string& text, Key key, std::vector<Key>& keys) {
        auto [it, added] = ids_.try_emplace(text, static_cast<std::uint32_t>(keys.size()));
        if (added) keys.push_back(std::move(key));
        return it->second;
    }

private:
    std::unordered_map<std::string, std::uint32_t> ids_;
};

}  // namespace

const char* to_string(day_class days) noexcept {
    switch (days) {
    case day_class::weekdays: return "weekdays";
    case day_class::weekend: return "weekend";
    case day_class::every_day: break;
    }
    return "every_day";
}

namespace detail {
std::uint16_t string_pool::intern(const std::string& text) {
    if (auto it = ids_.find(text); it != ids_.end()) return it->second;
    if (texts_.size() >= full) return full;
    auto id = static_cast<std::uint16_t>(texts_.size());
    texts_.push_back(text);
    ids_.emplace(text, id);
    return id;
}
}  // namespace detail

routine_miner::routine_miner(miner_options options) : options_(options) {}

void routine_miner::add(const activity_record& record) {
    ++records_;
    const bool known_kind = record.kind == activity_kind::command || record.kind == activity_kind::state ||
                            record.kind == activity_kind::event;
    if (rows_.size() >= options_.max_records || !known_kind || record.device_id.empty() || record.name.empty() ||
        record.device_id.size() > max_name_bytes || record.name.size() > max_name_bytes) {
        ++ignored_;
        return;
    }
    const std::string value =
        dump(record.kind == activity_kind::event ? identifying_fields(record.value) : record.value);
    if (value.size() > options_.max_value_bytes) {
        ++ignored_;
        return;
    }
    std::uint8_t source = device_report;
    if (record.kind == activity_kind::command)
        source = is_person_command_source(record.source) ? user_command : other_command;
    const auto device = devices_.intern(record.device_id);
    const auto name = names_.intern(record.name);
    const auto value_id = values_.intern(value);
    if (device == detail::string_pool::full || name == detail::string_pool::full ||
        value_id == detail::string_pool::full) {
        ++ignored_;
        return;
    }
    rows_.push_back({record.ts / 1000, device, name, value_id, static_cast<std::uint8_t>(record.kind), source});
}

mined_routines routine_miner::finish(const std::map<std::string, device_descriptor>& devices, time_ms from,
                                     time_ms to) {
    mined_routines out;
    out.from = from;
    out.to = to;
    out.records = records_;
    out.ignored = ignored_;

    std::vector<const device_descriptor*> descriptors(devices_.size(), nullptr);
    for (std::size_t i = 0; i < devices_.size(); ++i) {
        if (auto it = devices.find(devices_.text(static_cast<std::uint16_t>(i))); it != devices.end())
            descriptors[i] = &it->second;
    }
    std::vector<json> values(values_.size());
    for (std::size_t i = 0; i < values_.size(); ++i)
        values[i] = json::parse(values_.text(static_cast<std::uint16_t>(i)), nullptr, false);

    detail::timeline line;
    line.from_s = from / 1000;
    line.to_s =
        std::clamp<std::int64_t>(to / 1000, line.from_s, line.from_s + std::numeric_limits<std::int32_t>::max());
    line.device_first_s.assign(devices_.size(), std::numeric_limits<std::int64_t>::max());
    std::vector<std::int64_t> last_command(devices_.size(), std::numeric_limits<std::int64_t>::min() / 2);
    key_table<action_key> action_ids;
    key_table<trigger_key> trigger_ids;

    auto by_time = [](const row& a, const row& b) { return a.ts_s < b.ts_s; };
    if (!std::is_sorted(rows_.begin(), rows_.end(), by_time)) std::stable_sort(rows_.begin(), rows_.end(), by_time);
    // Exact-enough reservations: occurrences are the bulk of the memory, so no doubling growth.
    std::size_t commands = 0;
    for (const auto& r : rows_) commands += r.kind == static_cast<std::uint8_t>(activity_kind::command) ? 1 : 0;
    line.trigger_occ.reserve(rows_.size() - commands);
    line.action_occ.reserve(rows_.size());
    for (const auto& r : rows_) {
        if (r.ts_s < line.from_s || r.ts_s >= line.to_s) continue;
        const auto* device = descriptors[r.device];
        if (device == nullptr) continue;
        line.device_first_s[r.device] = std::min(line.device_first_s[r.device], r.ts_s);
        const std::string& name = names_.text(r.name);
        const json& value = values[r.value];
        auto add_action = [&](action_key key) {
            auto text = key.device + '\n' + key.command + '\n' + dump(key.params);
            line.action_occ.push_back(
                {static_cast<std::int32_t>(r.ts_s - line.from_s), action_ids.id(text, std::move(key), line.actions)});
            line.action_device.resize(line.actions.size(), r.device);
        };
        auto add_trigger = [&](trigger_key key) {
            auto text = key.device + '\n' + to_string(key.kind) + '\n' + key.name + '\n' + dump(key.value);
            line.trigger_occ.push_back(
                {static_cast<std::int32_t>(r.ts_s - line.from_s), trigger_ids.id(text, std::move(key), line.triggers)});
            line.trigger_device.resize(line.triggers.size(), r.device);
        };
        switch (static_cast<activity_kind>(r.kind)) {
        case activity_kind::command:
            last_command[r.device] = r.ts_s;
            if (r.source == user_command)
                if (auto key = normalise_command(*device, name, value)) add_action(std::move(*key));
            break;
        case activity_kind::state: {
            auto prop = device->properties.find(name);
            if (prop == device->properties.end() || !(value.is_boolean() || value.is_string())) break;
            if (check_value(prop->second, value, false)) break;
            add_trigger({device->id, activity_kind::state, name, value});
            if (prop->second.writable && is_discrete(prop->second) &&
                r.ts_s - last_command[r.device] > options_.caused_by_command_s)
                add_action({device->id, "set", json{{name, value}}});
            break;
        }
        case activity_kind::event:
            if (device->events.contains(name)) add_trigger({device->id, activity_kind::event, name, value});
            break;
        }
    }
    out.time = detail::find_time_routines(line, options_);
    out.sequences = detail::find_sequences(line, options_);
    return out;
}

}  // namespace hearth::proactive
