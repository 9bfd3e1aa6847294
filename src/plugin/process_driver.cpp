// Supervised worker-process hosting of one driver (see process_driver.hpp, docs/isolation.md).
//
// Life of one worker: spawn() forks + execs hearth-driver-host with the socket on fd 3 and the
// limits applied, queues the start message and reads frames; any way the worker goes down ends in
// lose_worker() -> (SIGKILL) -> reap -> worker_gone(), which marks the devices offline, fails the
// commands in flight, and either schedules spawn() after a backoff or quarantines the driver.
#include "plugin/process_driver.hpp"

#include "core/device_model.hpp"
#include "sandbox/sandbox.hpp"
#include "log/levels.hpp"

#include <hearth/plugin.h>

#include <boost/asio/write.hpp>

#include <algorithm>

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <thread>
#include <vector>

#ifndef HEARTH_DEFAULT_DRIVER_HOST
#define HEARTH_DEFAULT_DRIVER_HOST "/usr/libexec/hearth/hearth-driver-host"
#endif

namespace hearth {

namespace asio = boost::asio;
using json = nlohmann::json;
using steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

constexpr std::size_t max_write_batch = std::size_t{256} * 1024;
constexpr milliseconds reap_tick{2};

/// strerror's text for `err`, thread-safe (strerror is not).
std::string errno_text(int err) { return std::system_category().message(err); }
constexpr int reap_ticks_before_kill = 250;  // ~0.5 s after EOF, then SIGKILL
constexpr int reap_ticks_total = 1500;

std::string signal_name(int sig) {
    const char* abbrev = ::sigabbrev_np(sig);
    return abbrev != nullptr ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

std::string describe_exit(int st, const process_limits& limits) {
    if (WIFSIGNALED(st)) {
        const int sig = WTERMSIG(st);
        if (sig == SIGXCPU) return "exceeded its CPU time limit (" + std::to_string(limits.cpu_s) + " s)";
        if (sig == SIGKILL && limits.cpu_s > 0) {
            return "killed by SIGKILL (CPU hard limit, OOM killer or an operator)";
        }
        return "killed by " + signal_name(sig);
    }
    if (WIFEXITED(st)) {
        const int code = WEXITSTATUS(st);
        if (code == wire::exit_memory_limit) {
            return "exceeded its memory limit (" + std::to_string(limits.memory_mb) + " MiB address space)";
        }
        if (code == wire::exit_setup_failed) return "could not apply its resource limits (exit status 120)";
        if (code == wire::exit_exec_failed) return "could not be executed (exit status 127)";
        if (code == wire::exit_protocol) return "rejected the protocol (exit status 65)";
        return "exited with status " + std::to_string(code);
    }
    return "ended (wait status " + std::to_string(st) + ")";
}

/// The child between fork and exec: async-signal-safe calls only (the daemon has threads).
[[noreturn]] void exec_worker(int fd, pid_t parent, const char* path, char* const* argv, const rlimit* limits,
                              const int* resources, int nlimits, std::int64_t uid) {
    // Its own session and process group: kill(0, ...) cannot reach hearthd (docs/security.md).
    ::setsid();
    if (uid >= 0) {  // hearthd is root: the worker runs as its own unprivileged uid
        const auto id = static_cast<uid_t>(uid);
        if (::setgroups(0, nullptr) != 0 || ::setresgid(id, id, id) != 0 || ::setresuid(id, id, id) != 0) {
            ::_exit(wire::exit_setup_failed);
        }
    }
    // After the uid change, which clears it.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // the daemon (its forking thread) dies -> so does the worker
    if (::getppid() != parent) ::_exit(wire::exit_setup_failed);
    ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);  // never more privilege than the daemon (no setuid exec)
    sigset_t none;
    ::sigemptyset(&none);
    ::pthread_sigmask(SIG_SETMASK, &none, nullptr);  // the child has one thread: same as sigprocmask
    for (int i = 0; i < nlimits; ++i) {
        if (::setrlimit(resources[i], &limits[i]) != 0) ::_exit(wire::exit_setup_failed);
    }
    if (fd == 3) {
        if (::fcntl(3, F_SETFD, 0) != 0) ::_exit(wire::exit_setup_failed);
    } else if (::dup2(fd, 3) != 3) {
        ::_exit(wire::exit_setup_failed);
    }
    ::close_range(4, ~0U, 0);
    ::execv(path, argv);
    ::_exit(wire::exit_exec_failed);
}

/// "" when `file` (needing `need` bits for others) and every directory above it (o+x) are usable
/// by a uid that owns none of them; else "<path> (mode 0NNN)".
std::string unreachable_by_others(const std::string& file, mode_t need) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path p = fs::weakly_canonical(fs::path(file), ec);
    if (ec) p = fs::path(file);
    struct stat st {};
    auto mode_of = [](const struct stat& s) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(s.st_mode & 07777));
        return std::string(buf);
    };
    if (::stat(p.c_str(), &st) == 0 && (st.st_mode & need) != need) return p.string() + " (mode " + mode_of(st) + ")";
    for (fs::path dir = p.parent_path(); !dir.empty(); dir = dir.parent_path()) {
        if (::stat(dir.c_str(), &st) == 0 && (st.st_mode & S_IXOTH) == 0) {
            return dir.string() + " (mode " + mode_of(st) + ")";
        }
        if (dir == dir.root_path()) break;
    }
    return "";
}

}  // namespace

