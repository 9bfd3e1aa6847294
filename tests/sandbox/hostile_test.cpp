// Hostile-driver suite (issue 25): a driver tries each attack against the process hosting the
// gateway (this test binary stands for hearthd: it holds the "database" open, owns the config
// file with secrets, listens on the "broker" and "lock bridge" ports and a daemon's Unix socket).
//
// The same attacks run under four sandbox settings, so the suite proves both that each attack is
// real (it succeeds with the sandbox off) and which layer stops it (it succeeds again, or fails
// differently, once that layer alone is taken away): full (the default), full minus seccomp, full
// minus Landlock, and off. The matrix is printed; the assertions are on the default config.
#include "iso_harness.hpp"
#include "sandbox/landlock.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

/// A listening socket on a free port (127.0.0.1) or a Unix path; closed at scope exit.
struct listener {
    int fd = -1;
    int port = 0;
    explicit listener(const std::string& unix_path = "") {
        if (unix_path.empty()) {
            fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            sockaddr_in a{};
            a.sin_family = AF_INET;
            a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            socklen_t len = sizeof a;
            ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
            port = ntohs(a.sin_port);
        } else {
            fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
            sockaddr_un a{};
            a.sun_family = AF_UNIX;
            std::strncpy(a.sun_path, unix_path.c_str(), sizeof a.sun_path - 1);
            ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
        }
        ::listen(fd, 16);
    }
    ~listener() { ::close(fd); }
    listener(const listener&) = delete;
    listener& operator=(const listener&) = delete;
};

struct target {
    std::filesystem::path dir;
    std::string config_path, db_path, socket_path;
    int db_fd = -1;
    listener broker, bridge;
    std::unique_ptr<listener> daemon_socket;

    target()
        : dir(std::filesystem::temp_directory_path() / ("hearth-hostile-" + std::to_string(::getpid()))),
          broker(),
          bridge() {
        std::filesystem::create_directories(dir);
        config_path = (dir / "hearth.json").string();
        db_path = (dir / "hearth.db").string();
        socket_path = (dir / "daemon.sock").string();
        std::ofstream(config_path)
            << R"({"drivers": [{"plugin": "nuki", "id": "nuki", "config": {"token": "s3cret"}}]})";
        std::ofstream(db_path) << "SQLite format 3";
        db_fd = ::open(db_path.c_str(), O_RDWR | O_CLOEXEC);
        daemon_socket = std::make_unique<listener>(socket_path);
    }
    ~target() {
        ::close(db_fd);
        daemon_socket.reset();
        std::filesystem::remove_all(dir);
    }

    [[nodiscard]] json driver_config() const {
        return {{"config_path", config_path},
                {"db_path", db_path},
                {"db_fd", db_fd},
                {"hearthd_pid", ::getpid()},
                {"plugin_dir", std::string(ISO_SANDBOX_PLUGIN_DIR)},
                {"broker_port", broker.port},
                {"bridge_port", bridge.port},
                {"token", "s3cret"},
                {"unix_socket", socket_path}};
    }
};

/// Runs `plugin` under `mode` (minus `disable`) and returns its probe results.
json run_hostile(const target& t, const std::string& plugin, const std::string& mode,
                 const std::vector<std::string>& disable) {
    iso::harness h;
    h.options.sandbox_mode = mode;
    h.options.sandbox_disable = disable;
    h.options.call_timeout = 5s;
    auto dc = iso::driver(plugin, plugin);
    dc.config = t.driver_config();
    // The harness resolves plugin files from its own directories; hostile ones live in ours.
    h.options.plugin_path = hearth::plugin_path(ISO_SANDBOX_PLUGIN_DIR, plugin).string();
    h.plugin_override[plugin] = h.options.plugin_path;
    h.start({dc});
    json out = json::object();
    const bool seen = h.run_until(
        [&] {
            const auto* d = h.gw->registry().find("probe");
            if (d == nullptr || !d->state.contains("new_user_namespace")) return false;
            out = d->state;
            return true;
        },
        15s);
    EXPECT_TRUE(seen) << plugin << " under " << mode << " reported nothing";
    if (auto* w = h.workers[plugin]; w != nullptr && mode != "off") {
        EXPECT_TRUE(w->sandbox_report().is_object()) << "no sandbox report";
    }
    return out;
}

struct expectation {
    const char* attack;
    const char* result;  ///< in the default config
    const char* layer;   ///< the first layer that stops it there
};

// EACCES from open/connect = Landlock; EPERM from a call the filter lists = seccomp.
constexpr expectation expected_hostile[] = {
    {"read_config", "denied: EACCES", "landlock (filesystem)"},
    {"open_database", "denied: EACCES", "landlock (filesystem)"},
    {"database_via_proc_fd", "denied: EACCES", "landlock (filesystem: /proc of others)"},
    {"read_proc_of_hearthd", "denied: EACCES", "landlock (filesystem: /proc of others)"},
    {"ptrace_hearthd", "denied: EPERM", "seccomp (ptrace)"},
    {"signal_hearthd", "denied: EPERM", "seccomp (kill outside itself)"},
    {"write_plugin_dir", "denied: EACCES", "landlock (filesystem)"},
    {"mqtt_broker_direct", "denied: EPERM", "seccomp (no IPv4 socket without a network grant)"},
    {"bridge_with_stolen_token", "denied: EPERM", "seccomp (no IPv4 socket without a network grant)"},
    {"unix_socket_of_a_daemon", "denied: EPERM", "seccomp (no AF_UNIX sockets)"},
    {"new_user_namespace", "denied: EPERM", "seccomp (unshare)"},
};

