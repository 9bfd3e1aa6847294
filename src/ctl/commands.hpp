// hearthctl's commands: the table of every command (name, usage, one-line summary, details, which
// positionals and options it takes) that drives dispatch and --help, and one function per command.
// A command gets the parsed command line, a connected ctl_client and the output streams, and
// returns the process exit code; daemon errors, timeouts and broker failures are thrown as
// ctl_failure and turned into exit codes by main().
#pragma once

#include "ctl/cli_args.hpp"
#include "ctl/ctl_client.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace hearth::ctl {

/// What a command runs with.
struct context {
    const parsed_args& args;
    ctl_client& client;
    std::ostream& out;
    std::ostream& err;
    bool json_output = false;  ///< --json: print the response's data as JSON
    bool color = false;        ///< stdout is a TTY
};

/// One command of hearthctl.
struct command_info {
    std::string name;
    std::string usage;    ///< after "hearthctl "
    std::string summary;  ///< one line for the command list
    std::string details;  ///< paragraphs for "hearthctl <command> --help"
    std::size_t min_positional = 0;
    std::size_t max_positional = 0;    ///< SIZE_MAX: unbounded
    std::vector<std::string> options;  ///< command-specific options it accepts
    std::function<int(context&)> run;
    /// Checks the arguments before anything connects (throws usage_error); may be empty.
    std::function<void(const parsed_args&)> check;
    /// False for a command that connects to the broker itself only when it needs it (discover).
    bool needs_broker = true;
};

/// A /set payload built from the command line, and how to describe it in the "ok" line.
struct set_request {
    nlohmann::json payload;  ///< without "transaction" (ctl_client adds it)
    std::string description;
};

/// The payload of `set DEVICE ...`: PROP=VALUE pairs, or --command NAME with PARAM=VALUE
/// parameters (a code is added by cmd_set as a challenge response). Throws usage_error (nothing
/// to set, reserved names, a pair without '='). Values are JSON when they parse as JSON, else strings.
set_request build_set_request(const parsed_args& args);

/// The CLI text of a value converted to the type `spec` declares (a property or command
/// parameter spec of docs/device-model.md): `string`/`enum` keep the text as typed (areas=16 is
/// the string "16"; a quoted JSON string is unquoted), `int`/`number` parse it as a number,
/// `bool` takes true/false/on/off/yes/no/1/0. Anything else, or a spec that is not an object:
/// the generic parse_value(). nullopt with `why` set when the text does not fit the type.
std::optional<nlohmann::json> coerce_value(const nlohmann::json& spec, const std::string& text, std::string& why);

/// Re-types the values of `request` (built by build_set_request from `args`) with the specs of
/// `descriptor` (a `devices` entry): properties for PROP=VALUE, the command's parameters for
/// --command. Names the descriptor does not know keep their generic value (hearthd refuses them
/// with its own error). Throws usage_error when a value does not fit its declared type.
void coerce_set_request(set_request& request, const parsed_args& args, const nlohmann::json& descriptor);

/// The first positional as a device id; throws usage_error unless it is [a-z0-9_-]{1,64}.
std::string device_arg(const parsed_args& args);

/// --limit as a positive count (at most `max`), `fallback` when absent; throws usage_error.
long long limit_arg(const parsed_args& args, long long fallback, long long max);

/// Checks `rule enable|disable|run RULE`; throws usage_error.
void check_rule_args(const parsed_args& args);

/// Checks `scene activate SCENE`; throws usage_error.
void check_scene_args(const parsed_args& args);

/// --since as a duration (default 24h); throws usage_error.
std::chrono::milliseconds since_arg(const parsed_args& args);

/// Every command, in the order --help lists them.
const std::vector<command_info>& commands();

/// The command called `name`, or nullptr.
const command_info* find_command(const std::string& name);

/// Options every command accepts (besides its own).
const std::vector<option_spec>& all_option_specs();

/// The global help text (hearthctl --help).
std::string general_help();

/// The help text of one command (hearthctl <command> --help).
std::string command_help(const command_info& cmd);

/// Checks positional count and options of `args` against `cmd`; throws usage_error.
void validate_usage(const command_info& cmd, const parsed_args& args);

/// Sends request `name` and returns its data; a {"status":"error"} answer throws
/// ctl_failure(exit_daemon_error) with the daemon's error text.
nlohmann::json call(context& ctx, const std::string& name, nlohmann::json args = nlohmann::json::object());

/// Throws ctl_failure(exit_daemon_error) when `response` is not {"status":"ok"}; returns its data.
nlohmann::json data_of(const nlohmann::json& response);

