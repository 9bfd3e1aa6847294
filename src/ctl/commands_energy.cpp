// hearthctl energy: consumption, cost and share per device over a period, the previous period for
// comparison, and a series by hour, day or month (the `energy` bridge request, docs/energy.md);
// `energy findings`: standby draws and anomalous hours (the `energy_findings` request).
#include "ctl/commands.hpp"

#include "ctl/table.hpp"

#include <cstdio>
#include <ctime>
#include <ostream>

namespace hearth::ctl {

using json = nlohmann::json;

namespace {

std::string fixed(const json& value, int digits) {
    if (!value.is_number()) return "-";
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.*f", digits, value.get<double>());
    return buf;
}

std::string percent(const json& value, bool sign) {
    if (!value.is_number()) return "-";
    char buf[48];
    std::snprintf(buf, sizeof buf, sign ? "%+.1f%%" : "%.1f%%", value.get<double>() * 100.0);
    return buf;
}

}  // namespace

std::optional<std::int64_t> parse_local_date(const std::string& text, bool end_of_day) {
    int y = 0, mo = 0, d = 0;
    char tail = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &y, &mo, &d, &tail) != 3) return std::nullopt;
    if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31) return std::nullopt;
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d + (end_of_day ? 1 : 0);
    tm.tm_isdst = -1;
    const std::time_t t = std::mktime(&tm);
    if (t == static_cast<std::time_t>(-1)) return std::nullopt;
    std::tm check{};
    const std::time_t back = t - (end_of_day ? 86'400 / 2 : 0);
    localtime_r(&back, &check);
    if (check.tm_mday != d || check.tm_mon != mo - 1) return std::nullopt;  // 2026-02-30
    return static_cast<std::int64_t>(t) * 1000;
}

bool is_findings(const parsed_args& args) {
    if (args.positional.empty()) return false;
    if (args.positional[0] != "findings") {
        throw usage_error("unknown energy subcommand '" + args.positional[0] + "' (expected findings)");
    }
    return true;
}

namespace {

json findings_request_args(const parsed_args& args) {
    for (const char* option : {"by", "from", "to"}) {
        if (args.option(option)) throw usage_error("--" + std::string(option) + " does not apply to 'energy findings'");
    }
    json out = json::object();
    if (auto d = args.option("device")) out["device"] = *d;
    return out;
}

}  // namespace

json energy_request_args(const parsed_args& args) {
    if (is_findings(args)) return findings_request_args(args);
    json out = json::object();
    if (auto d = args.option("device")) out["device"] = *d;
    if (auto by = args.option("by")) {
        if (*by != "hour" && *by != "day" && *by != "month") throw usage_error("--by must be hour, day or month");
        out["by"] = *by;
    }
    if (auto from = args.option("from")) {
        auto ms = parse_local_date(*from, false);
        if (!ms) throw usage_error("--from must be a date YYYY-MM-DD, got '" + *from + "'");
        out["from"] = *ms;
    }
    if (auto to = args.option("to")) {
        auto ms = parse_local_date(*to, true);
        if (!ms) throw usage_error("--to must be a date YYYY-MM-DD, got '" + *to + "'");
        out["to"] = *ms;
    }
    if (out.contains("from") && out.contains("to") && out["to"].get<std::int64_t>() <= out["from"].get<std::int64_t>())
        throw usage_error("--to must not be before --from");
    return out;
}

