// Parsing of scene files into the typed rule model (see rule_model.hpp). The input has passed the
// JSON Schema already, so shapes and types are trusted; what is checked here is the content of
// strings the schema only describes loosely (durations, times, weekday names).
#include "rules/rule_model.hpp"

#include <array>
#include <cctype>

namespace hearth::rules {

using json = nlohmann::json;

std::optional<time_ms> parse_duration(std::string_view text) {
    bool negative = false;
    if (!text.empty() && text.front() == '-') {
        negative = true;
        text.remove_prefix(1);
    }
    if (text.empty()) return std::nullopt;
    static constexpr std::array<std::pair<std::string_view, time_ms>, 5> units = {
        {{"d", 86'400'000}, {"h", 3'600'000}, {"m", 60'000}, {"s", 1'000}, {"ms", 1}}};
    std::size_t next_unit = 0;  // units must appear in order, each at most once
    time_ms total = 0;
    while (!text.empty()) {
        std::size_t digits = 0;
        time_ms n = 0;
        while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])) != 0) {
            n = n * 10 + (text[digits] - '0');
            if (n > 1'000'000'000) return std::nullopt;
            ++digits;
        }
        if (digits == 0) return std::nullopt;
        text.remove_prefix(digits);
        std::size_t u = next_unit;
        for (; u < units.size(); ++u) {
            const auto& name = units[u].first;
            // "m" must not swallow the "m" of "ms".
            if (text.substr(0, name.size()) == name && !(name == "m" && text.substr(0, 2) == "ms")) break;
        }
        if (u == units.size()) return std::nullopt;
        total += n * units[u].second;
        text.remove_prefix(units[u].first.size());
        next_unit = u + 1;
    }
    return negative ? -total : total;
}

std::optional<int> parse_time_of_day(std::string_view text) {
    auto two = [&](std::size_t at) -> int {
        if (at + 2 > text.size() || !std::isdigit(static_cast<unsigned char>(text[at])) ||
            !std::isdigit(static_cast<unsigned char>(text[at + 1])))
            return -1;
        return (text[at] - '0') * 10 + (text[at + 1] - '0');
    };
    if (text.size() != 5 && text.size() != 8) return std::nullopt;
    const int h = two(0);
    const int m = two(3);
    const int s = text.size() == 8 ? two(6) : 0;
    if (text[2] != ':' || (text.size() == 8 && text[5] != ':')) return std::nullopt;
    if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 59) return std::nullopt;
    return h * 3600 + m * 60 + s;
}

std::optional<weekday_mask> parse_weekdays(const json& days) {
    static constexpr std::array<std::string_view, 7> names = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
    if (!days.is_array()) return std::nullopt;
    if (days.empty()) return every_day;
    weekday_mask mask = 0;
    for (const auto& d : days) {
        if (!d.is_string()) return std::nullopt;
        const auto s = d.get<std::string>();
        std::size_t i = 0;
        while (i < names.size() && names[i] != s) ++i;
        if (i == names.size()) return std::nullopt;
        mask = static_cast<weekday_mask>(mask | (1u << i));
    }
    return mask;
}

namespace {

/// Shared state of one file's parse: where errors go.
struct parse_context {
    const std::string& file;
    located_errors& errors;

    void fail(const std::string& pointer, std::string reason) const {
        errors.push_back({file, pointer, std::move(reason)});
    }

    time_ms duration(const json& obj, const char* key, const std::string& ptr, bool allow_negative = false) const {
        auto it = obj.find(key);
        if (it == obj.end()) return 0;
        const std::string where = ptr + "/" + key;
        if (!it->is_string()) {
            fail(where, "expected a duration such as \"30s\", \"2m\" or \"1h30m\"");
            return 0;
        }
        auto d = parse_duration(it->get<std::string>());
        if (!d || (*d < 0 && !allow_negative)) {
            fail(where, "'" + it->get<std::string>() + "' is not a duration (use d, h, m, s, ms: \"1h30m\")");
            return 0;
        }
        return *d;
    }

