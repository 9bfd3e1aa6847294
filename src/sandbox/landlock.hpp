// Landlock layer of the driver sandbox: a ruleset that leaves the worker read-only access to the
// plugin file and the system libraries, plus what its grants name (devices, extra paths, TCP
// ports where the kernel's Landlock ABI has network rules, ABI >= 4), and scopes signals and
// abstract Unix sockets to the worker's own domain (ABI >= 6). Everything else on the filesystem
// — hearthd's config, database, backups, logs, /proc of other processes — is refused with EACCES.
#pragma once

#include "sandbox/grants.hpp"

#include <string>

namespace hearth::sandbox {

/// The Landlock ABI version of the running kernel; 0 when Landlock is unavailable (not built,
/// disabled at boot, or blocked by a seccomp filter around us).
int landlock_abi();

/// What restrict_landlock applied.
struct landlock_result {
    bool ok = false;      ///< the ruleset is enforced on this process
    int abi = 0;          ///< the ABI it was built for
    bool net = false;     ///< TCP bind/connect rules are enforced (ABI >= 4)
    bool scoped = false;  ///< signals + abstract Unix sockets are scoped (ABI >= 6)
    std::string error;    ///< why not, when !ok
};

/// Builds and enforces the ruleset on the calling thread's process (call before any other
/// thread exists: Landlock applies to the calling thread and its future children).
/// Requires PR_SET_NO_NEW_PRIVS. `plugin_path` is the plugin file.
landlock_result restrict_landlock(const std::string& plugin_path, const grants& g);

}  // namespace hearth::sandbox
