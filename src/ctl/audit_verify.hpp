// `hearthctl audit verify`: checks the audit log's hash chain and checkpoints offline, straight
// from the database file (read-only; works while hearthd is stopped or not trusted).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace hearth::ctl {

/// Runs `audit verify [--db PATH] [--config FILE] [--checkpoints PATH]` (`args` after "audit").
/// Prints the result; returns 0 when the chain is intact, 1 at the first break, 2 on usage or I/O
/// errors.
int run_audit_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace hearth::ctl
