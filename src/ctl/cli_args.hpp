// hearthctl's command-line parsing: a small hand-written parser (subcommand, positionals,
// --options with or without values, "--name=value", "--" ends options) plus the value helpers the
// commands share: JSON-or-string values, "property=value" assignments, durations ("24h", "7d",
// "1h30m"). Pure functions without I/O, so all of it is unit-tested (tests/unit/ctl).
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace hearth::ctl {

/// A command line that cannot be accepted; main() prints it and exits with code 2.
class usage_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// One accepted option: `--name VALUE` when `takes_value`, else a flag `--name`.
struct option_spec {
    std::string name;  ///< without the leading "--"
    bool takes_value = false;
};

/// The result of parse_args().
struct parsed_args {
    std::string command;                         ///< first positional ("" when none)
    std::vector<std::string> positional;         ///< positionals after the command, in order
    std::map<std::string, std::string> options;  ///< valued options; the last occurrence wins
    std::set<std::string> flags;                 ///< flags given

    [[nodiscard]] bool has(const std::string& flag) const { return flags.count(flag) != 0; }
    /// The value of option `name`, or nullopt when it was not given.
    [[nodiscard]] std::optional<std::string> option(const std::string& name) const;
};

/// Parses `args` (without argv[0]). Options may appear anywhere; "-h" is "--help"; a token that
/// starts with '-' followed by a digit (e.g. "-5") is a positional; "--" makes every later token a
/// positional. Throws usage_error for an unknown option, a missing value, or a value given to a
/// flag ("--json=1").
parsed_args parse_args(const std::vector<std::string>& args, const std::vector<option_spec>& specs);

/// A command-line value as JSON: valid JSON text (true, 42, 2.5, "x", null, [..], {..}) is taken as
/// JSON, anything else (ON, living room) as a string.
nlohmann::json parse_value(const std::string& text);

/// Splits "name=value" into the name and parse_value(value). Throws usage_error when there is no
/// '=' or the name is empty.
std::pair<std::string, nlohmann::json> parse_assignment(const std::string& text);

/// Parses a duration: one or more <positive integer><unit> with units s, m, h, d, w (e.g. "30m",
/// "24h", "7d", "1h30m"). nullopt for anything else, zero, or an overflow.
std::optional<std::chrono::milliseconds> parse_duration(const std::string& text);

/// Parses a non-negative decimal integer that fits in `max`; nullopt otherwise.
std::optional<long long> parse_count(const std::string& text, long long max);

/// True for a valid device, rule or scene id: [a-z0-9_-]{1,64} (it becomes a topic level).
bool is_valid_id(const std::string& id);

}  // namespace hearth::ctl
