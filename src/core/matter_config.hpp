// The `matter` config section: read by the hearth-matter bridge (bridges/matter, docs/matter.md),
// validated by hearthd so that --check-config names every mistake in it.
#pragma once

#include "core/located_error.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace hearth {

/// Settings of the Matter bridge. hearthd runs no part of the bridge: it checks the section.
struct matter_config {
    bool enabled = false;
    int port = 5540;                   ///< the bridge's Matter UDP port
    std::optional<int> passcode;       ///< setup PIN code; chosen at random on first start when absent
    std::optional<int> discriminator;  ///< 0-4095; chosen at random on first start when absent
    std::vector<std::string> include;  ///< only these devices (empty: every device)
    std::vector<std::string> exclude;  ///< never these devices
    std::string state_dir;             ///< fabrics and node data (absolute; default <database dir>/matter)
};

/// True for a setup passcode the Matter specification allows: 1..99999998 and none of the
/// trivial ones (00000000, 11111111, ..., 99999999, 12345678, 87654321).
bool is_valid_matter_passcode(long long passcode);

/// Reads a schema-checked `matter` section; relative `state_dir` resolves against `base_dir`,
/// absent against the database's folder. Adds located errors for what the schema cannot say
/// (a trivial passcode, a device both included and excluded).
matter_config parse_matter_config(const nlohmann::json& section, const std::string& file, const std::string& base_dir,
                                  const std::string& database_path, located_errors& errors);

/// The section without secrets (no passcode), for bridge/info.
nlohmann::json matter_summary(const matter_config& c);

}  // namespace hearth
