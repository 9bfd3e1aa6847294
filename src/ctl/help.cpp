// The command table of hearthctl and its help texts (see commands.hpp). The man page
// docs/hearthctl.1 and docs/hearthctl.md say the same; keep them in step with this file.
#include "ctl/commands.hpp"

#include <algorithm>
#include <cstdint>

namespace hearth::ctl {

namespace {

constexpr std::size_t unbounded = SIZE_MAX;

const char* const global_options_text = R"(global options:
  --config FILE      hearthd's config file, read for the broker URL, base topic, credentials
                     and TLS (default /etc/hearth/hearth.json; built-in defaults if it is absent)
  --url URL          broker URL, mqtt://host:port or mqtts://host:port (overrides the config)
  --port N           shorthand for --url mqtt://127.0.0.1:N
  --base TOPIC       base topic (default: mqtt.base_topic of the config, else "hearth")
  --timeout SECONDS  how long to wait for the broker and for each answer (default 5)
  --json             machine output: the answer's data as JSON on stdout
  --help, -h         this help; "hearthctl COMMAND --help" details one command
  --version          print the version and exit
)";

const char* const exit_codes_text = R"(exit status:
  0  success
  1  hearthd answered with an error (its text is printed on stderr)
  2  usage error (bad command line or option value, unusable --config file)
  3  cannot connect to the broker
  4  timeout: no answer from hearthd (is it running? same base topic?)
)";

void check_device(const parsed_args& args) { device_arg(args); }
void check_set(const parsed_args& args) {
    device_arg(args);
    build_set_request(args);
}
void check_history(const parsed_args& args) {
    since_arg(args);
    limit_arg(args, 1000, 1000000);
}
void check_energy(const parsed_args& args) { energy_request_args(args); }
void check_trace(const parsed_args& args) {
    if (args.positional.at(0).empty()) throw usage_error("the rule id must not be empty");
    limit_arg(args, 5, 10000);
}

}  // namespace

const std::vector<option_spec>& all_option_specs() {
    static const std::vector<option_spec> specs = {
        {"config", true},   {"url", true},    {"port", true},       {"base", true},    {"timeout", true},
        {"json", false},    {"help", false},  {"version", false},   {"since", true},   {"limit", true},
        {"command", true},  {"code", false},  {"code-file", true},  {"seconds", true}, {"source", true},
        {"z2m-base", true}, {"listen", true}, {"tuya-ports", true}, {"device", true},  {"by", true},
        {"from", true},     {"to", true},     {"refresh", false},
    };
    return specs;
}

