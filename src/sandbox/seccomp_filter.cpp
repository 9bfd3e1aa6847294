// The seccomp filter of a driver worker (see seccomp_filter.hpp).
#include "sandbox/seccomp_filter.hpp"
#include "sandbox/errno_text.hpp"

#include <seccomp.h>

#include <linux/sched.h>
#include <sys/prctl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <linux/seccomp.h>

namespace hearth::sandbox {
namespace {

// Never needed by a driver; each fails with EPERM.
constexpr const char* denied_calls[] = {"ptrace",
                                        "process_vm_readv",
                                        "process_vm_writev",
                                        "pidfd_open",
                                        "pidfd_getfd",
                                        "pidfd_send_signal",
                                        "kcmp",
                                        "tkill",
                                        "mount",
                                        "umount2",
                                        "pivot_root",
                                        "chroot",
                                        "move_mount",
                                        "open_tree",
                                        "fsopen",
                                        "fsconfig",
                                        "fsmount",
                                        "fspick",
                                        "mount_setattr",
                                        "unshare",
                                        "setns",
                                        "init_module",
                                        "finit_module",
                                        "delete_module",
                                        "kexec_load",
                                        "kexec_file_load",
                                        "reboot",
                                        "swapon",
                                        "swapoff",
                                        "bpf",
                                        "perf_event_open",
                                        "keyctl",
                                        "add_key",
                                        "request_key",
                                        "io_uring_setup",
                                        "io_uring_enter",
                                        "io_uring_register",
                                        "userfaultfd",
                                        "acct",
                                        "quotactl",
                                        "open_by_handle_at",
                                        "name_to_handle_at",
                                        "syslog",
                                        "vhangup",
                                        "iopl",
                                        "ioperm",
                                        "settimeofday",
                                        "clock_settime",
                                        "adjtimex",
                                        "clock_adjtime",
                                        "sethostname",
                                        "setdomainname",
                                        "lookup_dcookie",
                                        "fanotify_init",
                                        "landlock_create_ruleset",
                                        "landlock_add_rule",
                                        "landlock_restrict_self"};

constexpr unsigned long namespace_flags[] = {CLONE_NEWNS,  CLONE_NEWUSER, CLONE_NEWPID,   CLONE_NEWNET,
                                             CLONE_NEWIPC, CLONE_NEWUTS,  CLONE_NEWCGROUP};

struct filter {
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    ~filter() {
        if (ctx != nullptr) seccomp_release(ctx);
    }
};

}  // namespace

bool seccomp_available() {
    // PR_GET_SECCOMP answers 0 (no filter yet) or 2 (already filtered) when seccomp is built in.
    return ::prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0;
}

std::string apply_seccomp(const grants& g) {
    filter f;
    if (f.ctx == nullptr) return "seccomp_init failed";
    const auto deny = SCMP_ACT_ERRNO(EPERM);
    int rc = 0;
    auto add = [&](int action, int call, unsigned n, const scmp_arg_cmp* args) {
        if (rc == 0 && call >= 0) rc = seccomp_rule_add_array(f.ctx, action, call, n, args);
    };
    for (const char* name : denied_calls) add(deny, seccomp_syscall_resolve_name(name), 0, nullptr);

    // Signals: only to itself (the worker is its own session and process group: setsid before exec).
    const auto self = static_cast<scmp_datum_t>(::getpid());
    const scmp_arg_cmp not_self[] = {SCMP_A0(SCMP_CMP_NE, self)};
    add(deny, SCMP_SYS(kill), 1, not_self);
    add(deny, SCMP_SYS(tgkill), 1, not_self);
    add(deny, SCMP_SYS(rt_sigqueueinfo), 1, not_self);
    add(deny, SCMP_SYS(rt_tgsigqueueinfo), 1, not_self);

    // No new namespaces (and so no capabilities in a fresh user namespace). clone3 passes its
    // flags in memory a filter cannot read: ENOSYS makes glibc fall back to clone.
    for (unsigned long flag : namespace_flags) {
        const scmp_arg_cmp has_flag[] = {SCMP_A0(SCMP_CMP_MASKED_EQ, flag, flag)};
        add(deny, SCMP_SYS(clone), 1, has_flag);
    }
    add(SCMP_ACT_ERRNO(ENOSYS), seccomp_syscall_resolve_name("clone3"), 0, nullptr);

    // Sockets: by family and type, as granted. socketpair stays allowed (in-process plumbing).
    const auto& n = g.network;
    auto deny_socket = [&](int family) {
        const scmp_arg_cmp a[] = {SCMP_A0(SCMP_CMP_EQ, static_cast<scmp_datum_t>(family))};
        add(deny, SCMP_SYS(socket), 1, a);
    };
    auto deny_socket_type = [&](int family, int type) {
        const scmp_arg_cmp a[] = {SCMP_A0(SCMP_CMP_EQ, static_cast<scmp_datum_t>(family)),
                                  SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, static_cast<scmp_datum_t>(type))};
        add(deny, SCMP_SYS(socket), 2, a);
    };
    deny_socket(AF_UNIX);  // connecting to a daemon's socket is not a driver's business
    if (!n.raw) deny_socket(AF_PACKET);
    if (!n.broadcast) {
        const scmp_arg_cmp so_broadcast[] = {SCMP_A1(SCMP_CMP_EQ, SOL_SOCKET), SCMP_A2(SCMP_CMP_EQ, SO_BROADCAST)};
        add(deny, SCMP_SYS(setsockopt), 2, so_broadcast);
        const scmp_arg_cmp join[] = {SCMP_A1(SCMP_CMP_EQ, IPPROTO_IP), SCMP_A2(SCMP_CMP_EQ, IP_ADD_MEMBERSHIP)};
        add(deny, SCMP_SYS(setsockopt), 2, join);
    }
    if (!n.any()) {
        deny_socket(AF_INET);
        deny_socket(AF_INET6);
        deny_socket(AF_NETLINK);
    } else {
        for (int family : {AF_INET, AF_INET6}) {
            if (!n.tcp_client && !n.tcp_server) deny_socket_type(family, SOCK_STREAM);
            if (!n.udp && !n.broadcast) deny_socket_type(family, SOCK_DGRAM);
            if (!n.raw) deny_socket_type(family, SOCK_RAW);
        }
        // Routing netlink (getaddrinfo's AI_ADDRCONFIG) only; no other netlink family.
        const scmp_arg_cmp other_netlink[] = {SCMP_A0(SCMP_CMP_EQ, static_cast<scmp_datum_t>(AF_NETLINK)),
                                              SCMP_A2(SCMP_CMP_NE, 0)};
        add(deny, SCMP_SYS(socket), 2, other_netlink);
    }
    if (rc != 0) return std::string("seccomp rule: ") + errno_text(-rc);
    rc = seccomp_load(f.ctx);
    if (rc != 0) return std::string("seccomp_load: ") + errno_text(-rc);
    return "";
}

}  // namespace hearth::sandbox
