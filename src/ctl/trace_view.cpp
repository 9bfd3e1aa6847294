// Step-by-step rendering of a run trace (see trace_view.hpp).
#include "ctl/trace_view.hpp"

#include "ctl/table.hpp"

#include <sstream>

namespace hearth::ctl {

using json = nlohmann::json;

namespace {

std::string field(const json& obj, const char* key) {
    if (!obj.is_object()) return "-";
    const auto it = obj.find(key);
    return it == obj.end() || it->is_null() ? "-" : sanitize(cell_text(*it));
}

std::int64_t ms_field(const json& obj, const char* key) {
    if (!obj.is_object()) return 0;
    const auto it = obj.find(key);
    return it != obj.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

/// "key=value" for every field of `obj` but the listed ones, in key order.
std::string rest(const json& obj, std::initializer_list<const char*> skip) {
    std::string out;
    if (!obj.is_object()) return out;
    for (const auto& [key, value] : obj.items()) {
        bool skipped = false;
        for (const char* s : skip) skipped = skipped || key == s;
        if (!skipped) out += " " + sanitize(key) + "=" + sanitize(cell_text(value));
    }
    return out;
}

std::string trigger_text(const json& t) {
    if (!t.is_object()) return "-";
    const std::string type = field(t, "type");
    std::string out = type;
    if (t.contains("device")) {
        out += " " + field(t, "device");
        if (t.contains("property")) out += "." + field(t, "property");
        if (t.contains("event_type")) out += " " + field(t, "event_type");
    }
    if (t.contains("from")) out += " from " + field(t, "from");
    if (t.contains("to")) out += " to " + field(t, "to");
    return out + rest(t, {"type", "device", "property", "event_type", "from", "to", "index"});
}

void conditions_text(std::ostringstream& out, const json& list, const std::string& indent) {
    if (!list.is_array()) return;
    for (const auto& c : list) {
        if (!c.is_object()) continue;
        const auto r = c.find("result");
        const std::string verdict = r != c.end() && r->is_boolean() ? (r->get<bool>() ? "pass" : "FAIL") : "-";
        out << indent << "[" << verdict << "] " << field(c, "type");
        if (c.contains("device")) out << " " << field(c, "device") << "." << field(c, "property");
        if (c.contains("value")) out << " is " << field(c, "value");
        out << rest(c, {"type", "device", "property", "value", "result", "index", "conditions"}) << "\n";
        if (c.contains("conditions")) conditions_text(out, c["conditions"], indent + "  ");
    }
}

std::string action_text(const json& a) {
    const std::string type = field(a, "type");
    std::string out = type;
    if (type == "command") {
        out += " " + field(a, "device") + " " + field(a, "command");
        if (a.contains("params")) out += " " + field(a, "params");
    } else if (type == "scene") {
        out += " " + field(a, "scene");
    } else if (type == "delay" && ms_field(a, "until") > 0) {
        out += " until " + format_local_time(ms_field(a, "until"));
    } else if (type == "wait") {
        out += " for " + field(a, "device") + "." + field(a, "property");
        if (ms_field(a, "timeout_at") > 0) out += " (timeout " + format_local_time(ms_field(a, "timeout_at")) + ")";
    } else if (type == "notify") {
        out += " \"" + field(a, "message") + "\"";
    } else if (type == "enable" || type == "disable") {
        out += " " + field(a, "rule");
    }
    return out;
}

}  // namespace

std::string render_trace(const json& trace, std::int64_t now) {
    std::ostringstream out;
    const std::int64_t started = ms_field(trace, "started");
    out << "run " << field(trace, "run");
    if (started > 0) out << "  " << format_local_time(started) << " (" << format_age(started, now) << ")";
    out << "  result: " << field(trace, "result") << "\n";
    if (trace.is_object() && trace.contains("error")) out << "  error: " << field(trace, "error") << "\n";
    out << "  trigger: " << trigger_text(trace.is_object() ? trace.value("trigger", json()) : json()) << "\n";
    const json conditions = trace.is_object() ? trace.value("conditions", json::array()) : json::array();
    if (conditions.is_array() && !conditions.empty()) {
        out << "  conditions:\n";
        conditions_text(out, conditions, "    ");
    }
    const json actions = trace.is_object() ? trace.value("actions", json::array()) : json::array();
    if (actions.is_array() && !actions.empty()) {
        out << "  actions:\n";
        for (const auto& a : actions) {
            if (!a.is_object()) continue;
            const std::int64_t ts = ms_field(a, "ts");
            const std::string result = a.contains("result") ? field(a, "result") : "in progress";
            out << "    " << field(a, "index") << ". " << action_text(a) << "  -> " << result;
            if (ts > 0 && started > 0 && ts - started >= 1000) out << "  (at +" << (ts - started) / 1000 << "s)";
            out << "\n";
            if (a.contains("error")) out << "       error: " << field(a, "error") << "\n";
        }
    }
    const std::int64_t finished = ms_field(trace, "finished");
    if (finished > 0) out << "  finished: " << format_local_time(finished) << "\n";
    return out.str();
}

}  // namespace hearth::ctl