const std::vector<command_info>& commands() {
    static const std::vector<command_info> table = {
        {"devices",
         "devices",
         "list devices: id, type, name, online, driver, last seen, key state",
         "Lists every device hearthd knows, one per row: id, type, name, online, the driver instance,\n"
         "when it last reported (relative) and a short summary of its state.\n"
         "--json prints the full device descriptors with state, online, last_seen and driver.",
         0,
         0,
         {},
         cmd_devices,
         nullptr},
        {"state",
         "state DEVICE",
         "show the current state of one device",
         "Prints every property of DEVICE's current state with its value, plus whether the\n"
         "device is online and when it last reported. --json prints the state object.",
         1,
         1,
         {},
         cmd_state,
         check_device},
        {"set",
         "set DEVICE PROPERTY=VALUE... | set DEVICE --command NAME [PARAM=VALUE...]",
         "change properties of a device or run one of its commands",
         "Publishes to <base>/DEVICE/set with a unique transaction and waits for the answer on\n"
         "<base>/DEVICE/response. VALUEs take the type the device declares for the property or\n"
         "parameter (areas=16 is the string \"16\" when areas is a string; on=off is false for a\n"
         "bool); names it does not declare are JSON when they parse as JSON, otherwise strings.\n"
         "With --command NAME the PARAM=VALUE pairs are the command's parameters (hearthctl\n"
         "commands DEVICE lists them). --code asks for a lock PIN (echo off; read from stdin when\n"
         "it is not a terminal), --code-file FILE reads it from FILE (- = stdin); never give a PIN\n"
         "in argv. The PIN is sent as a one-time challenge response, never in clear. Refusals\n"
         "(unknown property, out of range, offline device, ...) exit with 1 and hearthd's reason on\n"
         "stderr.\n"
         "Examples: hearthctl set living_light on=true brightness=30\n"
         "          hearthctl set robot_vacuum --command set_fan_speed fan_speed=max\n"
         "          hearthctl set robot_vacuum --command clean_areas areas=16\n"
         "          hearthctl set hall_lock --command unlock --code",
         1,
         unbounded,
         {"command", "code", "code-file"},
         cmd_set,
         check_set},
        {"commands",
         "commands DEVICE",
         "list a device's commands with their parameters, and its writable properties",
         "Prints each command of DEVICE with its parameters (name:type, enum values, range,\n"
         "unit, required) and the properties `set DEVICE PROP=VALUE` can change. With --json: the\n"
         "descriptor's \"commands\" and the writable properties' specs.",
         1,
         1,
         {},
         cmd_commands,
         check_device},
        {"rename",
         "rename DEVICE NAME...",
         "give a device a new display name",
         "Sets DEVICE's display name (the words of NAME joined by spaces); Home Assistant discovery\n"
         "is re-sent. A lock needs its PIN: --code or --code-file FILE.",
         2,
         unbounded,
         {"code", "code-file"},
         cmd_rename,
         check_device},
        {"remove",
         "remove DEVICE",
         "remove a device and clear its retained topics",
         "Removes DEVICE from hearthd and clears its retained state, availability and discovery\n"
         "topics. A driver that still has the device registers it again. A lock needs its PIN\n"
         "(--code or --code-file FILE) and must be locked first.",
         1,
         1,
         {"code", "code-file"},
         cmd_remove,
         check_device},
        {"lock",
         "lock status LOCK | lock lock|unlock|unlatch LOCK [--code | --code-file FILE]",
         "a lock's PIN state, lockout and pending auto-relock; or operate it",
         "lock status LOCK prints whether a PIN is configured, the wrong codes counted, attempts\n"
         "left, a running lockout and when the auto-relock and the 'left unlocked' alarm are due\n"
         "(all kept by hearthd across restarts). lock unlock|unlatch|lock LOCK operates it; --code\n"
         "asks for the PIN (echo off, or stdin when it is not a terminal), --code-file FILE reads it\n"
         "(- = stdin). The PIN is sent as a one-time challenge response, never in clear.",
         2,
         2,
         {"code", "code-file"},
         cmd_lock,
         check_lock_args},
        {"health",
         "health",
         "uptime, loop lag, MQTT queues, drivers and the database",
         "Prints hearthd's health: uptime, event-loop lag, devices online, the MQTT link (connected,\n"
         "queued, in flight, dropped, reconnects), one row per driver (plugin, status, calls,\n"
         "errors, last error) and the database (size, WAL, last backup).",
         0,
         0,
         {},
         cmd_health,
         nullptr},
        {"history",
         "history DEVICE PROPERTY [--since DURATION] [--limit N]",
         "recorded values of one property",
         "Prints the stored values of DEVICE's PROPERTY: local time (ISO-8601) and value, plus\n"
         "min, max and count for hourly downsampled rows. --since takes a duration such as 30m,\n"
         "24h, 7d or 1h30m (units s, m, h, d, w; default 24h). --limit caps the rows, oldest first\n(default 1000).",
         2,
         2,
         {"since", "limit"},
         cmd_history,
         check_history},
        {"energy",
         "energy [--device D] [--by hour|day|month] [--from YYYY-MM-DD] [--to YYYY-MM-DD]\n"
         "       hearthctl energy findings [--device D]",
         "consumption, cost and share per device, compared with the previous period; standby and anomalies",
         "Prints each device's consumption (kWh), cost, share of the total and the previous period of\n"
         "the same length with the change, then (unmeasured) when a whole-home meter is configured,\n"
         "the total, and a series by hour, day (default) or month. --from and --to are local dates;\n"
         "--to includes its day (default: this month until now). --device narrows the table and the\n"
         "series to one device. Costs use the tariffs of the main config (docs/energy.md).\n"
         "energy findings lists devices with a steady standby draw all night on most recent nights\n"
         "(with the yearly kWh and cost at that level) and hours in the last day in which a device\n"
         "used far more than usual for that hour of the week; --device narrows them to one device.\n"
         "The rules and their settings (energy.findings) are in docs/energy.md.",
         0,
         1,
         {"device", "by", "from", "to"},
         cmd_energy,
         check_energy},
        {"suggestions",
         "suggestions [--refresh]\n"
         "       hearthctl suggestions accept ID\n"
         "       hearthctl suggestions reject ID",
         "automations suggested from the household's routines; accept or reject one",
         "Lists the automations hearthd suggests from the activity of the last 60 days: actions done\n"
         "at about the same time on most days, and actions that follow another event on most\n"
         "occasions. Each says what it rests on (how many days or times, the confidence). --refresh\n"
         "mines the activity again first (otherwise the daily run's result is shown).\n"
         "accept ID writes the automation into the scenes directory as suggested-ID.json and\n"
         "reloads the rules; reject ID records the refusal, and it is not suggested again. Nothing is\n"
         "accepted automatically; unlocking, alarms and camera privacy are never suggested\n"
         "(docs/proactive.md).",
         0,
         2,
         {"refresh"},
         cmd_suggestions,
         check_suggestions},
        {"care",
         "care",
         "the care alert: last activity, the current threshold, whether it is alerting",
         "Prints the care monitor's status: whether it is enabled, the last activity and how long\n"
         "ago it was, the threshold of inactivity for this hour of the week (learned from the\n"
         "activity log, never below care.min_gap_min), and whether an alert is raised\n"
         "(docs/proactive.md, \"Care alert\").",
         0,
         0,
         {},
         cmd_care,
         nullptr},
        {"matter",
         "matter\n"
         "       hearthctl matter pairing\n"
         "       hearthctl matter fabrics [remove INDEX]",
         "the Matter bridge: status, pairing code and QR code, paired ecosystems",
         "Without a subcommand, prints the status hearth-matter keeps on the broker: online or\n"
         "offline, its Matter port, how many devices it bridges and which it leaves out and why.\n"
         "pairing prints the QR code (drawn in the terminal) and the manual pairing code to add\n"
         "Hearth's devices to Apple Home, Google Home, Alexa, SmartThings or Home Assistant; when the\n"
         "bridge is paired already it opens a new pairing window for one more ecosystem.\n"
         "fabrics lists the ecosystems (fabrics) it is paired with; fabrics remove INDEX unpairs one\n"
         "(docs/matter.md).",
         0,
         3,
         {},
         cmd_matter,
         check_matter},
        {"backup",
         "backup",
         "take an online database backup and print its path",
         "Asks hearthd for an online backup of its database now and prints the backup file's path.",
         0,
         0,
         {},
         cmd_backup,
         nullptr},
        {"rules",
         "rules",
         "list automations: id, name, enabled, last run, last result",
         "Lists the automation rules of the rules service (scenes are listed by 'scenes').",
         0,
         0,
         {},
         cmd_rules,
         nullptr},
        {"rule",
         "rule enable|disable|run RULE",
         "enable, disable or run one automation now",
         "enable/disable switch an automation on or off until the next reload; run executes its\n"
         "actions now, without waiting for a trigger.",
         2,
         2,
         {},
         cmd_rule,
         check_rule_args},
        {"scenes", "scenes", "list scenes", "Lists the scenes of the rules service.", 0, 0, {}, cmd_scenes, nullptr},
        {"scene",
         "scene activate SCENE",
         "activate a scene",
         "Applies every device change of SCENE.",
         2,
         2,
         {},
         cmd_scene,
         check_scene_args},
        {"trace",
         "trace RULE [--limit N]",
         "the recent runs of an automation, step by step",
         "Prints the last runs of RULE (default 5, at most --limit), newest first, step by step:\n"
         "run id, start time and result (running while it still acts or waits), the trigger, each\n"
         "condition with pass/FAIL, and each action with its result and error. RULE may also be a\n"
         "scene: its activations are traced the same way.",
         1,
         1,
         {"limit"},
         cmd_trace,
         check_trace},
        {"reload",
         "reload",
         "reload scene and automation files",
         "Asks hearthd to reload its scene and automation files. A file with an error is refused\n"
         "whole and the running rules stay; the error is printed and the exit status is 1.",
         0,
         0,
         {},
         cmd_reload,
         nullptr},
        {"discover",
         "discover [--seconds N] [--source tuya,z2m] [--z2m-base TOPIC] [--listen ADDR] [--tuya-ports P,P]",
         "find Tuya and Zigbee2MQTT devices and print the config to add them",
         "Listens --seconds (default 6, at most 300) for the UDP broadcasts Tuya devices send every\n"
         "few seconds (--tuya-ports, default 6666 plain and 6667 encrypted; --listen, default\n"
         "0.0.0.0) and reads the retained <z2m-base>/bridge/devices of a Zigbee2MQTT instance on\n"
         "the broker (--z2m-base, default zigbee2mqtt). Prints a table per source and the \"drivers\"\n"
         "entries to add to hearthd's config: one tuya entry per device (its local key is not\n"
         "broadcast: take it from the Tuya IoT platform) and one z2m entry for the instance.\n"
         "--source tuya needs no broker and no hearthd. --json prints the findings with the entries.",
         0,
         0,
         {"seconds", "source", "z2m-base", "listen", "tuya-ports"},
         cmd_discover,
         check_discover_args,
         false},
    };
    return table;
}