std::string find_driver_host() {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        for (const fs::path& candidate :
             {exe.parent_path() / "hearth-driver-host",
              (exe.parent_path() / ".." / "libexec" / "hearth" / "hearth-driver-host").lexically_normal()}) {
            if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
        }
    }
    return HEARTH_DEFAULT_DRIVER_HOST;
}

process_driver::process_driver(asio::io_context& loop, driver_config config, process_options options,
                               driver_events& events)
    : loop_(loop), config_(std::move(config)), options_(std::move(options)), events_(events), timer_(loop) {
    status_.id = config_.id;
    status_.plugin = config_.plugin;
    status_.state = driver_state::starting;
}

process_driver::~process_driver() { stop(milliseconds(1000)); }

void process_driver::start() {
    if (phase_ != phase::idle) return;
    spawn();
}

void process_driver::spawn() {
    ++generation_;
    if (::access(options_.host_path.c_str(), X_OK) != 0) {
        const int err = errno;
        fatal_ = true;
        quarantine("cannot run the driver host '" + options_.host_path + "': " + errno_text(err));
        return;
    }
    const std::int64_t uid = ::geteuid() == 0 && options_.sandbox_mode != "off" ? options_.worker_uid : -1;
    if (uid >= 0) {
        // The worker's own uid owns nothing: it reaches the host and the plugin as "others".
        for (const auto& [path, need] : {std::pair{options_.host_path, S_IROTH | S_IXOTH},
                                         std::pair{options_.plugin_path, static_cast<int>(S_IROTH)}}) {
            if (const std::string why = unreachable_by_others(path, static_cast<mode_t>(need)); !why.empty()) {
                fatal_ = true;
                quarantine("its worker runs as uid " + std::to_string(uid) + " (hearthd is root) and cannot reach " +
                           why + "; make the directories world-searchable (o+x) and the files world-readable");
                return;
            }
        }
    }
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        quarantine("socketpair failed: " + errno_text(errno));
        return;
    }
    // Everything the child needs is prepared before fork: it may not allocate.
    // The worker logs at hearthd's levels (`--log-level driver=debug` reaches isolated drivers too).
    std::vector<std::string> args = {options_.host_path,          "--fd", "3", "--driver", config_.id, "--log-level",
                                     log::to_spec(log::current())};
    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    rlimit limits[3];
    int resources[3];
    int n = 0;
    auto add = [&](int resource, rlim_t soft, rlim_t hard) {
        resources[n] = resource;
        limits[n] = rlimit{soft, hard};
        ++n;
    };
    const auto& lim = options_.limits;
    if (lim.memory_mb > 0) add(RLIMIT_AS, lim.memory_mb << 20, lim.memory_mb << 20);
    if (lim.cpu_s > 0) add(RLIMIT_CPU, lim.cpu_s, lim.cpu_s + 1);  // SIGXCPU, then SIGKILL 1 s later
    if (lim.open_files > 0) add(RLIMIT_NOFILE, lim.open_files, lim.open_files);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    const int fork_errno = errno;
    if (pid == 0) exec_worker(sv[1], parent, options_.host_path.c_str(), argv.data(), limits, resources, n, uid);
    ::close(sv[1]);
    if (pid < 0) {
        ::close(sv[0]);
        quarantine("fork failed: " + errno_text(fork_errno));
        return;
    }
    socket_ = std::make_unique<asio::local::stream_protocol::socket>(loop_);
    boost::system::error_code ec;
    socket_->assign(asio::local::stream_protocol(), sv[0], ec);
    pid_ = pid;
    ++spawns_;
    phase_ = phase::starting;
    status_.state = driver_state::starting;
    reader_ = wire::frame_reader();
    out_.clear();
    writing_ = false;
    pending_.clear();
    down_cause_.clear();
    fatal_ = false;
    worker_calls_ = worker_errors_ = 0;
    last_heartbeat_ = steady::now();
    log::plugin().info("driver '{}': worker pid {} started ({}{})", config_.id, pid, options_.plugin_path,
                       uid >= 0 ? ", uid " + std::to_string(uid) : std::string());
    const json settings = {{"call_timeout_ms", options_.call_timeout.count()},
                           {"max_failures", options_.max_failures},
                           {"heartbeat_ms", options_.heartbeat_interval.count()}};
    json start = wire::start_message(options_.plugin_path, config_.plugin, config_.id, config_.config, settings);
    start["sandbox"] = {
        {"mode", options_.sandbox_mode}, {"narrow", config_.sandbox}, {"disable", options_.sandbox_disable}};
    sandbox_report_ = nullptr;
    queue_frame(start);
    if (ec) {
        lose_worker("got an unusable socket: " + ec.message(), true);
        return;
    }
    read_more();
}

