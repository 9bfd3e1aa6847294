// Suggestions from mined routines (suggestions.hpp): the sentence, the scene file and the evidence
// of each safe finding, checked by the scene loader against the devices.
#include "proactive/suggestions.hpp"

#include "rules/scene_loader.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <set>

namespace hearth::proactive {

namespace {

using json = nlohmann::json;

constexpr int round_to_s = 15 * 60;  // time routines within the same quarter hour keep their id

std::string dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

/// "r-" + 10 hex digits of FNV-1a 64 of `key`.
std::string stable_id(const std::string& key) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : key) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    std::array<char, 17> hex{};
    std::snprintf(hex.data(), hex.size(), "%016llx", static_cast<unsigned long long>(h));
    return "r-" + std::string(hex.data(), 10);
}

std::string hh_mm(int seconds_of_day) {
    std::array<char, 8> text{};
    const int minutes = ((seconds_of_day + 30) / 60) % (24 * 60);
    std::snprintf(text.data(), text.size(), "%02d:%02d", minutes / 60, minutes % 60);
    return {text.data()};
}

/// Local ISO 8601 with offset, e.g. "2026-01-05T18:41:00+01:00".
std::string local_iso(time_ms ts) {
    const std::time_t seconds = ts / 1000;
    std::tm tm{};
    localtime_r(&seconds, &tm);
    std::array<char, 40> text{};
    std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%S%z", &tm);
    std::string out(text.data());
    if (out.size() >= 5) out.insert(out.size() - 2, ":");
    return out;
}

std::string value_text(const json& value) { return value.is_string() ? value.get<std::string>() : dump(value); }

std::string display_name(const device_descriptor& device) { return device.name.empty() ? device.id : device.name; }

/// "Turn on Porch light", "Set Hall light's brightness to 30", "Start Washer (program eco)".
std::string action_phrase(const device_descriptor& device, const action_key& action) {
    const auto name = display_name(device);
    if (action.command == "set" && action.params.is_object()) {
        if (action.params.size() == 1 && action.params.contains("on") && action.params["on"].is_boolean())
            return std::string(action.params["on"].get<bool>() ? "Turn on " : "Turn off ") + name;
        std::string out = "Set " + name + "'s ";
        bool first = true;
        for (const auto& [key, value] : action.params.items()) {
            out += (first ? "" : " and ") + key + " to " + value_text(value);
            first = false;
        }
        return out;
    }
    std::string verb = action.command;
    std::replace(verb.begin(), verb.end(), '_', ' ');
    if (!verb.empty()) verb[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(verb[0])));
    std::string out = verb + " " + name;
    if (action.params.is_object() && !action.params.empty()) {
        out += " (";
        bool first = true;
        for (const auto& [key, value] : action.params.items()) {
            out += (first ? "" : ", ") + key + " " + value_text(value);
            first = false;
        }
        out += ")";
    }
    return out;
}

/// "Hall lock's lock_state becomes unlocked", "Hall motion turns on", "Button reports press (action single)".
std::string trigger_phrase(const device_descriptor& device, const trigger_key& trigger) {
    const auto name = display_name(device);
    if (trigger.kind == activity_kind::event) {
        std::string out = name + " reports " + trigger.name;
        if (trigger.value.is_object() && !trigger.value.empty()) {
            out += " (";
            bool first = true;
            for (const auto& [key, value] : trigger.value.items()) {
                out += (first ? "" : ", ") + key + " " + value_text(value);
                first = false;
            }
            out += ")";
        }
        return out;
    }
    if (trigger.name == "on" && trigger.value.is_boolean())
        return name + (trigger.value.get<bool>() ? " turns on" : " turns off");
    return name + "'s " + trigger.name + " becomes " + value_text(trigger.value);
}

json action_json(const action_key& action) {
    if (action.command == "set") return {{"device", action.device}, {"set", action.params}};
    json out = {{"device", action.device}, {"command", action.command}};
    if (action.params.is_object() && !action.params.empty()) out["params"] = action.params;
    return out;
}

json trigger_json(const trigger_key& trigger) {
    if (trigger.kind == activity_kind::event) {
        json out = {{"type", "event"}, {"device", trigger.device}, {"event_type", trigger.name}};
        if (trigger.value.is_object() && !trigger.value.empty()) out["data"] = trigger.value;
        return out;
    }
    return {{"type", "state"}, {"device", trigger.device}, {"property", trigger.name}, {"to", trigger.value}};
}

json days_json(day_class days) {
    if (days == day_class::weekdays) return json::array({"mon", "tue", "wed", "thu", "fri"});
    if (days == day_class::weekend) return json::array({"sat", "sun"});
    return nullptr;
}

const char* days_phrase(day_class days) {
    if (days == day_class::weekdays) return "on weekdays";
    if (days == day_class::weekend) return "at weekends";
    return "every day";
}

const char* days_noun(day_class days) {
    if (days == day_class::weekdays) return "weekdays";
    if (days == day_class::weekend) return "weekend days";
    return "days";
}

json examples_json(const std::vector<time_ms>& examples) {
    json out = json::array();
    for (auto ts : examples) out.push_back(local_iso(ts));
    return out;
}

std::string duration_phrase(int seconds) {
    if (seconds < 60) return std::to_string(std::max(seconds, 1)) + " s";
    return std::to_string((seconds + 59) / 60) + " min";
}

/// Activity kinds an action may rest on: a "set" of a property also counts uncommanded changes.
json action_kinds(const action_key& action) {
    return action.command == "set" ? json::array({"command", "state"}) : json::array({"command"});
}

