// Command parsing and validation (see command.hpp).
#include "core/command.hpp"

#include "core/json_input.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace hearth {
namespace {

using json = nlohmann::json;

std::vector<std::string> keys_of(const auto& map) {
    std::vector<std::string> out;
    out.reserve(map.size());
    for (const auto& [k, _] : map) out.push_back(k);
    return out;
}

std::string unknown(const std::string& what, const std::string& name, const std::vector<std::string>& known) {
    std::string reason = "unknown " + what + " '" + echo(name) + "'";
    const std::string guess = closest_match(name, known);
    if (!guess.empty()) reason += " (did you mean '" + guess + "'?)";
    return reason;
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

std::string trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return std::string(s);
}

std::optional<json> parse_raw(const value_spec& spec, std::string_view raw_in) {
    const std::string raw = trim(raw_in);
    switch (spec.type) {
    case value_type::boolean: {
        const std::string l = lower(raw);
        if (l == "on" || l == "true" || l == "1") return json(true);
        if (l == "off" || l == "false" || l == "0") return json(false);
        return std::nullopt;
    }
    case value_type::integer:
    case value_type::number: {
        json_input v = parse_json_input(raw);
        if (!v.ok || !v.value.is_number()) return std::nullopt;
        return std::move(v.value);
    }
    case value_type::string:
    case value_type::enumeration: {
        if (raw.size() >= 2 && raw.front() == '"') {
            json_input v = parse_json_input(raw);
            if (v.ok && v.value.is_string()) return std::move(v.value);
        }
        return json(raw);
    }
    }
    return std::nullopt;
}

}  // namespace

json device_command::to_driver_json() const { return json{{"command", name}, {"params", params}}; }

std::optional<std::string> validate_command(const device_descriptor& d, const device_command& c) {
    if (!c.params.is_object()) return "params must be an object";
    if (c.name == "set") {
        if (c.params.empty()) return "nothing to set";
        for (const auto& [prop, value] : c.params.items()) {
            auto it = d.properties.find(prop);
            if (it == d.properties.end()) return unknown("property", prop, keys_of(d.properties));
            if (!it->second.writable) return "property '" + prop + "' is read-only";
            if (auto why = check_value(it->second, value, true)) return prop + ": " + *why;
        }
        return std::nullopt;
    }
    auto it = d.commands.find(c.name);
    if (it == d.commands.end()) return unknown("command", c.name, keys_of(d.commands));
    const auto& params = it->second.params;
    for (const auto& [pname, value] : c.params.items()) {
        auto p = params.find(pname);
        if (p == params.end())
            return unknown("parameter", pname, keys_of(params)) + " for command '" + echo(c.name) + "'";
        if (auto why = check_value(p->second, value, true)) return pname + ": " + *why;
    }
    for (const auto& [pname, spec] : params) {
        if (spec.required && !c.params.contains(pname)) {
            return "missing required parameter '" + pname + "' for command '" + echo(c.name) + "'";
        }
    }
    return std::nullopt;
}

bool is_command_relay(std::string_view name) {
    return std::find(known_command_relays.begin(), known_command_relays.end(), name) != known_command_relays.end();
}

bool is_person_command_source(std::string_view kind) {
    return kind == "mqtt" || kind == "hearthctl" || is_command_relay(kind);
}

result<device_command> parse_set_payload(const device_descriptor& d, std::string_view payload) {
    json_input in = parse_json_input(payload);
    if (!in.ok) {
        return fail(in.too_deep ? "payload refused: " + in.error : "payload is not valid JSON");
    }
    json j = std::move(in.value);
    if (!j.is_object()) {
        return fail("payload must be a JSON object");
    }
    device_command c;
    if (auto t = j.find("transaction"); t != j.end()) {
        if (t->is_string()) {
            c.transaction = t->get<std::string>();
        } else if (t->is_number_integer()) {
            c.transaction = t->dump();
        } else {
            return fail("transaction must be a string");
        }
        j.erase("transaction");
    }
    if (auto code = j.find("code"); code != j.end()) {
        if (code->is_string()) {
            c.code = code->get<std::string>();
        } else if (code->is_number_integer()) {
            c.code = code->dump();
        } else {
            return fail("code must be a string");
        }
        j.erase("code");
    }
    if (auto ts = j.find("ts"); ts != j.end()) {
        if (!ts->is_number_integer()) {
            return fail("ts must be an integer (milliseconds since the epoch)");
        }
        c.issued_at_ms = ts->get<std::int64_t>();
        j.erase("ts");
    }
    if (auto via = j.find("via"); via != j.end()) {
        if (!via->is_string() || !is_command_relay(via->get<std::string>())) {
            return fail("'via' must be \"matter\" (the bridges that may relay a command), got " + echo_json(*via));
        }
        c.via = via->get<std::string>();
        j.erase("via");
    }
    if (auto cmd = j.find("command"); cmd != j.end()) {
        if (!cmd->is_string()) {
            return fail("command must be a string");
        }
        c.name = cmd->get<std::string>();
        if (auto params = j.find("params"); params != j.end()) c.params = *params;
        for (const auto& [k, _] : j.items()) {
            if (k != "command" && k != "params") {
                return fail("unexpected key '" + k + "' next to 'command' (put arguments in 'params')");
            }
        }
        if (c.name == "set") {
            return fail("use {\"<property>\": value} to set properties");
        }
    } else {
        c.name = "set";
        c.params = j;
    }
    if (auto why = validate_command(d, c)) {
        return fail(*why);
    }
    return c;
}

result<device_command> parse_set_property(const device_descriptor& d, std::string_view property, std::string_view raw) {
    if (!is_valid_utf8(property) || !is_valid_utf8(raw)) {  // echoed in errors, passed on as JSON
        return fail("payload or property name is not valid UTF-8");
    }
    const std::string prop(property);
    auto it = d.properties.find(prop);
    if (it == d.properties.end()) {
        return fail(unknown("property", prop, keys_of(d.properties)));
    }
    auto value = parse_raw(it->second, raw);
    if (!value) {
        return fail(prop + ": cannot read '" + echo(trim(raw)) + "' as " +
                    std::string(value_type_name(it->second.type)));
    }
    device_command c;
    c.name = "set";
    c.params = json{{prop, *value}};
    if (auto why = validate_command(d, c)) {
        return fail(*why);
    }
    return c;
}

}  // namespace hearth