    std::optional<int> time_of_day(const json& obj, const char* key, const std::string& ptr) const {
        auto it = obj.find(key);
        if (it == obj.end()) return std::nullopt;
        auto t = it->is_string() ? parse_time_of_day(it->get<std::string>()) : std::nullopt;
        if (!t) fail(ptr + "/" + key, "expected a local time \"HH:MM\" or \"HH:MM:SS\"");
        return t;
    }

    weekday_mask days(const json& obj, const std::string& ptr) const {
        auto it = obj.find("days");
        if (it == obj.end()) return every_day;
        auto m = parse_weekdays(*it);
        if (!m) fail(ptr + "/days", "expected weekday names: mon, tue, wed, thu, fri, sat, sun");
        return m.value_or(every_day);
    }
};

std::optional<double> number_at(const json& obj, const char* key) {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_number()) return std::nullopt;
    return it->get<double>();
}

std::optional<json> value_at(const json& obj, const char* key) {
    auto it = obj.find(key);
    if (it == obj.end()) return std::nullopt;
    return *it;
}

trigger parse_trigger(const json& j, const std::string& ptr, const parse_context& ctx) {
    trigger t;
    t.pointer = ptr;
    const std::string type = j.value("type", "");
    t.device = j.value("device", "");
    t.property = j.value("property", "");
    if (type == "state") {
        t.type = trigger_type::state;
        t.from = value_at(j, "from");
        t.to = value_at(j, "to");
        t.for_ms = ctx.duration(j, "for", ptr);
    } else if (type == "numeric") {
        t.type = trigger_type::numeric;
        t.above = number_at(j, "above");
        t.below = number_at(j, "below");
        t.for_ms = ctx.duration(j, "for", ptr);
    } else if (type == "event") {
        t.type = trigger_type::event;
        t.event_type = j.value("event_type", "");
        t.event_data = j.value("data", json::object());
    } else if (type == "time") {
        t.type = trigger_type::time;
        t.at_s = ctx.time_of_day(j, "at", ptr).value_or(0);
        t.days = ctx.days(j, ptr);
    } else if (type == "interval") {
        t.type = trigger_type::interval;
        t.every_ms = ctx.duration(j, "every", ptr);
        if (t.every_ms < 1000) ctx.fail(ptr + "/every", "an interval must be at least 1s");
    } else if (type == "sun") {
        t.type = trigger_type::sun;
        t.sunrise = j.value("event", "sunrise") == "sunrise";
        t.offset_ms = ctx.duration(j, "offset", ptr, true);
        constexpr time_ms max_offset = time_ms{6} * 3'600'000;
        if (t.offset_ms > max_offset || t.offset_ms < -max_offset) ctx.fail(ptr + "/offset", "offset beyond 6h");
        t.days = ctx.days(j, ptr);
    } else if (type == "start") {
        t.type = trigger_type::start;
    } else {
        ctx.fail(ptr + "/type", "unknown trigger type '" + type + "'");
    }
    return t;
}

condition parse_condition(const json& j, const std::string& ptr, const parse_context& ctx, std::size_t depth = 1) {
    condition c;
    c.pointer = ptr;
    if (depth > max_condition_depth) {
        ctx.fail(ptr, "conditions nested deeper than " + std::to_string(max_condition_depth) + " levels");
        return c;
    }
    const std::string type = j.value("type", "");
    c.device = j.value("device", "");
    c.property = j.value("property", "");
    if (type == "state") {
        c.type = condition_type::state;
        c.is = value_at(j, "is");
        c.is_not = value_at(j, "is_not");
    } else if (type == "numeric") {
        c.type = condition_type::numeric;
        c.above = number_at(j, "above");
        c.below = number_at(j, "below");
    } else if (type == "time") {
        c.type = condition_type::time;
        c.after_s = ctx.time_of_day(j, "after", ptr);
        c.before_s = ctx.time_of_day(j, "before", ptr);
        c.days = ctx.days(j, ptr);
    } else if (type == "weekday") {
        c.type = condition_type::weekday;
        c.days = ctx.days(j, ptr);
    } else if (type == "and" || type == "or" || type == "not") {
        c.type = type == "and"  ? condition_type::all_of
                 : type == "or" ? condition_type::any_of
                                : condition_type::none_of;
        const auto& list = j.at("conditions");
        for (std::size_t i = 0; i < list.size(); ++i)
            c.children.push_back(parse_condition(list[i], ptr + "/conditions/" + std::to_string(i), ctx, depth + 1));
    } else {
        ctx.fail(ptr + "/type", "unknown condition type '" + type + "'");
    }
    return c;
}

