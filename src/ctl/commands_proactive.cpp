// hearthctl suggestions and care (docs/proactive.md): the automations hearthd suggests from the
// household's routines (`suggestions`, `suggestions accept ID`, `suggestions reject ID`) and the
// care monitor's state (`care`). Accepting writes the automation into the scenes dir and reloads.
#include "ctl/commands.hpp"

#include "ctl/table.hpp"

#include <cmath>
#include <ostream>

namespace hearth::ctl {

using json = nlohmann::json;

namespace {

std::string number_or_dash(const json& value) { return value.is_number_integer() ? value.dump() : "-"; }

std::string percent(const json& value) {
    if (!value.is_number()) return "-";
    return std::to_string(std::lround(value.get<double>() * 100.0)) + "%";
}

}  // namespace

void render_suggestions(const json& data, std::ostream& out, bool color) {
    const json run = data.value("last_run", json());
    if (run.is_object()) {
        out << "mined " << format_local_time(int_field(run, "at")) << " from " << int_field(run, "records")
            << " activity entries since " << format_local_time(int_field(run, "from")) << "\n";
    }
    const json list = data.value("suggestions", json::array());
    if (!list.is_array() || list.empty()) {
        out << "no suggestions on offer\n";
        return;
    }
    table t({"ID", "KIND", "CONFIDENCE", "SUGGESTION"});
    for (const auto& s : list) {
        if (!s.is_object()) continue;
        const json evidence = s.value("evidence", json::object());
        t.add_row({s.value("id", std::string()), s.value("kind", std::string()),
                   percent(evidence.is_object() ? evidence.value("confidence", json()) : json()),
                   s.value("sentence", std::string())});
    }
    t.align_right(2);
    out << t.render(color);
    out << "accept with: hearthctl suggestions accept ID   (reject ID to never see it again)\n";
}

void render_care(const json& data, std::ostream& out) {
    if (!data.value("enabled", false)) {
        out << "care alert: disabled (\"care\": {\"enabled\": true} in the main config)\n";
        return;
    }
    const bool alerting = data.value("alerting", false);
    out << "care alert: enabled, " << (alerting ? "ALERTING" : "not alerting")
        << (data.value("quiet", false) ? " (quiet hours now)" : "") << "\n";
    const json last = data.value("last_activity", json());
    if (last.is_object()) {
        out << "last activity: " << sanitize(last.value("device", std::string())) << " "
            << sanitize(last.value("name", std::string())) << " at " << format_local_time(int_field(last, "ts")) << " ("
            << number_or_dash(data.value("inactive_min", json())) << " min ago)\n";
    } else {
        out << "last activity: none seen since the start (" << number_or_dash(data.value("inactive_min", json()))
            << " min)\n";
    }
    out << "alert after: " << number_or_dash(data.value("threshold_min", json()))
        << " min of inactivity at this hour of the week\n";
    const json model = data.value("model", json());
    if (model.is_object()) {
        const bool learned = model.value("basis", std::string()) == "learned";
        out << "model: " << (learned ? "learned from " : "the floor only, ")
            << number_or_dash(model.value("days_learned", json())) << " day(s) of activity"
            << (learned ? "" : " so far") << "; floor " << number_or_dash(model.value("floor_min", json())) << " min\n";
    }
}

void check_suggestions(const parsed_args& args) {
    if (args.positional.empty()) return;
    const std::string& verb = args.positional[0];
    if (verb != "accept" && verb != "reject") {
        throw usage_error("unknown suggestions subcommand '" + verb + "' (expected accept or reject)");
    }
    if (args.positional.size() != 2 || args.positional[1].empty()) {
        throw usage_error("'suggestions " + verb + "' needs the suggestion's ID");
    }
    if (args.has("refresh")) throw usage_error("--refresh applies to listing only");
}

int cmd_suggestions(context& ctx) {
    check_suggestions(ctx.args);
    if (!ctx.args.positional.empty()) {
        const std::string& verb = ctx.args.positional[0];
        const json data = call(ctx, "suggestion/" + verb, {{"id", ctx.args.positional[1]}});
        if (ctx.json_output) {
            print_json(ctx, data);
        } else if (verb == "accept") {
            ctx.out << "accepted " << sanitize(data.value("id", std::string())) << ": written to "
                    << sanitize(data.value("file", std::string())) << ", rules reloaded\n";
        } else {
            ctx.out << "rejected " << sanitize(data.value("id", std::string())) << ": it will not be suggested again\n";
        }
        return exit_ok;
    }
    json args = json::object();
    if (ctx.args.has("refresh")) args["refresh"] = true;
    const json data = call(ctx, "suggestions", args);
    if (ctx.json_output) {
        print_json(ctx, data);
    } else {
        render_suggestions(data, ctx.out, ctx.color);
    }
    return exit_ok;
}

int cmd_care(context& ctx) {
    const json data = call(ctx, "care/status");
    if (ctx.json_output) {
        print_json(ctx, data);
    } else {
        render_care(data, ctx.out);
    }
    return exit_ok;
}

}  // namespace hearth::ctl
