// The driver sandbox: confinement a worker applies to itself after exec and before it loads its
// plugin (docs/security.md). Layers, in order: PR_SET_NO_NEW_PRIVS and RLIMIT_CORE=0; namespaces
// (user, mount, IPC, UTS, + network when nothing network is granted; namespaces.hpp); Landlock
// (landlock.hpp); seccomp (seccomp_filter.hpp). Each is probed; `mode` decides whether a missing
// one is logged (auto) or refuses the driver (required).
#pragma once

#include "sandbox/grants.hpp"

#include <nlohmann/json.hpp>

#include <set>
#include <string>
#include <vector>

namespace hearth::sandbox {

enum class mode { off, automatic, required };

/// "off" | "auto" | "required" -> mode; anything else -> automatic.
mode parse_mode(const std::string& s);
const char* mode_name(mode m);

/// What the running kernel offers, probed once by hearthd at start (and logged).
struct kernel_support {
    bool user_namespaces = false;
    std::string user_namespaces_error;
    int landlock_abi = 0;
    bool seccomp = false;

    /// One line for the log, e.g. "user namespaces yes, Landlock ABI 7 (fs, tcp, scoping), seccomp yes".
    [[nodiscard]] std::string summary() const;
    /// The layers that are missing ("" when none): what `required` refuses on.
    [[nodiscard]] std::string missing() const;
};

/// Probes the kernel (forks a child once for the user-namespace test).
kernel_support probe_kernel();

/// The layers a worker ended up with.
struct layers {
    bool no_new_privs = false;
    bool namespaces = false;  ///< user + mount + IPC + UTS
    bool net_namespace = false;
    int landlock_abi = 0;
    bool landlock = false;
    bool landlock_net = false;
    bool landlock_scope = false;
    bool seccomp = false;
    std::vector<std::string> missing;  ///< "layer: reason", one per layer that could not be applied

    [[nodiscard]] nlohmann::json to_json() const;
};

/// Confines the calling (single-threaded) process. `disabled` names layers to skip as if the
/// kernel lacked them ("namespaces", "landlock", "seccomp"; tests of `required`).
layers confine(const std::string& plugin_path, const grants& g, const std::set<std::string>& disabled);

/// One line naming the active layers, for logs ("namespaces(user,mount,ipc,uts,net) landlock(abi 7, net, scope) ...").
std::string describe(const nlohmann::json& layers_json);

}  // namespace hearth::sandbox