void print_matrix(const std::string& plugin, const std::vector<std::pair<std::string, json>>& runs) {
    std::printf("\n%-26s", plugin.c_str());
    for (const auto& [name, r] : runs) std::printf(" | %-16s", name.c_str());
    std::printf("\n");
    for (const auto& e : expected_hostile) {
        std::printf("%-26s", e.attack);
        for (const auto& [name, r] : runs) {
            std::printf(" | %-16s", r.is_object() ? r.value(e.attack, "?").c_str() : "?");
        }
        std::printf("\n");
    }
}

TEST(hostile_driver, every_attack_is_stopped_and_the_layer_is_known) {
    const target t;
    const json full = run_hostile(t, "hostile", "auto", {});
    const json no_seccomp = run_hostile(t, "hostile", "auto", {"seccomp"});
    const json no_landlock = run_hostile(t, "hostile", "auto", {"landlock"});
    const json off = run_hostile(t, "hostile", "off", {});
    print_matrix("hostile (no manifest)",
                 {{"default", full}, {"-seccomp", no_seccomp}, {"-landlock", no_landlock}, {"sandbox off", off}});

    for (const auto& e : expected_hostile) {
        EXPECT_EQ(full.value(e.attack, "?"), e.result) << e.attack << " should be stopped by " << e.layer;
    }
    // The attacks are real: without the sandbox the worker reads the secrets, opens the database
    // (also through /proc/<pid>/fd), may signal hearthd and reaches the broker and the lock bridge.
    for (const char* a :
         {"read_config", "open_database", "database_via_proc_fd", "read_proc_of_hearthd", "signal_hearthd",
          "mqtt_broker_direct", "bridge_with_stolen_token", "unix_socket_of_a_daemon"}) {
        EXPECT_EQ(off.value(a, "?"), "allowed") << a << " fails even without a sandbox: the test proves nothing";
    }
    // (new_user_namespace: unshare(CLONE_NEWUSER) is EINVAL in any threaded process, so "off" cannot
    // show it; the default's EPERM comes from the seccomp filter.)
    // Attribution: take Landlock away and the filesystem attacks go through (same uid, same files);
    // /proc of hearthd stays closed (the worker's user namespace holds no capability over it).
    for (const char* a : {"read_config", "open_database"}) {
        EXPECT_EQ(no_landlock.value(a, "?"), "allowed") << a << " is not stopped by Landlock alone";
    }
    for (const char* a : {"database_via_proc_fd", "read_proc_of_hearthd"}) {
        EXPECT_NE(no_landlock.value(a, "?"), "allowed") << a << ": second layer (user namespace) missing";
    }
    // Take seccomp away and the next layers still hold: Landlock refuses the signal (scoping) and
    // ptrace across domains (EPERM) and TCP connects without a grant (EACCES; behind it the private
    // network namespace has no route anyway).
    EXPECT_NE(no_seccomp.value("signal_hearthd", "?"), "allowed");
    EXPECT_NE(no_seccomp.value("ptrace_hearthd", "?"), "allowed");
    EXPECT_EQ(no_seccomp.value("mqtt_broker_direct", "?"), "denied: EACCES");
    EXPECT_EQ(no_seccomp.value("read_config", "?"), "denied: EACCES");
}

// A driver granted TCP (port 9 only) still cannot reach the broker or another device's bridge:
// Landlock's TCP connect rules (ABI >= 4) refuse every port not granted.
TEST(hostile_driver, a_network_driver_reaches_only_its_granted_ports) {
    if (hearth::sandbox::landlock_abi() < 4) GTEST_SKIP() << "Landlock ABI < 4: no TCP port rules on this kernel";
    const target t;
    const json full = run_hostile(t, "hostile_net", "auto", {});
    const json off = run_hostile(t, "hostile_net", "off", {});
    print_matrix("hostile_net (tcp_client:9)", {{"default", full}, {"sandbox off", off}});
    EXPECT_EQ(full.value("mqtt_broker_direct", "?"), "denied: EACCES") << "landlock (TCP connect rules)";
    EXPECT_EQ(full.value("bridge_with_stolen_token", "?"), "denied: EACCES") << "landlock (TCP connect rules)";
    EXPECT_EQ(full.value("read_config", "?"), "denied: EACCES");
    EXPECT_EQ(off.value("mqtt_broker_direct", "?"), "allowed");
}

// `sandbox: "required"` refuses to start a driver when a layer is missing, with the reason.
TEST(hostile_driver, required_refuses_a_driver_when_a_layer_is_missing) {
    const target t;
    for (const std::string layer : {"landlock", "seccomp", "namespaces"}) {
        iso::harness h;
        h.options.sandbox_mode = "required";
        h.options.sandbox_disable = {layer};
        h.options.plugin_path = hearth::plugin_path(ISO_SANDBOX_PLUGIN_DIR, "hostile").string();
        h.plugin_override["hostile"] = h.options.plugin_path;
        auto dc = iso::driver("hostile", "hostile");
        dc.config = t.driver_config();
        h.start({dc});
        ASSERT_TRUE(h.run_until([&] { return h.status_of("hostile").state == hearth::driver_state::quarantined; }, 10s))
            << layer;
        EXPECT_TRUE(iso::contains(h.status_of("hostile").last_error, "sandbox is required but a layer is missing"));
        EXPECT_TRUE(iso::contains(h.status_of("hostile").last_error, layer + ": disabled"));
        EXPECT_EQ(h.gw->registry().find("probe"), nullptr) << "the plugin ran although " << layer << " was missing";
    }
}

}  // namespace
