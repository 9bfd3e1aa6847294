// Landlock ruleset of a driver worker (see landlock.hpp). The kernel interface is declared here
// rather than taken from <linux/landlock.h>: Debian bookworm's headers (Linux 6.1) lack the network
// rules (ABI 4, Linux 6.7), IOCTL_DEV (ABI 5) and scoping (ABI 6, Linux 6.12). Values and layouts
// are the kernel's UAPI, which is stable.
#include "sandbox/landlock.hpp"
#include "sandbox/errno_text.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace hearth::sandbox {
namespace {

// --- UAPI (include/uapi/linux/landlock.h) -------------------------------------------------------
constexpr unsigned create_ruleset_version = 1U << 0;
constexpr int rule_path_beneath = 1;
constexpr int rule_net_port = 2;  // ABI 4

constexpr std::uint64_t fs_execute = 1ULL << 0;
constexpr std::uint64_t fs_write_file = 1ULL << 1;
constexpr std::uint64_t fs_read_file = 1ULL << 2;
constexpr std::uint64_t fs_read_dir = 1ULL << 3;
constexpr std::uint64_t fs_refer = 1ULL << 13;      // ABI 2
constexpr std::uint64_t fs_truncate = 1ULL << 14;   // ABI 3
constexpr std::uint64_t fs_ioctl_dev = 1ULL << 15;  // ABI 5
constexpr std::uint64_t fs_abi1_all = (1ULL << 13) - 1;

constexpr std::uint64_t net_bind_tcp = 1ULL << 0;     // ABI 4
constexpr std::uint64_t net_connect_tcp = 1ULL << 1;  // ABI 4

constexpr std::uint64_t scope_abstract_unix = 1ULL << 0;  // ABI 6
constexpr std::uint64_t scope_signal = 1ULL << 1;         // ABI 6

struct ruleset_attr {
    std::uint64_t handled_access_fs;
    std::uint64_t handled_access_net;  // ABI 4
    std::uint64_t scoped;              // ABI 6
};
struct __attribute__((packed)) path_beneath_attr {
    std::uint64_t allowed_access;
    std::int32_t parent_fd;
};
struct net_port_attr {
    std::uint64_t allowed_access;
    std::uint64_t port;
};

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif

int create_ruleset(const ruleset_attr* attr, std::size_t size, unsigned flags) {
    return static_cast<int>(::syscall(SYS_landlock_create_ruleset, attr, size, flags));
}
int add_rule(int fd, int type, const void* attr) {
    return static_cast<int>(::syscall(SYS_landlock_add_rule, fd, type, attr, 0));
}
int restrict_self(int fd) { return static_cast<int>(::syscall(SYS_landlock_restrict_self, fd, 0)); }

constexpr std::uint64_t file_rights(std::uint64_t rights) {
    return rights & (fs_execute | fs_write_file | fs_read_file | fs_truncate | fs_ioctl_dev);
}

/// Adds a path rule; a path that does not exist is skipped (returns true), other errors false.
bool allow_path(int ruleset, const std::string& path, std::uint64_t rights, std::uint64_t handled, std::string& error) {
    const int fd = ::open(path.c_str(), O_PATH | O_CLOEXEC);
    if (fd < 0) return errno == ENOENT || errno == ENOTDIR || errno == EACCES;
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        ::close(fd);
        return true;
    }
    path_beneath_attr attr{};
    attr.allowed_access = (S_ISDIR(st.st_mode) ? rights : file_rights(rights)) & handled;
    attr.parent_fd = fd;
    const int rc = attr.allowed_access == 0 ? 0 : add_rule(ruleset, rule_path_beneath, &attr);
    const int saved = errno;
    ::close(fd);
    if (rc != 0) {
        error = "landlock_add_rule(" + path + "): " + errno_text(saved);
        return false;
    }
    return true;
}

bool allow_port(int ruleset, std::uint64_t right, std::uint16_t port, std::string& error) {
    net_port_attr attr{right, port};
    if (add_rule(ruleset, rule_net_port, &attr) != 0) {
        error = "landlock_add_rule(port " + std::to_string(port) + "): " + errno_text(errno);
        return false;
    }
    return true;
}

// System libraries and the few files the C/C++ runtime reads; never a secret.
constexpr const char* library_dirs[] = {"/lib",           "/lib64",           "/usr/lib",       "/usr/lib64",
                                        "/usr/local/lib", "/etc/ld.so.cache", "/etc/localtime", "/usr/share/zoneinfo"};
