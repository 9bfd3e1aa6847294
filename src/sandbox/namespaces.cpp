// The namespace layer of a driver worker (see namespaces.hpp).
#include "sandbox/namespaces.hpp"
#include "sandbox/errno_text.hpp"

#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hearth::sandbox {
namespace {

bool write_file(const char* path, const std::string& text) {
    const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return false;
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    return ok;
}

}  // namespace

bool drop_capabilities() {
    for (int cap = 0; cap <= 63; ++cap) {
        if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno == EINVAL) break;  // past CAP_LAST_CAP
    }
    ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    return ::syscall(SYS_capset, &header, data) == 0;
}

namespace_result enter_namespaces(bool private_network) {
    namespace_result r;
    const uid_t uid = ::geteuid();
    const gid_t gid = ::getegid();
    int flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS;
    if (private_network) flags |= CLONE_NEWNET;
    if (::unshare(flags) != 0) {
        r.error = std::string("unshare(user, mount, IPC, UTS") + (private_network ? ", net" : "") +
                  " namespaces): " + errno_text(errno);
        return r;
    }
    // Map only ourselves: inside, the worker keeps its uid/gid; nothing else exists.
    if (!write_file("/proc/self/setgroups", "deny") ||
        !write_file("/proc/self/gid_map", std::to_string(gid) + " " + std::to_string(gid) + " 1\n") ||
        !write_file("/proc/self/uid_map", std::to_string(uid) + " " + std::to_string(uid) + " 1\n")) {
        r.error = std::string("writing the user namespace maps: ") + errno_text(errno);
        return r;
    }
    // Best effort: the worker mounts nothing (it has no capability left, and seccomp refuses mount),
    // so propagation does not matter; a unit's syscall filter may refuse mount itself.
    (void)::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr);
    (void)::sethostname("hearth-driver", 13);
    if (!drop_capabilities()) {
        r.error = std::string("dropping capabilities: ") + errno_text(errno);
        return r;
    }
    r.ok = true;
    r.net = private_network;
    return r;
}

bool user_namespaces_available(std::string& why) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        // Async-signal-safe only: the caller may have threads.
        _exit(::unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS) == 0 ? 0 : 10 + (errno & 0x7f));
    }
    if (pid < 0) {
        why = std::string("fork: ") + errno_text(errno);
        return false;
    }
    int st = 0;
    while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) return true;
    why = WIFEXITED(st) && WEXITSTATUS(st) >= 10 ? std::string("unshare: ") + errno_text(WEXITSTATUS(st) - 10)
                                                 : std::string("probe child failed");
    return false;
}

}  // namespace hearth::sandbox
