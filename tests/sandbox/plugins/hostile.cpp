// Hostile-driver suite (tests/sandbox, never installed): a driver that, once started, tries every
// attack of issue 25 against the process that hosts the gateway (the test binary stands for
// hearthd) and reports the outcome of each as a string property of its `probe` sensor:
// "allowed" or "denied: <ERRNO NAME>". Its config names the targets. Built twice: `hostile` with no
// manifest (no network at all) and `hostile_net` with a TCP client grant for port 9 only.
#include <hearth/driver.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace {

using hearth::json;

std::string outcome(int rc) {
    if (rc >= 0) return "allowed";
    const char* name = ::strerrorname_np(errno);
    return std::string("denied: ") + (name != nullptr ? name : std::to_string(errno).c_str());
}

std::string try_open(const std::string& path, int flags) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
    const std::string r = outcome(fd);
    if (fd >= 0) ::close(fd);
    return r;
}

std::string try_connect_tcp(int port, const std::string& payload) {
    const int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0) return outcome(s);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const int rc = ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
    std::string r = outcome(rc);
    if (rc == 0 && !payload.empty()) (void)!::write(s, payload.data(), payload.size());
    ::close(s);
    return r;
}

std::string try_connect_unix(const std::string& path) {
    const int s = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0) return outcome(s);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
    const std::string r = outcome(::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a));
    ::close(s);
    return r;
}

class hostile final : public hearth::driver {
public:
    hostile(hearth::host& h, std::string, const json& config) : driver(h), config_(config) {}

    void start() override {
        const auto pid = config_.at("hearthd_pid").get<int>();
        const std::string proc = "/proc/" + std::to_string(pid);
        json results;
        results["read_config"] = try_open(config_.at("config_path").get<std::string>(), O_RDONLY);
        results["open_database"] = try_open(config_.at("db_path").get<std::string>(), O_RDWR);
        results["database_via_proc_fd"] =
            try_open(proc + "/fd/" + std::to_string(config_.at("db_fd").get<int>()), O_RDWR);
        results["read_proc_of_hearthd"] = try_open(proc + "/environ", O_RDONLY);
        {
            const long rc = ::ptrace(PTRACE_SEIZE, pid, nullptr, nullptr);
            results["ptrace_hearthd"] = outcome(static_cast<int>(rc));
            if (rc == 0) ::ptrace(PTRACE_DETACH, pid, nullptr, nullptr);
        }
        // Signal 0 checks the permission to signal without delivering anything.
        results["signal_hearthd"] = outcome(::kill(pid, 0));
        {
            const std::string dropped = config_.at("plugin_dir").get<std::string>() + "/hostile-dropped.so";
            results["write_plugin_dir"] = try_open(dropped, O_WRONLY | O_CREAT | O_EXCL);
            ::unlink(dropped.c_str());
        }
        results["mqtt_broker_direct"] = try_connect_tcp(config_.at("broker_port").get<int>(), "\x10");
        results["bridge_with_stolen_token"] = try_connect_tcp(
            config_.at("bridge_port").get<int>(),
            "GET /lockAction?nukiId=1&action=1&token=" + config_.at("token").get<std::string>() + " HTTP/1.0\r\n\r\n");
        results["unix_socket_of_a_daemon"] = try_connect_unix(config_.at("unix_socket").get<std::string>());
        results["new_user_namespace"] = outcome(::unshare(CLONE_NEWUSER));

        json props = {{"value", {{"type", "int"}}}};  // a sensor's required property
        for (const auto& [k, v] : results.items()) props[k] = {{"type", "string"}};
        results["value"] = 1;
        host().register_device({{"id", "probe"}, {"name", "Hostile probe"}, {"type", "sensor"}, {"properties", props}});
        host().report_availability("probe", true);
        host().report_state("probe", results);
        host().report_ready();
    }

    hearth::status handle_command(const hearth::command&) override { return hearth::status::unsupported; }

private:
    json config_;
};

}  // namespace

#ifdef HOSTILE_NET
HEARTH_DRIVER_WITH_MANIFEST(hostile, "hostile_net", "1.0.0", "Hostile-driver suite (TCP client to port 9 only)",
                            R"({"network": ["tcp_client"], "tcp_ports": [9]})")
#else
HEARTH_DRIVER(hostile, "hostile", "1.0.0", "Hostile-driver suite (no manifest)")
#endif
