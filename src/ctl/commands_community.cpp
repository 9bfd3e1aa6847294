// hearthctl --community: queries and requests against hearth-community (commands_community.hpp).
#include "ctl/commands_community.hpp"

#include "community/cluster_connect.hpp"
#include "community/community_config.hpp"
#include "community/community_store.hpp"
#include "community/envelope.hpp"
#include "ctl/cli_args.hpp"
#include "ctl/ctl_client.hpp"
#include "ctl/table.hpp"

#include <mqtt/async_client.h>

#include <unistd.h>

#include <chrono>
#include <ostream>
#include <random>
#include <thread>

namespace hearth::ctl {
namespace {

namespace hc = hearth::community;
using nlohmann::json;

struct community_args {
    std::string config;
    std::string command;
    std::vector<std::string> positional;
    bool json_output = false;
    std::string by = "hearthctl";
    int timeout_s = 30;
};

std::int64_t wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string format_time(std::int64_t ms) {
    const std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%SZ", &tm);
    return text;
}

community_args parse(const std::vector<std::string>& args) {
    community_args parsed;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto& a = args[i];
        if (a == "--json") {
            parsed.json_output = true;
        } else if ((a == "--by" || a == "--timeout") && i + 1 < args.size()) {
            if (a == "--by") {
                parsed.by = args[++i];
            } else {
                try {
                    parsed.timeout_s = std::stoi(args[++i]);
                } catch (const std::exception&) {
                    throw usage_error("--timeout takes seconds");
                }
                if (parsed.timeout_s < 1 || parsed.timeout_s > 600) {
                    throw usage_error("--timeout takes 1..600 seconds");
                }
            }
        } else if (a.rfind("--", 0) == 0) {
            throw usage_error("unknown option '" + a + "'");
        } else if (parsed.config.empty()) {
            parsed.config = a;
        } else if (parsed.command.empty()) {
            parsed.command = a;
        } else {
            parsed.positional.push_back(a);
        }
    }
    if (parsed.config.empty() || parsed.command.empty()) {
        throw usage_error("usage: hearthctl --community CONFIG homes|alerts|health|ack|diagnostics|request ...");
    }
    return parsed;
}

void want_positional(const community_args& a, std::size_t min, std::size_t max, const char* usage) {
    if (a.positional.size() < min || a.positional.size() > max) {
        throw usage_error(std::string("usage: hearthctl --community CONFIG ") + usage);
    }
}

json alert_json(const hc::alert_row& alert) {
    return {{"id", alert.id},
            {"site", alert.site},
            {"home", alert.home},
            {"kind", alert.kind},
            {"ts", alert.ts},
            {"received_ms", alert.received_ms},
            {"data", json::parse(alert.data, nullptr, false)},
            {"escalated_ms", alert.escalated_ms ? json(*alert.escalated_ms) : json(nullptr)}};
}

int cmd_homes(const community_args& a, hc::community_store& store, std::ostream& out) {
    want_positional(a, 0, 0, "homes");
    const auto homes = store.homes();
    if (a.json_output) {
        json list = json::array();
        for (const auto& h : homes) {
            list.push_back({{"site", h.site},
                            {"home", h.home},
                            {"last_seen_ms", h.last_seen_ms},
                            {"open_alerts", h.open_alerts},
                            {"has_health", h.has_health}});
        }
        out << list.dump(2) << "\n";
        return exit_ok;
    }
    table t({"SITE", "HOME", "LAST SEEN", "OPEN ALERTS", "HEALTH"});
    t.align_right(3);
    for (const auto& h : homes) {
        t.add_row(
            {h.site, h.home, format_time(h.last_seen_ms), std::to_string(h.open_alerts), h.has_health ? "yes" : "-"});
    }
    out << t.render();
    return exit_ok;
}

int cmd_alerts(const community_args& a, hc::community_store& store, std::ostream& out) {
    want_positional(a, 0, 1, "alerts [HOME]");
    const auto alerts = store.open_alerts(a.positional.empty() ? std::string() : a.positional[0]);
    if (a.json_output) {
        json list = json::array();
        for (const auto& alert : alerts) {
            list.push_back(alert_json(alert));
        }
        out << list.dump(2) << "\n";
        return exit_ok;
    }
    table t({"ID", "HOME", "KIND", "WHAT", "RECEIVED", "ESCALATED"});
    for (const auto& alert : alerts) {
        const auto data = json::parse(alert.data, nullptr, false);
        std::string what;
        if (data.is_object()) {
            what = data.value("event_type", data.value("type", std::string()));
            if (data.contains("device") && data["device"].is_string()) {
                what += " (" + data["device"].get<std::string>() + ")";
            }
        }
        t.add_row({alert.id, alert.home, alert.kind, what, format_time(alert.received_ms),
                   alert.escalated_ms ? format_time(*alert.escalated_ms) : "-"});
    }
    out << t.render();
    return exit_ok;
}

int cmd_health(const community_args& a, hc::community_store& store, std::ostream& out, std::ostream& err) {
    want_positional(a, 1, 1, "health HOME");
    const auto health = store.health(a.positional[0]);
    if (!health) {
        err << "hearthctl: no health received from " << sanitize(a.positional[0]) << "\n";
        return exit_daemon_error;
    }
    out << json::parse(*health, nullptr, false).dump(2) << "\n";
    return exit_ok;
}

int cmd_ack(const community_args& a, hc::community_store& store, std::ostream& out, std::ostream& err) {
    want_positional(a, 1, 1, "ack ALERT [--by NAME]");
    if (!store.acknowledge(a.positional[0], a.by, wall_ms())) {
        err << "hearthctl: no open alert " << sanitize(a.positional[0]) << "\n";
        return exit_daemon_error;
    }
    out << "acknowledged " << sanitize(a.positional[0]) << "\n";
    return exit_ok;
}

std::string new_request_id() {
    std::random_device rd;
    return "ctl-" + std::to_string(::getpid()) + "-" + std::to_string(rd());
}

/// Publishes the request as the service user (a clean session of its own).
void publish_request(const hc::community_config& config, const hc::down_request& request) {
    auto connect = hc::make_cluster_connect(config);
    ::mqtt::async_client client(connect.first_uri, config.client_id + "-ctl-" + std::to_string(::getpid()),
                                ::mqtt::create_options(MQTTVERSION_3_1_1));
    try {
        client.connect(connect.options)->wait();
    } catch (const ::mqtt::exception& e) {
        throw ctl_failure(exit_no_broker, std::string("cannot connect to the community cluster: ") + e.what());
    }
    client.publish(request.topic, request.payload.data(), request.payload.size(), 1, false)->wait();
    client.disconnect()->wait();
}

int cmd_request(const community_args& a, const hc::community_config& config, hc::community_store& store,
                std::ostream& out, std::ostream& err) {
    std::string home;
    std::string name = "diagnostics";
    json args = json::object();
    if (a.command == "diagnostics") {
        want_positional(a, 1, 1, "diagnostics HOME [--timeout S]");
        home = a.positional[0];
    } else {
        want_positional(a, 2, 3, "request HOME NAME [ARGS_JSON] [--timeout S]");
        home = a.positional[0];
        name = a.positional[1];
        if (a.positional.size() == 3) {
            args = json::parse(a.positional[2], nullptr, false);
            if (!args.is_object()) {
                throw usage_error("ARGS_JSON must be a JSON object");
            }
        }
    }
    std::string site;
    for (const auto& h : store.homes()) {
        if (h.home == home) {
            site = h.site;
        }
    }
    if (site.empty()) {
        err << "hearthctl: home " << sanitize(home) << " has never reported (its site is unknown)\n";
        return exit_daemon_error;
    }
    const auto request_id = new_request_id();
    auto request = hc::make_down_request(site, home, name, request_id, wall_ms(), args);
    if (!request) {
        throw usage_error(request.error());
    }
    store.record_request(request_id, home, name, wall_ms());
    publish_request(config, request.value());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(a.timeout_s);
    while (std::chrono::steady_clock::now() < deadline) {
        if (const auto response = store.response(request_id)) {
            const auto body = json::parse(response->body, nullptr, false);
            if (a.json_output || response->status == "ok") {
                out << (body.is_object() && body.contains("data") && !a.json_output ? body["data"] : body).dump(2)
                    << "\n";
            }
            if (response->status != "ok") {
                err << "hearthctl: " << sanitize(home) << " refused " << sanitize(name) << ": "
                    << sanitize(body.is_object() ? body.value("error", std::string("error")) : std::string("error"))
                    << "\n";
                return exit_daemon_error;
            }
            return exit_ok;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    err << "hearthctl: no response from " << sanitize(home) << " within " << a.timeout_s << " s (request " << request_id
        << ")\n";
    return exit_timeout;
}

}  // namespace

std::string community_help() {
    return "Usage: hearthctl --community CONFIG COMMAND [ARGS] [--json]\n"
           "CONFIG is hearth-community's config file (its database and cluster URLs).\n\n"
           "  homes                         every home that reported: last seen, open alerts\n"
           "  alerts [HOME]                 open (unacknowledged) alarms and care alerts\n"
           "  health HOME                   the latest health the hub sent\n"
           "  ack ALERT [--by NAME]         acknowledge an alert (stops its escalation)\n"
           "  diagnostics HOME [--timeout S]  ask the hub for its diagnostics bundle\n"
           "  request HOME NAME [ARGS_JSON] [--timeout S]  any request of the wire contract\n";
}

int run_community_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    try {
        const auto a = parse(args);
        auto config = hc::load_community_config(a.config);
        if (!config) {
            err << "hearthctl: " << config.error() << "\n";
            return exit_usage;
        }
        auto store = hc::community_store::open(config.value().database);
        if (a.command == "homes") {
            return cmd_homes(a, store, out);
        }
        if (a.command == "alerts") {
            return cmd_alerts(a, store, out);
        }
        if (a.command == "health") {
            return cmd_health(a, store, out, err);
        }
        if (a.command == "ack") {
            return cmd_ack(a, store, out, err);
        }
        if (a.command == "diagnostics" || a.command == "request") {
            return cmd_request(a, config.value(), store, out, err);
        }
        throw usage_error("unknown --community command '" + a.command + "'");
    } catch (const usage_error& e) {
        err << "hearthctl: " << e.what() << "\n" << community_help();
        return exit_usage;
    } catch (const ctl_failure& e) {
        err << "hearthctl: " << e.what() << "\n";
        return e.code();
    } catch (const std::exception& e) {
        err << "hearthctl: " << e.what() << "\n";
        return exit_daemon_error;
    }
}

}  // namespace hearth::ctl
