// What counts as the resident's activity for the care monitor (care_model.hpp, docs/proactive.md
// "What counts as activity"): a stateless test per record and the automation-echo filter.
#include "proactive/care_model.hpp"

#include "core/command.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace hearth::proactive {

namespace {

bool one_of(std::string_view text, std::initializer_list<std::string_view> set) {
    return std::find(set.begin(), set.end(), text) != set.end();
}

bool is_true(const nlohmann::json& value) { return value.is_boolean() && value.get<bool>(); }

bool state_counts(const activity_record& record) {
    const std::string_view name = record.name;
    const nlohmann::json& value = record.value;
    // A switch, light, plug, fan or contact flipped either way; a contact opened or closed.
    if (one_of(name, {"on", "contact", "open", "door", "window"})) return value.is_boolean();
    // Motion sensors: the detection; the clear after the sensor's timeout is not a person.
    if (one_of(name, {"motion", "occupancy", "presence"})) return is_true(value);
    if (!value.is_string()) return false;
    const auto& text = value.get_ref<const std::string&>();
    if (name == "lock_state") return one_of(text, {"locked", "unlocked", "unlatched", "open"});
    // A washer or dishwasher started; its own progress (done, idle, error) is not a person.
    if (name == "operational_state") return text == "running";
    return false;
}

bool event_counts(const activity_record& record) {
    return one_of(record.name, {"motion", "lock_operation", "single_push", "double_push", "triple_push", "long_push",
                                "press", "pressed"});
}

}  // namespace

bool counts_as_activity(const activity_record& record, const care_settings& settings) {
    if (record.device_id.empty() || record.ts < 0 || record.ts >= k_care_max_ts) return false;
    if (!settings.devices.empty() &&
        std::find(settings.devices.begin(), settings.devices.end(), record.device_id) == settings.devices.end()) {
        return false;
    }
    switch (record.kind) {
    case activity_kind::command: return is_person_command_source(record.source);
    case activity_kind::state: return state_counts(record);
    case activity_kind::event: return event_counts(record);
    }
    return false;
}

bool care_activity_filter::accept(const activity_record& record) {
    if (record.ts < 0 || record.ts >= k_care_max_ts) return false;
    if (record.kind == activity_kind::command && one_of(record.source, {"rule", "internal"})) {
        if (automation_command_at_.size() >= k_max_devices && !automation_command_at_.contains(record.device_id)) {
            automation_command_at_.clear();  // more devices than a home has: forget, stay bounded
        }
        automation_command_at_[record.device_id] = record.ts;
        return false;
    }
    if (!counts_as_activity(record, settings_)) return false;
    if (record.kind == activity_kind::state) {
        const auto it = automation_command_at_.find(record.device_id);
        if (it != automation_command_at_.end() && record.ts >= it->second &&
            record.ts - it->second <= k_echo_window_ms) {
            return false;  // the device doing what an automation told it
        }
    }
    return true;
}

}  // namespace hearth::proactive