const command_info* find_command(const std::string& name) {
    for (const auto& c : commands()) {
        if (c.name == name) return &c;
    }
    return nullptr;
}

std::string general_help() {
    std::string out =
        "usage: hearthctl [global options] COMMAND [arguments]\n\n"
        "Command-line client of hearthd, the Hearth smart-home gateway. It talks to a running\n"
        "hearthd through the MQTT broker hearthd uses (found in hearthd's config file).\n\n"
        "commands:\n";
    std::size_t width = 0;
    for (const auto& c : commands()) width = std::max(width, c.name.size());
    for (const auto& c : commands()) {
        out += "  " + c.name + std::string(width - c.name.size() + 2, ' ') + c.summary + "\n";
    }
    out += "  help" + std::string(width - 4 + 2, ' ') + "this help, or \"hearthctl help COMMAND\"\n\n";
    out += global_options_text;
    out += "\n";
    out += exit_codes_text;
    out += "\nSee hearthctl(1) and docs/hearthctl.md for examples.\n";
    return out;
}

std::string command_help(const command_info& cmd) {
    std::string summary = cmd.summary;
    if (!summary.empty() && summary[0] >= 'a' && summary[0] <= 'z')
        summary[0] = static_cast<char>(summary[0] - 'a' + 'A');
    return "usage: hearthctl " + cmd.usage + "\n\n" + summary + ".\n\n" + cmd.details + "\n\n" + global_options_text +
           "\n" + exit_codes_text;
}

void validate_usage(const command_info& cmd, const parsed_args& args) {
    const std::size_t n = args.positional.size();
    if (n < cmd.min_positional || n > cmd.max_positional) {
        throw usage_error(std::string(n < cmd.min_positional ? "missing arguments" : "too many arguments") + " for '" +
                          cmd.name + "'\nusage: hearthctl " + cmd.usage);
    }
    static const std::vector<std::string> command_specific = {"since", "limit", "command", "code", "code-file"};
    for (const auto& [name, value] : args.options) {
        const bool specific =
            std::find(command_specific.begin(), command_specific.end(), name) != command_specific.end();
        if (specific && std::find(cmd.options.begin(), cmd.options.end(), name) == cmd.options.end()) {
            throw usage_error("option '--" + name + "' does not apply to '" + cmd.name + "'");
        }
    }
    if (cmd.check) cmd.check(args);
}

}  // namespace hearth::ctl