// Name resolution, only for drivers with network grants.
constexpr const char* resolver_files[] = {"/etc/hosts",     "/etc/resolv.conf", "/etc/nsswitch.conf", "/etc/gai.conf",
                                          "/etc/host.conf", "/etc/services",    "/etc/protocols"};

}  // namespace

int landlock_abi() {
    const int abi = create_ruleset(nullptr, 0, create_ruleset_version);
    return abi < 0 ? 0 : abi;
}

landlock_result restrict_landlock(const std::string& plugin_path, const grants& g) {
    landlock_result r;
    r.abi = landlock_abi();
    if (r.abi <= 0) {
        r.error = "Landlock is not available on this kernel (landlock_create_ruleset: " + errno_text(errno) + ")";
        return r;
    }
    std::uint64_t fs = fs_abi1_all;
    if (r.abi >= 2) fs |= fs_refer;
    if (r.abi >= 3) fs |= fs_truncate;
    if (r.abi >= 5) fs |= fs_ioctl_dev;
    ruleset_attr attr{fs, 0, 0};
    std::size_t size = sizeof attr.handled_access_fs;
    if (r.abi >= 4) {
        // Connect rules only when the driver has a port list: Landlock allows by port, it cannot
        // say "any port but these". Without a TCP grant, both are handled and nothing is allowed.
        const auto& n = g.network;
        if (!n.tcp_client || n.tcp_ports) attr.handled_access_net |= net_connect_tcp;
        if (!n.tcp_server || n.listen_ports) attr.handled_access_net |= net_bind_tcp;
        size = offsetof(ruleset_attr, scoped);
    }
    if (r.abi >= 6) {
        attr.scoped = scope_abstract_unix | scope_signal;
        size = sizeof attr;
    }
    const int ruleset = create_ruleset(&attr, size, 0);
    if (ruleset < 0) {
        r.error = std::string("landlock_create_ruleset: ") + errno_text(errno);
        return r;
    }
    const std::uint64_t read = fs_read_file | fs_read_dir | fs_execute;
    const std::uint64_t read_write = fs;  // every handled right beneath a write path
    bool ok = allow_path(ruleset, plugin_path, fs_read_file | fs_execute, fs, r.error);
    for (const char* p : library_dirs) ok = ok && allow_path(ruleset, p, read, fs, r.error);
    ok = ok && allow_path(ruleset, "/dev/null", fs_read_file | fs_write_file | fs_truncate, fs, r.error);
    ok = ok && allow_path(ruleset, "/dev/urandom", fs_read_file, fs, r.error);
    ok = ok && allow_path(ruleset, "/dev/random", fs_read_file, fs, r.error);
    // Its own /proc entry only (sanitizers and some runtimes read /proc/self/maps); resolved now,
    // so it is this process's directory, never another's.
    ok = ok && allow_path(ruleset, "/proc/self", fs_read_file | fs_read_dir, fs, r.error);
    if (g.network.any()) {
        for (const char* p : resolver_files) ok = ok && allow_path(ruleset, p, fs_read_file, fs, r.error);
    }
    for (const auto& d : g.devices) {
        ok = ok && allow_path(ruleset, d, fs_read_file | fs_write_file | fs_ioctl_dev, fs, r.error);
    }
    const std::string plugin_dir = plugin_path.substr(0, plugin_path.rfind('/') + 1);
    for (const auto& p : g.read_paths) {
        ok = ok && allow_path(ruleset, p[0] == '/' ? p : plugin_dir + p, read, fs, r.error);
    }
    for (const auto& p : g.write_paths) ok = ok && allow_path(ruleset, p, read_write, fs, r.error);
    if (ok && (attr.handled_access_net & net_connect_tcp) != 0 && g.network.tcp_client && g.network.tcp_ports) {
        for (auto port : *g.network.tcp_ports) ok = ok && allow_port(ruleset, net_connect_tcp, port, r.error);
    }
    if (ok && (attr.handled_access_net & net_bind_tcp) != 0 && g.network.tcp_server && g.network.listen_ports) {
        for (auto port : *g.network.listen_ports) ok = ok && allow_port(ruleset, net_bind_tcp, port, r.error);
    }
    if (ok && restrict_self(ruleset) != 0) {
        r.error = std::string("landlock_restrict_self: ") + errno_text(errno);
        ok = false;
    }
    ::close(ruleset);
    if (!ok) return r;
    r.ok = true;
    r.net = attr.handled_access_net != 0;
    r.scoped = attr.scoped != 0;
    return r;
}

}  // namespace hearth::sandbox
