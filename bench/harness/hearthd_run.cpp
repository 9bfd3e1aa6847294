// hearthd as a child of the bench harness (config, READY via a private NOTIFY_SOCKET, RSS, stop).
#include "hearthd_run.hpp"

#include "../driver/timeline.hpp"

#include <hearth/testing/process.hpp>

#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace hearth::bench {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

/// A bound AF_UNIX datagram socket: what systemd listens on for sd_notify.
class notify_socket {
public:
    explicit notify_socket(const fs::path& path) : path_(path) {
        fs::remove(path_);
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        if (fd_ < 0 || path_.string().size() >= sizeof(addr.sun_path))
            throw std::runtime_error("bench: cannot create notify socket " + path_.string());
        path_.string().copy(addr.sun_path, sizeof(addr.sun_path) - 1);
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0)
            throw std::runtime_error("bench: cannot bind notify socket " + path_.string());
    }
    ~notify_socket() {
        if (fd_ >= 0) ::close(fd_);
        fs::remove(path_);
    }
    notify_socket(const notify_socket&) = delete;
    notify_socket& operator=(const notify_socket&) = delete;

    /// Waits until a datagram containing READY=1 arrives; false on timeout.
    bool wait_ready(std::chrono::steady_clock::time_point deadline) const {
        char buf[4096];
        while (std::chrono::steady_clock::now() < deadline) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            const auto n = ::recv(fd_, buf, sizeof(buf) - 1, 0);
            if (n > 0 && std::string_view(buf, static_cast<std::size_t>(n)).find("READY=1") != std::string_view::npos)
                return true;
        }
        return false;
    }

private:
    fs::path path_;
    int fd_ = -1;
};

}  // namespace

hearthd_run::hearthd_run(build_paths paths, fs::path dir, hearthd_options options)
    : paths_(std::move(paths)), dir_(std::move(dir)), options_(std::move(options)) {
    fs::create_directories(dir_ / "scenes");
}

hearthd_run::~hearthd_run() { stop(); }

std::chrono::microseconds hearthd_run::start(std::chrono::seconds timeout) {
    json driver = {
        {"plugin", "bench"}, {"id", "bench"}, {"isolation", options_.isolation}, {"config", options_.driver_config}};
    const json config = {
        {"mqtt", {{"url", options_.mqtt_url}, {"client_id", "hearth-bench"}, {"base_topic", "hearth"}}},
        {"database", {{"path", database().string()}}},
        {"plugins", {{"dir", paths_.plugin_dir.string()}}},
        {"drivers", json::array({driver})},
        {"scenes", {{"dir", (dir_ / "scenes").string()}}},
        {"log", {{"level", options_.log_level}}}};
    testing::write_file(dir_ / "hearth.json", config.dump(2));
    if (!options_.scenes.is_null()) testing::write_file(dir_ / "scenes" / "bench.json", options_.scenes.dump(1));

    const notify_socket notify(dir_ / "notify.sock");
    ::setenv("NOTIFY_SOCKET", (dir_ / "notify.sock").c_str(), 1);
    const auto t0 = std::chrono::steady_clock::now();
    pid_ = testing::spawn_process({paths_.hearthd.string(), "--config", (dir_ / "hearth.json").string()}, log());
    ::unsetenv("NOTIFY_SOCKET");
    if (!notify.wait_ready(t0 + timeout)) {
        stop();
        throw std::runtime_error("bench: hearthd did not report READY; see " + log().string());
    }
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);
}

void hearthd_run::stop() {
    if (pid_ > 0) testing::stop_process(pid_, SIGTERM, std::chrono::seconds(10));
    pid_ = -1;
}

std::uint64_t hearthd_run::rss_kib() const { return pid_ > 0 ? rss_kib_of(pid_) : 0; }

std::uint64_t hearthd_run::rss_with_workers_kib() const {
    if (pid_ <= 0) return 0;
    std::uint64_t total = rss_kib_of(pid_);
    for (pid_t c : children_of(pid_)) total += rss_kib_of(c);
    return total;
}

double hearthd_run::worker_cpu_seconds() const {
    double total = 0;
    if (pid_ > 0)
        for (pid_t c : children_of(pid_)) total += cpu_seconds_of(c);
    return total;
}