void process_driver::read_more() {
    std::weak_ptr<int> life = life_;
    const auto gen = generation_;
    socket_->async_read_some(
        asio::buffer(read_buf_), [this, life, gen](const boost::system::error_code& ec, std::size_t n) {
            if (life.expired() || gen != generation_ || !socket_) return;
            if (ec) {
                lose_worker(ec == asio::error::eof ? "" : "lost its socket: " + ec.message(), false);
                return;
            }
            reader_.feed(read_buf_.data(), n);
            json m;
            for (;;) {
                const auto r = reader_.next(m);
                if (r == wire::frame_reader::result::need_more) break;
                if (r == wire::frame_reader::result::error) {
                    lose_worker("broke the protocol: " + reader_.error(), true);
                    return;
                }
                handle(m);
                if (gen != generation_) return;  // the message tore the worker down
            }
            read_more();
        });
}

void process_driver::handle(const json& m) {
    const std::string& id = config_.id;
    last_heartbeat_ = steady::now();  // any frame proves the worker's loop is alive
    try {
        const auto& t = m.at("t").get_ref<const std::string&>();
        if (t == "heartbeat") {
            const json& s = m.at("stats");
            worker_calls_ = s.value("calls", std::uint64_t{0});
            worker_errors_ = s.value("errors", std::uint64_t{0});
            if (auto e = s.value("last_error", std::string()); !e.empty()) status_.last_error = e;
            if (auto dropped = s.value("dropped_events", std::uint64_t{0}); dropped > dropped_reported_) {
                log::plugin().warn("driver '{}': {} events dropped by its worker (socket congested)", id,
                                   dropped - dropped_reported_);
                dropped_reported_ = dropped;
            }
        } else if (t == "hello") {
            phase_ = phase::running;
            status_.state = driver_state::running;
            status_.plugin = m.at("plugin").get<std::string>();
            status_.version = m.at("version").get<std::string>();
            if (auto sb = m.find("sandbox"); sb != m.end() && sb->is_object()) {
                sandbox_report_ = *sb;  // what the worker says it applied (logged; it is not trusted)
                log::sandbox().info("driver '{}': worker pid {} sandboxed ({}): {}; grants {}", id, pid_,
                                    sb->value("mode", "?"), sandbox::describe(sb->value("layers", json())),
                                    sb->value("grants", json()).dump());
                if (const auto missing = sb->value("layers", json::object()).value("missing", json::array());
                    missing.is_array() && !missing.empty()) {
                    log::sandbox().warn("driver '{}': sandbox layers missing: {}", id, missing.dump());
                }
            } else if (options_.sandbox_mode != "off") {
                log::sandbox().warn("driver '{}': worker pid {} reported no sandbox", id, pid_);
            }
            events_.on_loaded(id);
        } else if (t == "device_registered") {
            auto parsed = parse_descriptor(m.at("descriptor"));  // the worker is not trusted
            if (!parsed) {
                log::plugin().warn("driver '{}': worker sent an invalid descriptor; ignored", id);
                return;
            }
            parsed->driver = id;
            parsed->raw["driver"] = id;
            devices_.insert(parsed->id);
            events_.on_device_registered(id, std::move(*parsed));
        } else if (t == "device_removed") {
            const auto device = m.at("device").get<std::string>();
            devices_.erase(device);
            events_.on_device_removed(id, device);
        } else if (t == "state" || t == "event") {
            const json& body = m.at(t);
            if (!body.is_object()) throw std::invalid_argument(t + " is not an object");
            if (t == "state") {
                events_.on_state(id, m.at("device").get<std::string>(), body);
            } else {
                events_.on_event(id, m.at("device").get<std::string>(), body);
            }
        } else if (t == "availability") {
            events_.on_availability(id, m.at("device").get<std::string>(), m.at("online").get<bool>());
        } else if (t == "command_done") {
            const auto cid = m.at("id").get<std::uint64_t>();
            int st = m.at("status").get<int>();
            auto text = m.at("message").get<std::string>();
            if (pending_.erase(cid) == 0) return;  // not ours, or already failed
            if (st < HEARTH_ERR_INTERNAL || st >= HEARTH_PENDING) {
                text = "worker returned an invalid status " + std::to_string(st);
                st = HEARTH_ERR_INTERNAL;
            }
            events_.on_command_done(id, cid, st, std::move(text));
        } else if (t == "ready") {
            status_.ready = true;
            events_.on_ready(id);
        } else if (t == "failed") {
            lose_worker("reported its driver failed: " + m.at("reason").get<std::string>(), true,
                        m.value("fatal", false));
        } else {
            lose_worker("broke the protocol: unknown message type '" + t + "'", true);
        }
    } catch (const std::exception& e) {
        lose_worker(std::string("broke the protocol: ") + e.what(), true);
    }
}