/// Prints `data` as JSON (the --json output).
void print_json(context& ctx, const nlohmann::json& data);

/// `item[key]` as an integer (numbers only; 0 when absent, null or not a number).
std::int64_t int_field(const nlohmann::json& item, const char* key);

/// `item[key]` as a bool (false when absent or not a bool).
bool bool_field(const nlohmann::json& item, const char* key);

/// The wall clock in ms since the epoch.
std::int64_t now_ms();

/// The PIN given with --code (prompted with echo off, or read from stdin when it is not a
/// terminal) or --code-file FILE ("-" = stdin); nullopt when neither. Never from argv.
std::optional<std::string> read_code(const parsed_args& args);

/// Asks hearthd for a lock challenge and returns the response to send as "code" (the PIN never
/// leaves this process). Throws ctl_failure with hearthd's error.
std::string challenge_code(ctl_client& client, const std::string& device, const std::string& operation,
                           const std::string& pin);

/// Checks `lock status|lock|unlock|unlatch LOCK`; throws usage_error.
void check_lock_args(const parsed_args& args);

/// Checks `discover`'s options (--seconds, --source, --z2m-base, --listen, --tuya-ports);
/// throws usage_error.
void check_discover_args(const parsed_args& args);

// Commands (commands.cpp: devices; commands_service.cpp: service requests; commands_lock.cpp;
// discover_listen.cpp).
int cmd_discover(context& ctx);
int cmd_lock(context& ctx);
int cmd_devices(context& ctx);
int cmd_state(context& ctx);
int cmd_set(context& ctx);
int cmd_commands(context& ctx);
int cmd_rename(context& ctx);
int cmd_remove(context& ctx);
int cmd_health(context& ctx);
int cmd_history(context& ctx);
int cmd_energy(context& ctx);
/// `suggestions` (list, --refresh mines again), `suggestions accept ID`, `suggestions reject ID`.
int cmd_suggestions(context& ctx);
/// Checks the `suggestions` positionals (throws usage_error).
void check_suggestions(const parsed_args& args);
/// `care`: the care monitor's status.
int cmd_care(context& ctx);
/// `matter` (the bridge's retained status), `matter pairing`, `matter fabrics [remove INDEX]`:
/// asks hearth-matter on <base>/bridge/matter/... (docs/matter.md).
int cmd_matter(context& ctx);
/// Checks the `matter` positionals (throws usage_error).
void check_matter(const parsed_args& args);
/// The human-readable <base>/bridge/matter/state: online or offline, port, devices, fabrics,
/// devices not bridged and why.
void render_matter_state(const nlohmann::json& state, std::ostream& out);
/// The pairing answer: the QR code as text, the manual code and the QR payload.
void render_matter_pairing(const nlohmann::json& pairing, std::ostream& out);
/// The fabrics answer as a table (index, label, vendor, fabric id).
void render_matter_fabrics(const nlohmann::json& data, std::ostream& out, bool color);
/// The human-readable `suggestions` answer: when and on what it was mined, a table of the
/// suggestions (id, kind, confidence, sentence) and how to accept or reject one.
void render_suggestions(const nlohmann::json& data, std::ostream& out, bool color);
/// The human-readable `care/status` answer: enabled and alerting, the last activity, the
/// threshold at this hour of the week and what the model rests on.
void render_care(const nlohmann::json& data, std::ostream& out);

/// A local date YYYY-MM-DD as ms since the epoch: its midnight, or with `end_of_day` the next
/// midnight (so --to includes the day). nullopt for anything else or a date that does not exist.
std::optional<std::int64_t> parse_local_date(const std::string& text, bool end_of_day);
/// The `energy` request arguments from --device, --by, --from, --to; for `energy findings` the
/// `energy_findings` arguments (--device only). Throws usage_error.
nlohmann::json energy_request_args(const parsed_args& args);
/// True for `energy findings`; throws usage_error for another word after `energy`.
bool is_findings(const parsed_args& args);
/// The `energy_findings` answer: the standby table and the anomalies table, with the rules.
void render_findings(const nlohmann::json& data, std::ostream& out, bool color);
/// The human-readable `energy` answer: a device table (with unmeasured and total rows) and the series.
void render_energy(const nlohmann::json& data, std::ostream& out, bool color);
int cmd_backup(context& ctx);
int cmd_rules(context& ctx);
int cmd_scenes(context& ctx);
int cmd_rule(context& ctx);
int cmd_scene(context& ctx);
int cmd_trace(context& ctx);
int cmd_reload(context& ctx);

}  // namespace hearth::ctl
