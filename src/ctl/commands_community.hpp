// hearthctl --community CONFIG ...: the duty desk's queries of hearth-community (docs/hearthctl.md,
// "Community"). Reads hearth-community's SQLite database named in its config (homes, alerts, a
// home's health), acknowledges alerts there, and sends requests to hubs through the cluster as
// the service user, then waits for the response that hearth-community stores.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace hearth::ctl {

/// Runs `hearthctl --community CONFIG <command> ...` (`args` starts after "--community"):
/// homes | alerts [HOME] | health HOME | ack ALERT [--by NAME] | diagnostics HOME [--timeout S]
/// | request HOME NAME [ARGS_JSON] [--timeout S]; --json prints JSON. Returns the exit code
/// (0 ok, 1 not found / refused / error response, 2 usage, 3 no broker, 4 no response in time).
int run_community_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

/// The help text of the --community commands.
std::string community_help();

}  // namespace hearth::ctl