device_command command_of(const json& j) {
    device_command cmd;
    if (auto set = j.find("set"); set != j.end()) {
        cmd.name = "set";
        cmd.params = *set;
    } else {
        cmd.name = j.value("command", "");
        cmd.params = j.value("params", json::object());
    }
    return cmd;
}

/// {"run_when_cheapest": {device, command, params, duration_min, deadline}} (docs/scenes.md).
void parse_run_when_cheapest(const json& j, const std::string& ptr, const parse_context& ctx, action& a) {
    a.type = action_type::run_when_cheapest;
    a.device = j.value("device", "");
    a.command = command_of(j);
    const json& minutes = j.at("duration_min");  // an integer (schema)
    const std::int64_t m = minutes.is_number_integer() ? minutes.get<std::int64_t>() : 0;
    if (m < 1 || m > max_cheapest_minutes) {
        ctx.fail(ptr + "/duration_min", "duration_min must be 1 to " + std::to_string(max_cheapest_minutes) +
                                            " minutes (24 h), got " + minutes.dump());
    } else {
        a.duration_ms = m * 60'000;
    }
    const json& deadline = j.at("deadline");  // a string (schema)
    a.deadline_text = deadline.is_string() ? deadline.get<std::string>() : std::string();
    const auto at = parse_time_of_day(a.deadline_text);
    if (!at) {
        // Quoted (JSON-escaped) only when short: the text comes from an untrusted file.
        const std::string shown = a.deadline_text.size() <= 16
                                      ? " " + json(a.deadline_text).dump(-1, ' ', false, json::error_handler_t::replace)
                                      : "";
        ctx.fail(ptr + "/deadline",
                 "deadline" + shown + " is not a local time \"HH:MM\" or \"HH:MM:SS\" (e.g. \"07:00\")");
    }
    a.deadline_s = at.value_or(0);
}

action parse_action(const json& j, const std::string& ptr, const parse_context& ctx) {
    action a;
    a.pointer = ptr;
    a.continue_on_error = j.value("continue_on_error", false);
    if (j.contains("device")) {
        a.type = action_type::command;
        a.device = j.at("device").get<std::string>();
        a.command = command_of(j);
    } else if (j.contains("scene")) {
        a.type = action_type::scene;
        a.target = j.at("scene").get<std::string>();
    } else if (j.contains("delay")) {
        a.type = action_type::delay;
        a.duration_ms = ctx.duration(j, "delay", ptr);
    } else if (j.contains("wait")) {
        a.type = action_type::wait;
        const auto& w = j.at("wait");
        a.until.pointer = ptr + "/wait";
        a.until.device = w.value("device", "");
        a.until.property = w.value("property", "");
        a.until.type = w.contains("above") || w.contains("below") ? condition_type::numeric : condition_type::state;
        a.until.is = value_at(w, "is");
        a.until.is_not = value_at(w, "is_not");
        a.until.above = number_at(w, "above");
        a.until.below = number_at(w, "below");
        a.duration_ms = ctx.duration(j, "timeout", ptr);
        a.continue_on_timeout = j.value("on_timeout", "stop") == "continue";
    } else if (j.contains("notify")) {
        a.type = action_type::notify;
        a.message = j.at("notify").get<std::string>();
        a.title = j.value("title", "");
    } else if (j.contains("enable") || j.contains("disable")) {
        a.type = j.contains("enable") ? action_type::enable : action_type::disable;
        a.target = j.at(j.contains("enable") ? "enable" : "disable").get<std::string>();
    } else if (auto cheapest = j.find("run_when_cheapest"); cheapest != j.end()) {
        parse_run_when_cheapest(*cheapest, ptr + "/run_when_cheapest", ctx, a);
    } else {
        ctx.fail(ptr, "unknown action");
    }
    return a;
}

