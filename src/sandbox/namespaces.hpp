// Namespace layer of the driver sandbox: the worker moves itself into new user, mount, IPC and UTS
// namespaces (and a network namespace with nothing but a down loopback when its grants have no
// network), maps only its own uid/gid, makes every mount private, and then gives up every
// capability it had in the new user namespace.
#pragma once

#include <string>

namespace hearth::sandbox {

/// What enter_namespaces did.
struct namespace_result {
    bool ok = false;    ///< user + mount + IPC + UTS namespaces entered, capabilities dropped
    bool net = false;   ///< also a private network namespace
    std::string error;  ///< why not, when !ok
};

/// Enters the namespaces (see file comment). `private_network`: also CLONE_NEWNET.
/// Single-threaded callers only (unshare(CLONE_NEWUSER) refuses a threaded process).
namespace_result enter_namespaces(bool private_network);

/// Drops every capability (effective, permitted, inheritable, ambient, bounding set).
bool drop_capabilities();

/// Whether an unprivileged process may create a user namespace here; forks a short-lived child
/// that tries (async-signal-safe between fork and _exit). `why` gets the reason when not.
bool user_namespaces_available(std::string& why);

}  // namespace hearth::sandbox
