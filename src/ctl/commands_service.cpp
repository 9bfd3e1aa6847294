// Service commands of hearthctl: health, history, backup (storage) and rules, scenes, rule,
// scene, trace, reload (the rules service). See commands.hpp.
#include "ctl/commands.hpp"

#include "ctl/table.hpp"
#include "ctl/trace_view.hpp"

#include <cstdio>
#include <ostream>

namespace hearth::ctl {

using json = nlohmann::json;

namespace {

std::string ms_text(const json& value) {
    if (!value.is_number()) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f ms", value.get<double>());
    return buf;
}

std::string count_text(const json& obj, const char* key) { return std::to_string(int_field(obj, key)); }

/// A time cell: ms since the epoch as a relative age; text as it is; "-" for none.
std::string when_text(const json& value, std::int64_t now) {
    if (value.is_number()) return format_age(value.get<std::int64_t>(), now);
    return cell_text(value);
}

/// Prints the extra fields of a data object (all but `skip`) as "  key: value" lines.
void print_details(context& ctx, const json& data, const std::string& skip) {
    if (!data.is_object()) return;
    for (const auto& [key, value] : data.items()) {
        if (key != skip) ctx.out << "  " << key << ": " << sanitize(cell_text(value)) << "\n";
    }
}

/// The rules service's list, filtered to scenes (`scenes` true) or to everything else.
int list_rules(context& ctx, bool scenes) {
    const json data = call(ctx, "rules");
    // The list is the data itself, or {"running": bool, "rules": [...]}.
    const json list = data.is_object() ? data.value("rules", json::array()) : data;
    if (data.is_object() && data.contains("running") && !bool_field(data, "running")) {
        ctx.err << "hearthctl: note: the rules engine has not started yet (waiting for drivers)\n";
    }
    json selected = json::array();
    for (const auto& r : list) {
        const bool is_scene = r.is_object() && r.value("kind", std::string()) == "scene";
        if (is_scene == scenes) selected.push_back(r);
    }
    if (ctx.json_output) {
        print_json(ctx, selected);
        return exit_ok;
    }
    const std::int64_t now = now_ms();
    if (scenes) {
        table t({"ID", "NAME", "LAST ACTIVATED", "LAST RESULT"});
        for (const auto& r : selected) {
            t.add_row({cell_text(r.value("id", json())), cell_text(r.value("name", json())),
                       when_text(r.value("last_run", json()), now),
                       truncate(cell_text(r.value("last_result", json())), 48)});
        }
        ctx.out << t.render(ctx.color);
        return exit_ok;
    }
    table t({"ID", "KIND", "NAME", "ENABLED", "LAST RUN", "LAST RESULT"});
    for (const auto& r : selected) {
        t.add_row({cell_text(r.value("id", json())), cell_text(r.value("kind", json())),
                   cell_text(r.value("name", json())), bool_field(r, "enabled") ? "yes" : "no",
                   when_text(r.value("last_run", json()), now),
                   truncate(cell_text(r.value("last_result", json())), 48)});
    }
    ctx.out << t.render(ctx.color);
    return exit_ok;
}

}  // namespace

int cmd_health(context& ctx) {
    const json h = call(ctx, "health");
    if (ctx.json_output) {
        print_json(ctx, h);
        return exit_ok;
    }
    const json mqtt = h.value("mqtt", json::object());
    ctx.out << "uptime:    " << format_uptime(int_field(h, "uptime_s")) << "\n"
            << "loop lag:  " << ms_text(h.value("loop_lag_ms", json())) << " (max "
            << ms_text(h.value("loop_lag_max_ms", json())) << ")\n"
            << "devices:   " << count_text(h, "devices") << " (" << count_text(h, "devices_online") << " online)\n"
            << "mqtt:      " << (bool_field(mqtt, "connected") ? "connected" : "DISCONNECTED") << ", queued "
            << count_text(mqtt, "queued") << ", in flight " << count_text(mqtt, "inflight") << ", published "
            << count_text(mqtt, "published") << ", dropped " << count_text(mqtt, "dropped") << ", reconnects "
            << count_text(mqtt, "reconnects") << ", refused " << count_text(mqtt, "refused_messages") << "\n";
    if (auto db = h.find("database"); db != h.end() && db->is_object()) {
        ctx.out << "database:  ";
        if (db->contains("error")) {
            ctx.out << "ERROR " << sanitize(cell_text((*db)["error"])) << "\n";
        } else {
            ctx.out << sanitize(cell_text(db->value("path", json()))) << ", "
                    << format_bytes(static_cast<std::uint64_t>(int_field(*db, "size_bytes"))) << " (WAL "
                    << format_bytes(static_cast<std::uint64_t>(int_field(*db, "wal_bytes"))) << "), write errors "
                    << count_text(*db, "write_errors") << "\n";
            ctx.out << "backup:    ";
            if (db->value("last_backup", json()).is_string()) {
                ctx.out << sanitize(cell_text((*db)["last_backup"])) << " ("
                        << format_age(int_field(*db, "last_backup_ts"), now_ms()) << ")\n";
            } else {
                ctx.out << "none yet\n";
            }
        }
    }
    table t({"DRIVER", "PLUGIN", "STATUS", "CALLS", "ERRORS", "LAST ERROR"});
    t.align_right(3);
    t.align_right(4);
    for (const auto& d : h.value("drivers", json::array())) {
        t.add_row({cell_text(d.value("id", json())), cell_text(d.value("plugin", json())),
                   cell_text(d.value("status", json())), count_text(d, "calls"), count_text(d, "errors"),
                   truncate(d.value("last_error", std::string()), 60)});
    }
    ctx.out << "\n" << t.render(ctx.color);
    return exit_ok;
}

int cmd_history(context& ctx) {
    const std::string& device = ctx.args.positional.at(0);
    const std::string& property = ctx.args.positional.at(1);
    const auto since = since_arg(ctx.args);
    const std::string since_text = ctx.args.option("since").value_or("24h");
    const long long limit = limit_arg(ctx.args, 1000, 1000000);
    const std::int64_t now = now_ms();
    const json data = call(ctx, "history",
                           {{"device", device},
                            {"property", property},
                            {"from", now - since.count()},
                            {"to", now},
                            {"limit", static_cast<std::uint64_t>(limit)}});
    if (ctx.json_output) {
        print_json(ctx, data);
        return exit_ok;
    }
    bool downsampled = false;
    for (const auto& p : data) downsampled = downsampled || (p.is_object() && p.contains("min"));
    table t = downsampled ? table({"TIME", "VALUE", "MIN", "MAX", "COUNT"}) : table({"TIME", "VALUE"});
    for (const auto& p : data) {
        if (!p.is_object()) continue;
        std::vector<std::string> row = {format_local_time(int_field(p, "ts")), cell_text(p.value("value", json()))};
        if (downsampled && p.contains("min")) {
            row.insert(row.end(), {cell_text(p["min"]), cell_text(p.value("max", json())), count_text(p, "count")});
        }
        t.add_row(std::move(row));
    }
    if (t.rows() == 0) {
        ctx.err << "no values of " << device << "." << property << " in the last " << since_text << "\n";
        return exit_ok;
    }
    ctx.out << t.render(ctx.color);
    return exit_ok;
}

int cmd_backup(context& ctx) {
    const json data = call(ctx, "backup");
    if (ctx.json_output) {
        print_json(ctx, data);
    } else {
        ctx.out << sanitize(cell_text(data.value("path", json()))) << "\n";
    }
    return exit_ok;
}

int cmd_rules(context& ctx) { return list_rules(ctx, false); }

int cmd_scenes(context& ctx) { return list_rules(ctx, true); }

void check_rule_args(const parsed_args& args) {
    const std::string& action = args.positional.at(0);
    if (action != "enable" && action != "disable" && action != "run") {
        throw usage_error("unknown rule action '" + action + "'\nusage: hearthctl " + find_command("rule")->usage);
    }
    if (args.positional.at(1).empty()) throw usage_error("the rule id must not be empty");
}

void check_scene_args(const parsed_args& args) {
    if (args.positional.at(0) != "activate") {
        throw usage_error("unknown scene action '" + args.positional[0] + "'\nusage: hearthctl " +
                          find_command("scene")->usage);
    }
    if (args.positional.at(1).empty()) throw usage_error("the scene id must not be empty");
}

int cmd_rule(context& ctx) {
    check_rule_args(ctx.args);
    const std::string& action = ctx.args.positional[0];
    const std::string& id = ctx.args.positional[1];
    const json data = call(ctx, "rule/" + action, {{"rule", id}});
    if (ctx.json_output) {
        print_json(ctx, data);
        return exit_ok;
    }
    const char* done = action == "enable" ? "enabled" : action == "disable" ? "disabled" : "ran";
    ctx.out << "rule " << sanitize(id) << " " << done << "\n";
    print_details(ctx, data, "rule");
    return exit_ok;
}

int cmd_scene(context& ctx) {
    check_scene_args(ctx.args);
    const std::string& id = ctx.args.positional[1];
    const json data = call(ctx, "scene/activate", {{"scene", id}});
    if (ctx.json_output) {
        print_json(ctx, data);
        return exit_ok;
    }
    ctx.out << "scene " << sanitize(id) << " activated\n";
    print_details(ctx, data, "scene");
    return exit_ok;
}

int cmd_trace(context& ctx) {
    const std::string& id = ctx.args.positional.at(0);
    if (id.empty()) throw usage_error("the rule id must not be empty");
    const long long limit = limit_arg(ctx.args, 5, 10000);
    const json data = call(ctx, "trace", {{"rule", id}, {"limit", static_cast<std::uint64_t>(limit)}});
    if (ctx.json_output) {
        print_json(ctx, data);
        return exit_ok;
    }
    if (data.empty()) {
        ctx.err << "no recorded runs of " << sanitize(id) << "\n";
        return exit_ok;
    }
    const std::int64_t now = now_ms();
    bool first = true;
    for (const auto& item : data) {
        if (!item.is_object()) continue;
        // Each item is the trace itself (older hearthd: {rule_id, run_id, ts, trace}).
        const json& trace = item.contains("trace") && item["trace"].is_object() ? item["trace"] : item;
        if (!first) ctx.out << "\n";
        first = false;
        ctx.out << render_trace(trace, now);
    }
    return exit_ok;
}

int cmd_reload(context& ctx) {
    const json data = call(ctx, "config/reload");
    if (ctx.json_output) {
        print_json(ctx, data);
        return exit_ok;
    }
    ctx.out << "reloaded\n";
    print_details(ctx, data, "");
    return exit_ok;
}

}  // namespace hearth::ctl