namespace {
/// CPU seconds (user + system) in a /proc .../stat file; its command name goes to `name`.
double cpu_seconds_in(const std::string& stat_file, std::string* name = nullptr) {
    std::ifstream in(stat_file);
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto open = stat.find('('), close = stat.rfind(')');  // the command name may contain spaces
    if (open == std::string::npos || close == std::string::npos || close < open) return 0;
    if (name != nullptr) *name = stat.substr(open + 1, close - open - 1);
    std::istringstream fields(stat.substr(close + 2));
    std::string f;
    unsigned long long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && fields >> f; ++i) {
        if (i == 14) utime = std::stoull(f);
        if (i == 15) stime = std::stoull(f);
    }
    return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

/// Adds each live thread of `pid` to `out` under "<role>/<thread name>".
void add_threads(pid_t pid, const std::string& role, std::map<std::string, double>& out) {
    std::error_code ec;
    const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
    for (const auto& t : std::filesystem::directory_iterator(tasks, ec)) {
        std::string name;
        const double s = cpu_seconds_in((t.path() / "stat").string(), &name);
        out[role + "/" + name] += s;
    }
}
}  // namespace

double cpu_seconds_of(pid_t pid) { return cpu_seconds_in("/proc/" + std::to_string(pid) + "/stat"); }

std::map<std::string, double> hearthd_run::thread_cpu_seconds() const {
    std::map<std::string, double> out;
    if (pid_ <= 0) return out;
    add_threads(pid_, "hearthd", out);
    for (pid_t c : children_of(pid_)) add_threads(c, "worker", out);
    return out;
}

namespace {
/// The KiB value of the first line starting with `key` in a /proc file (0 if none).
std::uint64_t proc_kib(const std::string& file, const std::string& key) {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(key, 0) == 0) return std::stoull(line.substr(key.size()));
    return 0;
}
}  // namespace

std::uint64_t rss_kib_of(pid_t pid) { return proc_kib("/proc/" + std::to_string(pid) + "/status", "VmRSS:"); }

std::uint64_t pss_kib_of(pid_t pid) { return proc_kib("/proc/" + std::to_string(pid) + "/smaps_rollup", "Pss:"); }

std::uint64_t mapped_rss_kib_of(pid_t pid, const std::string& part) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/smaps");
    std::string line;
    bool inside = false;
    std::uint64_t total = 0;
    while (std::getline(in, line)) {
        if (!line.empty() && std::isxdigit(static_cast<unsigned char>(line[0])) &&
            line.find('-') != std::string::npos && line.find(':') > line.find(' '))
            inside = line.find(part) != std::string::npos;  // a mapping header: "addr-addr perms ... path"
        else if (inside && line.rfind("Rss:", 0) == 0)
            total += std::stoull(line.substr(4));
    }
    return total;
}

std::uint64_t hearthd_run::timeline_rss_kib() const {
    if (pid_ <= 0) return 0;
    std::uint64_t total = mapped_rss_kib_of(pid_, k_timeline_dir);
    for (pid_t c : children_of(pid_)) total += mapped_rss_kib_of(c, k_timeline_dir);
    return total;
}

std::uint64_t hearthd_run::pss_with_workers_kib() const {
    if (pid_ <= 0) return 0;
    std::uint64_t total = pss_kib_of(pid_);
    for (pid_t c : children_of(pid_)) total += pss_kib_of(c);
    return total;
}

std::vector<pid_t> children_of(pid_t pid) {
    std::vector<pid_t> out;
    std::error_code ec;
    for (const auto& task : fs::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
        std::ifstream in(task.path() / "children");
        pid_t c = 0;
        while (in >> c) out.push_back(c);
    }
    return out;
}

std::int64_t query_int(const fs::path& db, const std::string& sql) {
    sqlite3* h = nullptr;
    if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        sqlite3_close(h);
        throw std::runtime_error("bench: cannot open " + db.string());
    }
    sqlite3_stmt* st = nullptr;
    std::int64_t v = -1;
    if (sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
    if (v < 0) throw std::runtime_error("bench: query failed: " + sql);
    return v;
}

}  // namespace hearth::bench