void process_driver::queue_frame(const json& m) {
    out_.push_back(wire::encode(m));
    write_more();
}

void process_driver::write_more() {
    if (writing_ || out_.empty() || !socket_) return;
    auto buf = std::make_shared<std::string>();
    while (!out_.empty() && buf->size() < max_write_batch) {
        *buf += out_.front();
        out_.pop_front();
    }
    writing_ = true;
    std::weak_ptr<int> life = life_;
    const auto gen = generation_;
    asio::async_write(*socket_, asio::buffer(*buf),
                      [this, life, gen, buf](const boost::system::error_code& ec, std::size_t) {
                          if (life.expired() || gen != generation_) return;
                          writing_ = false;
                          if (ec) {
                              lose_worker("", false);  // the read side reports EOF too; reap tells why
                              return;
                          }
                          write_more();
                      });
}

void process_driver::send_command(std::uint64_t command_id, const std::string& device_id, std::string command_json) {
    const std::string& id = config_.id;
    if (phase_ == phase::quarantined) {
        events_.on_command_done(id, command_id, HEARTH_ERR_UNSUPPORTED,
                                "driver '" + id + "' is quarantined: " + status_.last_error);
        return;
    }
    if (phase_ != phase::starting && phase_ != phase::running) {
        const bool down = phase_ == phase::reaping || phase_ == phase::backoff;
        events_.on_command_done(id, command_id, down ? HEARTH_ERR_OFFLINE : HEARTH_ERR_UNSUPPORTED,
                                down ? "driver '" + id + "' is restarting (" + status_.last_error + ")"
                                     : "driver '" + id + "' is not running");
        return;
    }
    if (out_.size() >= options_.max_queued_frames) {
        events_.on_command_done(
            id, command_id, HEARTH_ERR_TIMEOUT,
            "driver '" + id + "' is not keeping up (" + std::to_string(out_.size()) + " messages queued)");
        return;
    }
    pending_.insert(command_id);
    queue_frame(wire::command_message(command_id, device_id, command_json));
}