json scene_file(const std::string& id, const std::string& name, const std::string& sentence, json trigger,
                const action_key& action) {
    json automation = {{"id", id},
                       {"name", name},
                       {"description", sentence},
                       {"triggers", json::array({std::move(trigger)})},
                       {"actions", json::array({action_json(action)})}};
    return {{"description", "Suggested by Hearth from your routines: " + sentence},
            {"automations", json::array({std::move(automation)})}};
}

std::optional<suggestion> time_suggestion(const time_routine& r, const device_descriptor& device) {
    const int rounded = ((r.at_s + round_to_s / 2) / round_to_s * round_to_s) % (24 * 3600);
    suggestion s;
    s.id = stable_id("time\n" + r.action.device + "\n" + r.action.command + "\n" + dump(r.action.params) + "\n" +
                     to_string(r.days) + "\n" + std::to_string(rounded));
    s.kind = "time";
    const auto at = hh_mm(r.at_s);
    s.sentence = action_phrase(device, r.action) + " at about " + at + " " + days_phrase(r.days) + ": you did so on " +
                 std::to_string(r.support_days) + " of the last " + std::to_string(r.class_days) + " " +
                 days_noun(r.days) + ".";
    json trigger = {{"type", "time"}, {"at", at}};
    if (auto days = days_json(r.days); !days.is_null()) trigger["days"] = days;
    s.scene_file =
        scene_file(s.id, action_phrase(device, r.action) + " at " + at, s.sentence, std::move(trigger), r.action);
    s.evidence = {{"kind", "time"},
                  {"device", r.action.device},
                  {"days", to_string(r.days)},
                  {"at", at},
                  {"spread_min", (r.spread_s + 30) / 60},
                  {"support_days", r.support_days},
                  {"class_days", r.class_days},
                  {"confidence", r.confidence},
                  {"examples", examples_json(r.examples)},
                  {"activity_kinds", action_kinds(r.action)}};
    return s;
}

std::optional<suggestion> sequence_suggestion(const sequence_routine& r, const device_descriptor& trigger_device,
                                              const device_descriptor& action_device) {
    suggestion s;
    s.id = stable_id("sequence\n" + r.trigger.device + "\n" + to_string(r.trigger.kind) + "\n" + r.trigger.name + "\n" +
                     dump(r.trigger.value) + "\n" + r.action.device + "\n" + r.action.command + "\n" +
                     dump(r.action.params));
    s.kind = "sequence";
    const auto when = trigger_phrase(trigger_device, r.trigger);
    s.sentence = action_phrase(action_device, r.action) + " when " + when + ": you did so within " +
                 duration_phrase(r.within_s) + " on " + std::to_string(r.support) + " of the last " +
                 std::to_string(r.trigger_count) + " times.";
    s.scene_file = scene_file(s.id, action_phrase(action_device, r.action) + " when " + when, s.sentence,
                              trigger_json(r.trigger), r.action);
    s.evidence = {{"kind", "sequence"},
                  {"trigger_device", r.trigger.device},
                  {"device", r.action.device},
                  {"within_s", r.within_s},
                  {"support", r.support},
                  {"trigger_count", r.trigger_count},
                  {"confidence", r.confidence},
                  {"lift", r.lift},
                  {"examples", examples_json(r.examples)},
                  {"activity_kinds", json::array({to_string(r.trigger.kind)})}};
    for (const auto& kind : action_kinds(r.action))
        if (kind != s.evidence["activity_kinds"][0]) s.evidence["activity_kinds"].push_back(kind);
    return s;
}

bool loads(const suggestion& s, const std::map<std::string, device_descriptor>& devices) {
    rules::load_options options;
    options.devices = [&devices](const std::string& id) -> const device_descriptor* {
        auto it = devices.find(id);
        return it == devices.end() ? nullptr : &it->second;
    };
    return rules::load_scene_sources({{s.id + ".json", dump(s.scene_file)}}, options).has_value();
}

}  // namespace

std::vector<suggestion> make_suggestions(const mined_routines& found,
                                         const std::map<std::string, device_descriptor>& devices) {
    std::vector<std::pair<double, suggestion>> time;
    std::vector<std::pair<double, suggestion>> sequences;
    auto find = [&devices](const std::string& id) -> const device_descriptor* {
        auto it = devices.find(id);
        return it == devices.end() ? nullptr : &it->second;
    };
    for (const auto& r : found.time) {
        const auto* device = find(r.action.device);
        if (device == nullptr || unsafe_to_suggest(*device, r.action)) continue;
        if (auto s = time_suggestion(r, *device)) time.emplace_back(r.confidence * 1e6 + r.support_days, std::move(*s));
    }
    for (const auto& r : found.sequences) {
        const auto* trigger_device = find(r.trigger.device);
        const auto* action_device = find(r.action.device);
        if (trigger_device == nullptr || action_device == nullptr || unsafe_to_suggest(*action_device, r.action))
            continue;
        if (auto s = sequence_suggestion(r, *trigger_device, *action_device))
            sequences.emplace_back(r.confidence * 1e6 + r.support, std::move(*s));
    }
    auto by_strength = [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second.id < b.second.id;
    };
    std::sort(time.begin(), time.end(), by_strength);
    std::sort(sequences.begin(), sequences.end(), by_strength);
    std::vector<suggestion> out;
    std::set<std::string> ids;
    for (auto* list : {&time, &sequences}) {
        for (auto& [strength, s] : *list) {
            if (ids.contains(s.id) || !loads(s, devices)) continue;
            ids.insert(s.id);
            out.push_back(std::move(s));
        }
    }
    return out;
}

}  // namespace hearth::proactive