void render_energy(const json& data, std::ostream& out, bool color) {
    const std::string currency = data.value("currency", std::string());
    const std::string cost_head = currency.empty() ? "COST" : "COST " + sanitize(currency);
    out << "energy " << format_local_time(int_field(data, "from")) << " .. " << format_local_time(int_field(data, "to"))
        << "\n";
    table t({"DEVICE", "SOURCE", "KWH", cost_head, "SHARE", "PREVIOUS KWH", "CHANGE"});
    for (const auto& d : data.value("devices", json::array())) {
        if (!d.is_object()) continue;
        const json prev = d.value("previous", json::object());
        t.add_row({sanitize(d.value("device", std::string())), sanitize(d.value("source", std::string())),
                   fixed(d.value("kwh", json()), 3), fixed(d.value("cost", json()), 2),
                   percent(d.value("share", json()), false),
                   fixed(prev.is_object() ? prev.value("kwh", json()) : json(), 3),
                   percent(d.value("change", json()), true)});
    }
    if (data.contains("unmeasured") && data["unmeasured"].is_object()) {
        const json& u = data["unmeasured"];
        t.add_row(
            {"(unmeasured)", "-", fixed(u.value("kwh", json()), 3), fixed(u.value("cost", json()), 2), "-", "-", "-"});
    }
    const json total = data.value("total", json::object());
    const json prev = data.value("previous", json::object());
    if (total.is_object() && prev.is_object()) {
        t.add_row({"(total)", "-", fixed(total.value("kwh", json()), 3), fixed(total.value("cost", json()), 2),
                   "100.0%", fixed(prev.value("kwh", json()), 3), percent(data.value("change", json()), true)});
    }
    out << t.render(color);
    const json series = data.value("series", json::array());
    if (series.is_array() && !series.empty()) {
        table s({"FROM (" + sanitize(data.value("by", std::string("day"))) + ")", "KWH", cost_head});
        for (const auto& p : series) {
            if (!p.is_object()) continue;
            s.add_row({format_local_time(int_field(p, "ts")), fixed(p.value("kwh", json()), 3),
                       fixed(p.value("cost", json()), 2)});
        }
        out << "\n" << s.render(color);
    }
    if (const json unpriced = data.value("unpriced_kwh", json(0)); unpriced.is_number() && unpriced.get<double>() > 0) {
        out << "\n" << fixed(unpriced, 3) << " kWh fall before the first tariff and have no cost\n";
    }
}

void render_findings(const json& data, std::ostream& out, bool color) {
    const json rules = data.value("rules", json::object());
    const std::string currency = data.value("currency", std::string());
    auto rule = [&](const char* key, int digits) {
        return fixed(rules.is_object() ? rules.value(key, json()) : json(), digits);
    };
    const json standby = data.value("standby", json::array());
    out << "standby: a steady draw of at least " << rule("standby_w", 1) << " W from " << rule("night_start", 0)
        << ":00 to " << rule("night_end", 0) << ":00 on " << rule("min_nights", 0) << " of the last "
        << rule("nights", 0) << " nights\n";
    if (!standby.is_array() || standby.empty()) {
        out << "none found\n";
    } else {
        table t(
            {"DEVICE", "WATTS", "NIGHTS", "KWH/YEAR", currency.empty() ? "COST/YEAR" : sanitize(currency) + "/YEAR"});
        for (const auto& s : standby) {
            if (!s.is_object()) continue;
            t.add_row({sanitize(s.value("device", std::string())), fixed(s.value("watts", json()), 1),
                       fixed(s.value("nights", json()), 0) + "/" + fixed(s.value("of_nights", json()), 0),
                       fixed(s.value("yearly_kwh", json()), 1), fixed(s.value("yearly_cost", json()), 2)});
        }
        out << t.render(color);
    }
    const json anomalies = data.value("anomalies", json::array());
    out << "\nanomalies in the last 24 h: an hour above " << rule("anomaly_factor", 1)
        << " x the usual and the usual + " << rule("anomaly_floor_kwh", 2) << " kWh (same hour of week, "
        << rule("anomaly_weeks", 0) << " weeks)\n";
    if (!anomalies.is_array() || anomalies.empty()) {
        out << "none found\n";
        return;
    }
    table t({"DEVICE", "HOUR", "KWH", "USUAL KWH", "RATIO"});
    for (const auto& a : anomalies) {
        if (!a.is_object()) continue;
        const json ratio = a.value("ratio", json());
        t.add_row({sanitize(a.value("device", std::string())), format_local_time(int_field(a, "hour")),
                   fixed(a.value("kwh", json()), 3), fixed(a.value("usual_kwh", json()), 3),
                   ratio.is_number() ? fixed(ratio, 1) + "x" : "-"});
    }
    out << t.render(color);
}

int cmd_energy(context& ctx) {
    const bool findings = is_findings(ctx.args);
    const json data = findings ? call(ctx, "energy_findings", findings_request_args(ctx.args))
                               : call(ctx, "energy", energy_request_args(ctx.args));
    if (ctx.json_output) {
        print_json(ctx, data);
    } else if (findings) {
        render_findings(data, ctx.out, ctx.color);
    } else {
        render_energy(data, ctx.out, ctx.color);
    }
    return exit_ok;
}

}  // namespace hearth::ctl
