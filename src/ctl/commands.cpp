// Device commands of hearthctl: devices, state, set, rename, remove, and the request helpers all
// commands share (see commands.hpp).
#include "ctl/commands.hpp"

#include "ctl/table.hpp"

#include <chrono>
#include <ostream>

namespace hearth::ctl {

using json = nlohmann::json;

std::int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

json data_of(const json& response) {
    if (response.value("status", std::string()) != "ok") {
        std::string error = "hearthd answered with an error";
        if (auto e = response.find("error"); e != response.end() && e->is_string()) error = e->get<std::string>();
        // Some errors carry details, e.g. config/reload's {"errors": [...]}: one line each.
        if (auto d = response.find("data"); d != response.end() && d->is_object()) {
            for (const auto& item : d->value("errors", json::array())) error += "\n  " + sanitize(cell_text(item));
        }
        throw ctl_failure(exit_daemon_error, error);
    }
    auto d = response.find("data");
    return d == response.end() ? json(nullptr) : *d;
}

json call(context& ctx, const std::string& name, json args) {
    return data_of(ctx.client.request(name, std::move(args)));
}

std::int64_t int_field(const json& item, const char* key) {
    if (!item.is_object()) return 0;
    auto it = item.find(key);
    if (it == item.end() || !it->is_number()) return 0;
    return it->is_number_float() ? static_cast<std::int64_t>(it->get<double>()) : it->get<std::int64_t>();
}

bool bool_field(const json& item, const char* key) {
    if (!item.is_object()) return false;
    auto it = item.find(key);
    return it != item.end() && it->is_boolean() && it->get<bool>();
}

void print_json(context& ctx, const json& data) {
    ctx.out << data.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
}

std::string device_arg(const parsed_args& args) {
    const std::string& id = args.positional.at(0);
    if (!is_valid_id(id)) throw usage_error("'" + id + "' is not a device id (lower-case letters, digits, _ and -)");
    return id;
}

set_request build_set_request(const parsed_args& args) {
    const auto command = args.option("command");
    json assignments = json::object();
    std::string description = command.value_or("");
    for (std::size_t i = 1; i < args.positional.size(); ++i) {
        auto [name, value] = parse_assignment(args.positional[i]);
        if (name == "transaction" || name == "code" || name == "command" || name == "ts" || name == "params") {
            throw usage_error("'" + name + "' is reserved; use --code (prompts) or --command NAME");
        }
        description += (description.empty() ? "" : " ") + name + "=" + cell_text(value);
        assignments[name] = std::move(value);
    }
    set_request r{json::object(), sanitize(description)};
    if (command) {
        if (command->empty()) throw usage_error("--command needs a command name");
        r.payload["command"] = *command;
        if (!assignments.empty()) r.payload["params"] = std::move(assignments);
    } else {
        if (assignments.empty()) throw usage_error("nothing to set\nusage: hearthctl " + find_command("set")->usage);
        r.payload = std::move(assignments);
    }
    return r;
}

std::optional<json> coerce_value(const json& spec, const std::string& text, std::string& why) {
    const std::string type = spec.is_object() ? spec.value("type", std::string()) : std::string();
    if (type == "string" || type == "enum") {
        const json parsed = parse_value(text);
        return parsed.is_string() ? parsed : json(text);  // "\"x\"" -> x; 16 -> "16"
    }
    if (type == "int" || type == "number") {
        const json parsed = parse_value(text);
        if (parsed.is_number_integer() || (type == "number" && parsed.is_number())) return parsed;
        if (type == "int" && parsed.is_number_float()) {
            const double d = parsed.get<double>();
            if (d == static_cast<double>(static_cast<long long>(d))) return static_cast<long long>(d);
        }
        why = "'" + text + "' is not " + (type == "int" ? "an integer" : "a number");
        return std::nullopt;
    }
    if (type == "bool") {
        for (const char* t : {"true", "on", "yes", "1"})
            if (text == t) return true;
        for (const char* f : {"false", "off", "no", "0"})
            if (text == f) return false;
        why = "'" + text + "' is not true or false";
        return std::nullopt;
    }
    return parse_value(text);
}

void coerce_set_request(set_request& request, const parsed_args& args, const json& descriptor) {
    if (!descriptor.is_object()) return;
    const auto command = args.option("command");
    const json* specs = nullptr;
    json found;
    if (command) {
        const auto cmds = descriptor.find("commands");
        if (cmds != descriptor.end() && cmds->is_object()) {
            const auto c = cmds->find(*command);
            if (c != cmds->end() && c->is_object()) {
                const auto p = c->find("params");
                if (p != c->end() && p->is_object()) found = *p;
            }
        }
        specs = &found;
    } else {
        const auto props = descriptor.find("properties");
        if (props != descriptor.end() && props->is_object()) specs = &*props;
    }
    if (specs == nullptr || !specs->is_object()) return;
    if (command && !request.payload.contains("params")) return;  // a command without parameters
    json& values = command ? request.payload["params"] : request.payload;
    if (!values.is_object()) return;
    std::string description = command.value_or("");
    for (std::size_t i = 1; i < args.positional.size(); ++i) {
        const auto eq = args.positional[i].find('=');
        const std::string name = args.positional[i].substr(0, eq);
        const std::string text = args.positional[i].substr(eq + 1);
        const auto spec = specs->find(name);
        if (spec != specs->end() && values.contains(name)) {
            std::string why;
            auto value = coerce_value(*spec, text, why);
            if (!value) throw usage_error(std::string(name).append(": ").append(why));
            values[name] = std::move(*value);
        }
        if (!description.empty()) description += ' ';
        description.append(name).append("=").append(cell_text(values.value(name, json())));
    }
    request.description = sanitize(description);
}

long long limit_arg(const parsed_args& args, long long fallback, long long max) {
    const auto text = args.option("limit");
    if (!text) return fallback;
    const auto n = parse_count(*text, max);
    if (!n || *n == 0) throw usage_error("--limit: '" + *text + "' is not a number from 1 to " + std::to_string(max));
    return *n;
}

std::chrono::milliseconds since_arg(const parsed_args& args) {
    const std::string text = args.option("since").value_or("24h");
    const auto since = parse_duration(text);
    if (!since) throw usage_error("--since: '" + text + "' is not a duration (e.g. 30m, 24h, 7d)");
    return *since;
}

namespace {

std::string text_of(const json& item, const char* key) {
    auto it = item.find(key);
    return it == item.end() ? std::string() : cell_text(*it);
}

}  // namespace

int cmd_devices(context& ctx) {
    const json data = call(ctx, "devices");
    if (ctx.json_output) {
        print_json(ctx, data);
        return exit_ok;
    }
    table t({"ID", "TYPE", "NAME", "ONLINE", "DRIVER", "LAST SEEN", "STATE"});
    const std::int64_t now = now_ms();
    for (const auto& d : data) {
        if (!d.is_object()) continue;
        t.add_row({text_of(d, "id"), text_of(d, "type"), truncate(text_of(d, "name"), 32),
                   bool_field(d, "online") ? "yes" : "no", text_of(d, "driver"),
                   format_age(int_field(d, "last_seen"), now), summarize_state(d.value("state", json::object()))});
    }
    ctx.out << t.render(ctx.color);
    return exit_ok;
}

int cmd_state(context& ctx) {
    const std::string id = device_arg(ctx.args);
    const json data = call(ctx, "devices");
    const json* device = nullptr;
    for (const auto& d : data) {
        if (d.is_object() && d.value("id", std::string()) == id) device = &d;
    }
    if (device == nullptr) throw ctl_failure(exit_daemon_error, "unknown device '" + id + "'");
    const json state = device->value("state", json::object());
    if (ctx.json_output) {
        print_json(ctx, state);
        return exit_ok;
    }
    const json props = device->value("properties", json::object());
    table t({"PROPERTY", "VALUE", "UNIT"});
    for (const auto& [key, value] : state.items()) {
        std::string unit;
        if (auto p = props.find(key); p != props.end() && p->is_object()) unit = p->value("unit", std::string());
        t.add_row({key, cell_text(value), unit});
    }
    ctx.out << text_of(*device, "name") << " (" << id << ", " << text_of(*device, "type")
            << "): " << (bool_field(*device, "online") ? "online" : "offline") << ", last seen "
            << format_age(int_field(*device, "last_seen"), now_ms()) << "\n";
    ctx.out << t.render(ctx.color);
    return exit_ok;
}

namespace {

/// The `devices` entry of `id`; throws ctl_failure(exit_daemon_error) when hearthd has none.
json find_device(context& ctx, const std::string& id) {
    const json data = call(ctx, "devices");
    for (const auto& d : data) {
        if (d.is_object() && d.value("id", std::string()) == id) return d;
    }
    throw ctl_failure(exit_daemon_error, "unknown device '" + id + "'");
}

/// "name:type" with enum values, range, unit and "required", for the commands list.
std::string spec_text(const std::string& name, const json& spec) {
    if (!spec.is_object()) return name;
    std::string out = name + ":" + spec.value("type", std::string("?"));
    if (const auto v = spec.find("values"); v != spec.end() && v->is_array()) {
        std::string values;
        for (const auto& x : *v) values += (values.empty() ? "" : "|") + cell_text(x);
        out += "(" + values + ")";
    }
    const auto min = spec.find("min"), max = spec.find("max");
    if (min != spec.end() && max != spec.end()) out += "[" + cell_text(*min) + ".." + cell_text(*max) + "]";
    if (const auto u = spec.find("unit"); u != spec.end() && u->is_string() && !u->get<std::string>().empty())
        out += " " + u->get<std::string>();
    if (bool_field(spec, "required")) out += " (required)";
    return out;
}

}  // namespace

int cmd_commands(context& ctx) {
    const std::string id = device_arg(ctx.args);
    const json device = find_device(ctx, id);
    const json commands = device.value("commands", json::object());
    const json properties = device.value("properties", json::object());
    if (ctx.json_output) {
        json writable = json::object();
        if (properties.is_object()) {
            for (const auto& [name, spec] : properties.items())
                if (bool_field(spec, "writable")) writable[name] = spec;
        }
        print_json(ctx, {{"commands", commands}, {"writable", writable}});
        return exit_ok;
    }
    table t({"COMMAND", "PARAMETERS"});
    if (commands.is_object()) {
        for (const auto& [name, cmd] : commands.items()) {
            std::string params;
            const json p = cmd.is_object() ? cmd.value("params", json::object()) : json::object();
            if (p.is_object()) {
                for (const auto& [pname, spec] : p.items())
                    params += (params.empty() ? "" : ", ") + spec_text(pname, spec);
            }
            t.add_row({name, params.empty() ? "-" : params});
        }
    }
    ctx.out << t.render(ctx.color);
    table w({"WRITABLE PROPERTY", "TYPE"});
    if (properties.is_object()) {
        for (const auto& [name, spec] : properties.items())
            if (bool_field(spec, "writable")) w.add_row({name, spec_text("", spec).substr(1)});
    }
    if (w.rows() > 0) ctx.out << "\n" << w.render(ctx.color);
    ctx.out << "\nhearthctl set " << id << " --command NAME [PARAM=VALUE...]   or   hearthctl set " << id
            << " PROP=VALUE...\n";
    return exit_ok;
}

int cmd_set(context& ctx) {
    const std::string id = device_arg(ctx.args);
    set_request request = build_set_request(ctx.args);
    // Values are typed by the device's descriptor (areas=16 is a string when areas is one).
    coerce_set_request(request, ctx.args, find_device(ctx, id));
    if (auto pin = read_code(ctx.args)) {
        // Challenge-response: the PIN itself never goes on the wire (docs/security.md).
        const std::string op = request.payload.value("command", std::string("set"));
        request.payload["code"] = challenge_code(ctx.client, id, op, *pin);
    }
    const json data = data_of(ctx.client.set(id, std::move(request.payload)));
    if (ctx.json_output) {
        print_json(ctx, data);
    } else {
        ctx.out << "ok: " << id << " " << request.description << "\n";
    }
    return exit_ok;
}

int cmd_rename(context& ctx) {
    const std::string id = device_arg(ctx.args);
    std::string name;
    for (std::size_t i = 1; i < ctx.args.positional.size(); ++i)
        name += (name.empty() ? "" : " ") + ctx.args.positional[i];
    json args = {{"device", id}, {"name", name}};
    if (auto pin = read_code(ctx.args)) args["code"] = challenge_code(ctx.client, id, "rename", *pin);
    const json data = call(ctx, "device/rename", std::move(args));
    if (ctx.json_output) {
        print_json(ctx, data);
    } else {
        ctx.out << "renamed " << id << " to \"" << sanitize(name) << "\"\n";
    }
    return exit_ok;
}

int cmd_remove(context& ctx) {
    const std::string id = device_arg(ctx.args);
    json args = {{"device", id}};
    if (auto pin = read_code(ctx.args)) args["code"] = challenge_code(ctx.client, id, "remove", *pin);
    const json data = call(ctx, "device/remove", std::move(args));
    if (ctx.json_output) {
        print_json(ctx, data);
    } else {
        ctx.out << "removed " << id << "\n";
    }
    return exit_ok;
}

}  // namespace hearth::ctl