void process_driver::refresh(const std::string& device_id) {
    if (phase_ != phase::starting && phase_ != phase::running) return;
    if (out_.size() >= options_.max_queued_frames) return;  // a refresh is best effort
    queue_frame(wire::refresh_message(device_id));
}

void process_driver::check_health(steady::time_point now) {
    if (phase_ != phase::starting && phase_ != phase::running) return;
    const auto silent = std::chrono::duration_cast<milliseconds>(now - last_heartbeat_);
    // Bytes waiting on the socket mean the worker spoke and the core has not read it yet (a busy
    // or starved loop): the silence is ours, not the worker's.
    if (boost::system::error_code ec; socket_ && socket_->available(ec) > 0 && !ec) return;
    if (phase_ == phase::starting) {
        const auto limit = std::max(options_.start_timeout, options_.heartbeat_timeout);
        if (silent > limit) {
            lose_worker("did not start within " + std::to_string(limit.count()) +
                            " ms (no hello: exec, sandbox and plugin load took too long)",
                        true);
        }
        return;
    }
    if (silent > options_.heartbeat_timeout) {
        lose_worker("hung: no heartbeat for " + std::to_string(silent.count()) + " ms (limit " +
                        std::to_string(options_.heartbeat_timeout.count()) + " ms)",
                    true);
    }
}

void process_driver::lose_worker(std::string cause, bool kill_now, bool fatal) {
    if (phase_ != phase::starting && phase_ != phase::running) return;
    phase_ = phase::reaping;
    status_.state = driver_state::restarting;
    status_.ready = false;
    down_cause_ = std::move(cause);
    if (!down_cause_.empty()) status_.last_error = down_cause_;  // the exit status refines it when reaped
    fatal_ = fatal;
    ++generation_;  // every completion of this worker's socket is stale from now on
    boost::system::error_code ignored;
    if (socket_) socket_->close(ignored);
    socket_.reset();
    writing_ = false;
    out_.clear();
    if (kill_now && pid_ > 0) ::kill(pid_, SIGKILL);
    poll_reap(0);
}

void process_driver::poll_reap(int tick) {
    int st = 0;
    const pid_t r = ::waitpid(pid_, &st, WNOHANG);
    if (r == pid_) return worker_gone(st, true);
    if (r < 0) return worker_gone(0, false);                    // ECHILD: someone else reaped it (SIGCHLD ignored?)
    if (tick == reap_ticks_before_kill) ::kill(pid_, SIGKILL);  // closed its socket but lingers
    if (tick >= reap_ticks_total) {
        log::plugin().error("driver '{}': worker pid {} cannot be reaped; giving up on it", config_.id, pid_);
        return worker_gone(0, false);
    }
    std::weak_ptr<int> life = life_;
    timer_.expires_after(reap_tick);
    timer_.async_wait([this, life, tick](const boost::system::error_code& ec) {
        if (ec || life.expired() || phase_ != phase::reaping) return;
        poll_reap(tick + 1);
    });
}