run_mode mode_of(const std::string& s) {
    if (s == "restart") return run_mode::restart;
    if (s == "queued") return run_mode::queued;
    if (s == "parallel") return run_mode::parallel;
    return run_mode::single;
}

}  // namespace

void parse_rule_file(const json& doc, const std::string& file, std::vector<scene>& scenes,
                     std::vector<automation>& automations, located_errors& errors) {
    const parse_context ctx{file, errors};
    if (auto it = doc.find("scenes"); it != doc.end()) {
        for (std::size_t i = 0; i < it->size(); ++i) {
            const json& j = (*it)[i];
            scene s;
            s.pointer = "/scenes/" + std::to_string(i);
            s.id = j.at("id").get<std::string>();
            s.name = j.value("name", s.id);
            s.file = file;
            s.definition = j;
            const auto& targets = j.at("targets");
            for (std::size_t k = 0; k < targets.size(); ++k) {
                const json& t = targets[k];
                scene_target target;
                target.pointer = s.pointer + "/targets/" + std::to_string(k);
                if (t.contains("scene")) {
                    target.scene = t.at("scene").get<std::string>();
                } else {
                    target.device = t.at("device").get<std::string>();
                    target.command = command_of(t);
                }
                s.targets.push_back(std::move(target));
            }
            scenes.push_back(std::move(s));
        }
    }
    if (auto it = doc.find("automations"); it != doc.end()) {
        for (std::size_t i = 0; i < it->size(); ++i) {
            const json& j = (*it)[i];
            automation a;
            a.pointer = "/automations/" + std::to_string(i);
            a.id = j.at("id").get<std::string>();
            a.name = j.value("name", a.id);
            a.file = file;
            a.definition = j;
            a.mode = mode_of(j.value("mode", "single"));
            a.max = j.value("max", 10);
            a.catch_up =
                j.value("catch_up", "skip") == "fire_once" ? catch_up_policy::fire_once : catch_up_policy::skip;
            a.enabled = j.value("enabled", true);
            const auto& triggers = j.at("triggers");
            for (std::size_t k = 0; k < triggers.size(); ++k)
                a.triggers.push_back(parse_trigger(triggers[k], a.pointer + "/triggers/" + std::to_string(k), ctx));
            if (auto c = j.find("conditions"); c != j.end()) {
                for (std::size_t k = 0; k < c->size(); ++k) {
                    a.conditions.push_back(
                        parse_condition((*c)[k], a.pointer + "/conditions/" + std::to_string(k), ctx));
                }
            }
            const auto& actions = j.at("actions");
            for (std::size_t k = 0; k < actions.size(); ++k)
                a.actions.push_back(parse_action(actions[k], a.pointer + "/actions/" + std::to_string(k), ctx));
            automations.push_back(std::move(a));
        }
    }
}

std::string_view to_string(trigger_type t) {
    static constexpr std::array<std::string_view, 7> n = {"state",    "numeric", "event", "time",
                                                          "interval", "sun",     "start"};
    return n[static_cast<std::size_t>(t)];
}

std::string_view to_string(condition_type t) {
    static constexpr std::array<std::string_view, 7> n = {"state", "numeric", "time", "weekday", "and", "or", "not"};
    return n[static_cast<std::size_t>(t)];
}

std::string_view to_string(action_type t) {
    static constexpr std::array<std::string_view, 8> n = {"command", "scene",  "delay",   "wait",
                                                          "notify",  "enable", "disable", "run_when_cheapest"};
    return n[static_cast<std::size_t>(t)];
}

std::string_view to_string(run_mode m) {
    static constexpr std::array<std::string_view, 4> n = {"single", "restart", "queued", "parallel"};
    return n[static_cast<std::size_t>(m)];
}

}  // namespace hearth::rules
