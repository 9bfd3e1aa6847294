// Probing and applying the driver sandbox layers (see sandbox.hpp).
#include "sandbox/sandbox.hpp"
#include "sandbox/errno_text.hpp"

#include "sandbox/landlock.hpp"
#include "sandbox/namespaces.hpp"
#include "sandbox/seccomp_filter.hpp"

#include <sys/prctl.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstring>

namespace hearth::sandbox {

using json = nlohmann::json;

mode parse_mode(const std::string& s) {
    if (s == "off") return mode::off;
    if (s == "required") return mode::required;
    return mode::automatic;
}

const char* mode_name(mode m) {
    switch (m) {
    case mode::off: return "off";
    case mode::required: return "required";
    case mode::automatic: break;
    }
    return "auto";
}

std::string kernel_support::summary() const {
    std::string s = std::string("user namespaces ") + (user_namespaces ? "yes" : "no (" + user_namespaces_error + ")");
    if (landlock_abi > 0) {
        s += ", Landlock ABI " + std::to_string(landlock_abi) + " (filesystem";
        if (landlock_abi >= 4) s += ", TCP ports";
        if (landlock_abi >= 6) s += ", signal and abstract-socket scoping";
        s += ")";
    } else {
        s += ", Landlock no";
    }
    s += std::string(", seccomp ") + (seccomp ? "yes" : "no") + ", no_new_privs yes";
    return s;
}

std::string kernel_support::missing() const {
    std::string m;
    auto add = [&](const std::string& x) { m += (m.empty() ? "" : ", ") + x; };
    if (!user_namespaces) add("namespaces (" + user_namespaces_error + ")");
    if (landlock_abi <= 0) add("Landlock");
    if (!seccomp) add("seccomp");
    return m;
}

kernel_support probe_kernel() {
    kernel_support k;
    k.user_namespaces = user_namespaces_available(k.user_namespaces_error);
    k.landlock_abi = landlock_abi();
    k.seccomp = seccomp_available();
    return k;
}

json layers::to_json() const {
    return {{"no_new_privs", no_new_privs},
            {"namespaces", namespaces},
            {"net_namespace", net_namespace},
            {"landlock", landlock},
            {"landlock_abi", landlock_abi},
            {"landlock_net", landlock_net},
            {"landlock_scope", landlock_scope},
            {"seccomp", seccomp},
            {"missing", missing}};
}

layers confine(const std::string& plugin_path, const grants& g, const std::set<std::string>& disabled) {
    layers l;
    // Nothing a worker could gain by exec'ing a setuid binary, and no core file with its secrets.
    l.no_new_privs = ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0;
    if (!l.no_new_privs) l.missing.push_back(std::string("no_new_privs: ") + errno_text(errno));
    const rlimit no_core{0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);

    if (disabled.count("namespaces") != 0) {
        l.missing.emplace_back("namespaces: disabled");
    } else {
        const auto ns = enter_namespaces(!g.network.any());
        l.namespaces = ns.ok;
        l.net_namespace = ns.ok && ns.net;
        if (!ns.ok) l.missing.push_back("namespaces: " + ns.error);
    }
    if (disabled.count("landlock") != 0) {
        l.missing.emplace_back("landlock: disabled");
    } else if (!l.no_new_privs) {
        l.missing.emplace_back("landlock: needs no_new_privs");
    } else {
        const auto ll = restrict_landlock(plugin_path, g);
        l.landlock = ll.ok;
        l.landlock_abi = ll.abi;
        l.landlock_net = ll.ok && ll.net;
        l.landlock_scope = ll.ok && ll.scoped;
        if (!ll.ok) l.missing.push_back("landlock: " + ll.error);
    }
    if (disabled.count("seccomp") != 0) {
        l.missing.emplace_back("seccomp: disabled");
    } else if (!l.no_new_privs) {
        l.missing.emplace_back("seccomp: needs no_new_privs");
    } else if (const std::string e = apply_seccomp(g); !e.empty()) {
        l.missing.push_back("seccomp: " + e);
    } else {
        l.seccomp = true;
    }
    return l;
}

std::string describe(const json& j) {
    if (!j.is_object()) return "none";
    std::string s;
    auto on = [&](const char* key) { return j.value(key, false); };
    if (on("namespaces"))
        s += std::string("namespaces(user,mount,ipc,uts") + (on("net_namespace") ? ",net" : "") + ") ";
    if (on("landlock")) {
        s += "landlock(abi " + std::to_string(j.value("landlock_abi", 0)) + (on("landlock_net") ? ",tcp" : "") +
             (on("landlock_scope") ? ",scope" : "") + ") ";
    }
    if (on("seccomp")) s += "seccomp ";
    if (on("no_new_privs")) s += "no_new_privs ";
    if (s.empty()) return "none";
    s.pop_back();
    return s;
}

}  // namespace hearth::sandbox
