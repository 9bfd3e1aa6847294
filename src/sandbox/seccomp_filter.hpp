// seccomp layer of the driver sandbox (libseccomp): a deny-list filter that makes the syscalls a
// driver never needs fail with EPERM — ptrace and cross-process memory access, signals to any
// other process, mount and namespace changes, module loading, kexec, bpf, perf, keyrings,
// io_uring (which would bypass this filter) — and refuses sockets the grants do not name (no
// IPv4/IPv6 sockets without a network grant, no raw or packet sockets unless `raw`, no Unix
// socket connections to daemons). Foreign-architecture syscalls kill the process.
#pragma once

#include "sandbox/grants.hpp"

#include <string>

namespace hearth::sandbox {

/// True when the kernel supports seccomp filters.
bool seccomp_available();

/// Loads the filter into the calling process (requires PR_SET_NO_NEW_PRIVS); "" on success, else
/// the reason. Call last: the filter also forbids unshare and mount.
std::string apply_seccomp(const grants& g);

}  // namespace hearth::sandbox
