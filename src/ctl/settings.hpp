// Where hearthctl connects: hearthd's config file (the same hearth::load_config the daemon uses)
// for the broker URL, base topic, credentials and TLS, overridden by --url/--port/--base/--timeout.
// A missing default config means built-in defaults; an unreadable one too, with a warning that
// says how to point elsewhere; a config that does not validate (for example
// an unreadable password_file when run as a normal user) is reported as warnings and its "mqtt"
// section is used as written. The daemon's client_id is never used: hearthctl has its own, so it
// cannot disconnect hearthd.
#pragma once

#include "ctl/cli_args.hpp"
#include "ctl/ctl_client.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <iosfwd>
#include <string>

namespace hearth::ctl {

/// The config file read when --config is not given.
inline constexpr const char* default_config_path = "/etc/hearth/hearth.json";

/// Builds the connection settings from the config file and the options in `args`; warnings go
/// to `warn`. Throws usage_error for bad option values or an explicit --config that cannot be
/// used. A default config (`default_path`, used without --config) that is missing means the
/// built-in defaults; one that exists but cannot be read (permissions) also means the defaults,
/// with a warning that says so and how to point elsewhere (unless --url/--port was given).
client_settings make_settings(const parsed_args& args, std::ostream& warn,
                              const std::string& default_path = default_config_path);

/// Settings from a raw "mqtt" config section (the fallback when the config does not validate);
/// relative file paths are resolved against `base_dir`. Unknown or mistyped keys are ignored.
client_settings settings_from_mqtt_json(const nlohmann::json& mqtt, const std::filesystem::path& base_dir);

/// Parses --timeout: seconds, decimals allowed, > 0 and <= 3600. nullopt otherwise.
std::optional<std::chrono::milliseconds> parse_timeout(const std::string& text);

}  // namespace hearth::ctl