void process_driver::worker_gone(int wait_status, bool reaped) {
    const pid_t pid = pid_;
    pid_ = -1;
    std::string cause = down_cause_;
    if (cause.empty()) cause = reaped ? describe_exit(wait_status, options_.limits) : "ended (status unknown)";
    status_.last_error = cause;
    base_calls_ += worker_calls_;
    base_errors_ += worker_errors_ + 1;
    worker_calls_ = worker_errors_ = 0;
    log::plugin().error("driver '{}': worker pid {} {}", config_.id, pid, cause);
    fail_pending(HEARTH_ERR_INTERNAL,
                 "driver '" + config_.id + "' went down before completing the command: worker " + cause);
    for (const auto& device : devices_) events_.on_availability(config_.id, device, false);
    if (fatal_) return quarantine(cause);
    const auto now = steady::now();
    crashes_.push_back(now);
    while (!crashes_.empty() && now - crashes_.front() > options_.crash_window) crashes_.pop_front();
    const auto window_s = std::chrono::duration_cast<std::chrono::seconds>(options_.crash_window).count();
    if (static_cast<int>(crashes_.size()) > options_.max_restarts) {
        return quarantine("crash loop: " + std::to_string(crashes_.size()) + " crashes within " +
                          std::to_string(window_s) + " s; last: " + cause);
    }
    auto delay = options_.backoff_initial;
    for (std::size_t i = 1; i < crashes_.size() && delay < options_.backoff_max; ++i) delay *= 2;
    delay = std::min(delay, options_.backoff_max);
    phase_ = phase::backoff;
    log::plugin().warn("driver '{}': restarting its worker in {} ms ({} crashes within {} s)", config_.id,
                       delay.count(), crashes_.size(), window_s);
    std::weak_ptr<int> life = life_;
    timer_.expires_after(delay);
    timer_.async_wait([this, life](const boost::system::error_code& ec) {
        if (ec || life.expired() || phase_ != phase::backoff) return;
        spawn();
    });
}

void process_driver::quarantine(const std::string& reason) {
    if (phase_ == phase::quarantined || phase_ == phase::stopped) return;
    phase_ = phase::quarantined;
    ++generation_;
    timer_.cancel();
    boost::system::error_code ignored;
    if (socket_) socket_->close(ignored);
    socket_.reset();
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }
    status_.state = driver_state::quarantined;
    status_.ready = false;
    status_.last_error = reason;
    log::plugin().error("driver '{}' (plugin {}) quarantined: {}", config_.id, config_.plugin, reason);
    fail_pending(HEARTH_ERR_UNSUPPORTED, "driver '" + config_.id + "' is quarantined: " + reason);
    for (const auto& device : devices_) events_.on_availability(config_.id, device, false);
    events_.on_failed(config_.id, reason);
}

void process_driver::fail_pending(int status, const std::string& message) {
    auto pending = std::move(pending_);
    pending_.clear();
    for (auto cid : pending) events_.on_command_done(config_.id, cid, status, message);
}

void process_driver::stop(milliseconds budget) {
    if (phase_ == phase::stopped) return;
    const bool had_worker = pid_ > 0;
    phase_ = phase::stopped;
    status_.state = driver_state::stopped;
    status_.ready = false;
    ++generation_;
    timer_.cancel();
    if (socket_) {
        const int fd = socket_->native_handle();
        if (!writing_) {  // never interleave with a half-written frame
            const std::string frame = wire::encode(wire::stop_message(budget.count() * 3 / 4));
            [[maybe_unused]] auto sent = ::send(fd, frame.data(), frame.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
        }
        ::shutdown(fd, SHUT_WR);  // EOF for the worker: it stops its driver and exits
    }
    if (had_worker) {
        const auto deadline = steady::now() + budget;
        bool reaped = false;
        while (!reaped && steady::now() < deadline) {
            const pid_t r = ::waitpid(pid_, nullptr, WNOHANG);
            if (r == pid_ || r < 0) {
                reaped = true;
            } else {
                std::this_thread::sleep_for(milliseconds(2));
            }
        }
        if (!reaped) {
            log::plugin().warn("driver '{}': worker pid {} did not stop within {} ms; killing it", config_.id, pid_,
                               budget.count());
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        pid_ = -1;
    }
    boost::system::error_code ignored;
    if (socket_) socket_->close(ignored);
    socket_.reset();
    pending_.clear();  // like inproc_driver: nothing reaches the core after stop
}

driver_status process_driver::status() const {
    driver_status st = status_;
    st.calls = base_calls_ + worker_calls_;
    st.errors = base_errors_ + worker_errors_;
    return st;
}

bool process_driver::usable() const { return phase_ != phase::quarantined && phase_ != phase::stopped; }

}  // namespace hearth
