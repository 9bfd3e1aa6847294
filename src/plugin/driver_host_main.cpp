// hearth-driver-host: the worker process of one process-isolated driver (docs/isolation.md).
//
// `--describe <plugin.so> <name>` prints what a plugin declares (manifest, config schema) and
// exits: hearthd --check-config runs it. Otherwise it is started only by hearthd (process_driver)
// with `--fd 3 --driver <id> --log-level <spec>`: fd 3 is
// its end of a Unix stream socket pair, resource limits are already applied. main() goes through
// the steps in order: arguments, process set-up, logging at hearthd's levels, the start message,
// confinement (the sandbox), the real plugin load, then the worker loop: an inproc_driver on this
// process's io_context (driver thread + call watchdog), exactly as hearthd would run it
// in-process, whose driver_events are serialized onto the socket (socket_sink). It sends a
// heartbeat every heartbeat_ms from its own loop, and exits when the socket closes or a stop
// message arrives. Logs go to stderr (inherited from hearthd: the journal), prefixed with the
// driver id and pid.
//
// Back-pressure towards the core: frames wait in one ordered queue while the socket is busy;
// a state report for a device that already has a queued state frame (with nothing but other
// states queued after it) is merged into that frame, so a flooding plugin costs at most one
// queued state per device; events beyond max_queued_bytes are dropped and counted (heartbeat
// stats). Everything else (registrations, availability, command results) is never dropped.
#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20

#include "core/clock.hpp"
#include "log/levels.hpp"
#include "plugin/inproc_driver.hpp"
#include "plugin/plugin_module.hpp"
#include "plugin/plugin_probe.hpp"
#include "plugin/wire.hpp"
#include "sandbox/grants.hpp"
#include "sandbox/landlock.hpp"
#include "sandbox/sandbox.hpp"
#include "sandbox/seccomp_filter.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <system_error>

namespace {

namespace asio = boost::asio;
using json = nlohmann::json;
using steady = std::chrono::steady_clock;
using std::chrono::milliseconds;
using socket_t = asio::local::stream_protocol::socket;

constexpr std::size_t max_write_batch = std::size_t{256} * 1024;
constexpr std::size_t max_queued_bytes = 8u << 20;

[[noreturn]] void out_of_memory() {
    static const char msg[] = "hearth-driver-host: out of memory (address-space limit reached)\n";
    [[maybe_unused]] auto n = ::write(2, msg, sizeof msg - 1);
    ::_exit(hearth::wire::exit_memory_limit);
}

[[noreturn]] void finish(int code) {
    for (const auto s : hearth::log::all_subsystems) hearth::log::get(s).flush();
    std::fflush(nullptr);
    ::_exit(code);  // no static destructors: plugins are never unloaded (plugin_module.hpp)
}

/// driver_events of the worker's inproc_driver: every event becomes a frame (see file comment).
class socket_sink final : public hearth::driver_events {
public:
    explicit socket_sink(socket_t& socket) : socket_(socket) {}

    void on_device_registered(const std::string&, hearth::device_descriptor d) override {
        push(hearth::wire::device_registered_message(d.raw));
    }
    void on_device_removed(const std::string&, const std::string& device) override {
        push(hearth::wire::device_removed_message(device));
    }
    void on_state(const std::string&, const std::string& device, json state) override {
        if (auto open = open_state_.find(device); open != open_state_.end()) {
            entry& e = queue_[open->second - head_seq_];
            for (auto& [k, v] : state.items()) e.state[k] = std::move(v);
            ++coalesced_;
            return;
        }
        open_state_[device] = head_seq_ + queue_.size();
        queue_.push_back({{}, device, std::move(state)});
        queued_bytes_ += 64;
        write_more();
    }
    void on_event(const std::string&, const std::string& device, json event) override {
        if (queued_bytes_ > max_queued_bytes) {
            ++dropped_events_;
            return;
        }
        push(hearth::wire::event_message(device, event));
    }
    void on_availability(const std::string&, const std::string& device, bool online) override {
        push(hearth::wire::availability_message(device, online));
    }
    void on_command_done(const std::string&, std::uint64_t id, int status, std::string message) override {
        push(hearth::wire::command_done_message(id, status, message));
    }
    void on_ready(const std::string&) override { push(hearth::wire::ready_message()); }
    void on_failed(const std::string&, const std::string& reason) override {
        // A driver that refused its config ("create failed") will refuse it again: restarting cannot
        // help, so the core quarantines at once. Anything else: the core kills and restarts us.
        const bool fatal = reason.rfind("create failed", 0) == 0;
        push(hearth::wire::failed_message(reason, fatal));
    }

    /// Queues any frame in order; no later state report is merged across it.
    void push(const json& message) {
        open_state_.clear();
        std::string bytes;
        try {
            hearth::wire::append_frame(bytes, message);
        } catch (const std::length_error& e) {
            hearth::log::plugin().error("frame dropped: {}", e.what());
            return;
        }
        queued_bytes_ += bytes.size();
        queue_.push_back({std::move(bytes), {}, {}});
        write_more();
    }

    [[nodiscard]] json stats() const {
        return {{"dropped_events", dropped_events_}, {"coalesced_states", coalesced_}, {"queued", queue_.size()}};
    }

private:
    struct entry {
        std::string bytes;  ///< an encoded frame, or empty for a (mergeable) state
        std::string device;
        json state;
    };

    void write_more() {
        if (writing_ || queue_.empty()) return;
        auto buf = std::make_shared<std::string>();
        while (!queue_.empty() && buf->size() < max_write_batch) {
            entry& e = queue_.front();
            if (e.bytes.empty()) {
                if (auto open = open_state_.find(e.device); open != open_state_.end() && open->second == head_seq_) {
                    open_state_.erase(open);
                }
                hearth::wire::append_frame(*buf, hearth::wire::state_message(e.device, e.state));
                queued_bytes_ -= std::min<std::size_t>(queued_bytes_, 64);
            } else {
                *buf += e.bytes;
                queued_bytes_ -= std::min(queued_bytes_, e.bytes.size());
            }
            queue_.pop_front();
            ++head_seq_;
        }
        writing_ = true;
        asio::async_write(socket_, asio::buffer(*buf), [this, buf](const boost::system::error_code& ec, std::size_t) {
            writing_ = false;
            if (ec) {
                hearth::log::plugin().error("socket write failed ({}); exiting", ec.message());
                finish(hearth::wire::exit_ok);
            }
            write_more();
        });
    }

    socket_t& socket_;
    std::deque<entry> queue_;
    std::uint64_t head_seq_ = 0;                       ///< sequence number of queue_.front()
    std::map<std::string, std::uint64_t> open_state_;  ///< device -> mergeable queued state
    std::size_t queued_bytes_ = 0;
    bool writing_ = false;
    std::uint64_t dropped_events_ = 0;
    std::uint64_t coalesced_ = 0;
};

/// Reads frames synchronously until one message is complete (only the start message).
json read_start(socket_t& socket, hearth::wire::frame_reader& reader) {
    json m;
    std::array<char, 4096> buf{};
    for (;;) {
        const auto r = reader.next(m);
        if (r == hearth::wire::frame_reader::result::message) return m;
        if (r == hearth::wire::frame_reader::result::error) {
            hearth::log::plugin().error("protocol error before start: {}", reader.error());
            finish(hearth::wire::exit_protocol);
        }
        boost::system::error_code ec;
        const std::size_t n = socket.read_some(asio::buffer(buf), ec);
        if (ec) finish(hearth::wire::exit_ok);  // the core went away before starting us
        reader.feed(buf.data(), n);
    }
}

[[noreturn]] void fail_fatal(socket_t& socket, const std::string& reason,
                             spdlog::logger& logger = hearth::log::plugin()) {
    logger.error("{}", reason);
    boost::system::error_code ec;
    asio::write(socket, asio::buffer(hearth::wire::encode(hearth::wire::failed_message(reason, true))), ec);
    finish(hearth::wire::exit_ok);
}

/// `hearth-driver-host --describe <plugin.so> <name>`: prints what the plugin declares (its
/// name, version, sandbox manifest and config schema) as one JSON object on stdout, read by a
/// confined child (plugin_probe.hpp); exit 0, or 1 with {"error": ...}. Used by
/// `hearthd --check-config` so that hearthd never loads plugin code itself.
int describe(const std::string& plugin_path, const std::string& plugin_name) {
    const json answer = hearth::probe_plugin(plugin_path, plugin_name, milliseconds(10000));
    std::printf("%s\n", answer.dump(-1, ' ', false, json::error_handler_t::replace).c_str());
    return answer.contains("error") ? 1 : 0;
}

/// What hearthd passed on the command line.
struct worker_args {
    int fd = -1;                      ///< the socket to the core
    std::string driver_id = "?";      ///< for the log lines
    std::string log_levels = "info";  ///< hearthd's levels (log/levels.hpp spec)
};

/// The arguments, or nothing when fd is missing or not a socket (not started by hearthd).
std::optional<worker_args> parse_args(int argc, char** argv) {
    worker_args args;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string key = argv[i];
        if (key == "--fd") {
            args.fd = std::atoi(argv[i + 1]);
        } else if (key == "--driver") {
            args.driver_id = argv[i + 1];
        } else if (key == "--log-level") {
            args.log_levels = argv[i + 1];
        }
    }
    struct stat st {};
    if (args.fd < 0 || ::fstat(args.fd, &st) != 0 || !S_ISSOCK(st.st_mode)) return std::nullopt;
    return args;
}

/// Signals, memory exhaustion and malloc arenas as a worker needs them.
void set_up_process() {
    ::signal(SIGPIPE, SIG_IGN);
    // A terminal's Ctrl-C reaches the whole foreground process group, workers included; hearthd
    // stops its workers itself (stop message, then SIGTERM/SIGKILL), so the worker ignores it.
    ::signal(SIGINT, SIG_IGN);
    std::set_new_handler(out_of_memory);
    // Each extra arena reserves 64 MiB of address space (RLIMIT_AS); no other thread runs yet.
    ::mallopt(M_ARENA_MAX, 1);  // NOLINT(concurrency-mt-unsafe)
}

/// hearthd's line format with the worker's own marker, at hearthd's levels.
void set_up_logging(const worker_args& args) {
    // '%' in an id must not become a pattern flag.
    std::string tag;
    for (const char c : args.driver_id) tag += c == '%' ? std::string("%%") : std::string(1, c);
    hearth::log::setup_sink("[%l] [driver " + tag + " pid %P]");
    std::string level_error;
    if (const auto levels = hearth::log::parse_levels(args.log_levels, level_error)) {
        hearth::log::apply(*levels);
    } else {
        hearth::log::plugin().error("--log-level: {}; logging at info", level_error);
    }
}

/// The start message's contents (wire.hpp).
struct start_settings {
    std::string plugin_path;
    hearth::driver_config driver;
    hearth::driver_limits limits;
    milliseconds heartbeat{500};
    json sandbox;  ///< the driver's "sandbox" section (mode, narrow, disable)
};

/// Reads the start message, or exits with exit_protocol when it is not a valid one.
start_settings read_start_settings(socket_t& socket, hearth::wire::frame_reader& reader) {
    const json start = read_start(socket, reader);
    start_settings s;
    try {
        if (start.at("t") != "start") throw std::invalid_argument("first message is not start");
        s.plugin_path = start.at("plugin_path").get<std::string>();
        s.driver.plugin = start.at("plugin_name").get<std::string>();
        s.driver.id = start.at("id").get<std::string>();
        s.driver.config = start.at("config");
        const json& settings = start.at("settings");
        s.limits.call_timeout = milliseconds(settings.at("call_timeout_ms").get<std::int64_t>());
        s.limits.max_failures = settings.at("max_failures").get<int>();
        s.heartbeat = milliseconds(std::max<std::int64_t>(10, settings.at("heartbeat_ms").get<std::int64_t>()));
    } catch (const std::exception& e) {
        hearth::log::plugin().error("bad start message: {}", e.what());
        finish(hearth::wire::exit_protocol);
    }
    s.sandbox = start.value("sandbox", json::object());
    if (!s.sandbox.is_object()) s.sandbox = json::object();
    return s;
}

/// The grants of the plugin's manifest (read by a confined child, read_manifest), narrowed by
/// the driver's config; a plugin without a valid manifest is a fatal failure.
hearth::sandbox::grants granted(socket_t& socket, const start_settings& s) {
    const json probe =
        hearth::probe_plugin(s.plugin_path, s.driver.plugin, s.limits.call_timeout, socket.native_handle());
    if (!probe.contains("manifest") || !probe["manifest"].is_string()) {
        const std::string why =
            probe.contains("error") && probe["error"].is_string() ? probe["error"].get<std::string>() : "no answer";
        fail_fatal(socket, "cannot load plugin: " + why);
    }
    std::string error;
    const auto manifest = hearth::sandbox::parse_manifest(probe["manifest"].get<std::string>(), error);
    if (!manifest) fail_fatal(socket, "cannot load plugin: " + s.plugin_path + ": invalid manifest: " + error);
    return hearth::sandbox::narrow(*manifest, s.sandbox.value("narrow", json::object()));
}

/// Confinement before the plugin's code runs in this process (docs/security.md). Returns what
/// was applied for the hello message (null with the sandbox off).
json confine(socket_t& socket, const start_settings& s) {
    const auto mode = hearth::sandbox::parse_mode(s.sandbox.value("mode", "auto"));
    if (mode == hearth::sandbox::mode::off) return nullptr;
    const auto grants = granted(socket, s);
    std::set<std::string> disabled;
    if (auto d = s.sandbox.find("disable"); d != s.sandbox.end() && d->is_array()) {
        for (const auto& x : *d) {
            if (x.is_string()) disabled.insert(x.get<std::string>());
        }
    }
    const auto applied = hearth::sandbox::confine(s.plugin_path, grants, disabled);
    if (mode == hearth::sandbox::mode::required && !applied.missing.empty()) {
        std::string missing;
        for (const auto& m : applied.missing) missing += (missing.empty() ? "" : "; ") + m;
        fail_fatal(socket, "sandbox is required but a layer is missing: " + missing, hearth::log::sandbox());
    }
    return {{"mode", hearth::sandbox::mode_name(mode)},
            {"layers", applied.to_json()},
            {"grants", hearth::sandbox::to_json(grants)}};
}

/// The plugin, loaded for real (after confinement); a failure is reported to the core as fatal.
std::shared_ptr<const hearth::plugin_module> load_or_fail(socket_t& socket, const start_settings& s) {
    auto loaded = hearth::load_plugin(s.plugin_path, s.driver.plugin);
    if (!loaded) {
        const auto frame =
            hearth::wire::encode(hearth::wire::failed_message("cannot load plugin: " + loaded.error(), true));
        boost::system::error_code ec;
        asio::write(socket, asio::buffer(frame), ec);
        finish(hearth::wire::exit_ok);
    }
    return *loaded;
}

/// The running worker: the driver on this process's loop, its events framed onto the socket,
/// the heartbeat, the call watchdog and the core's messages (command, refresh, stop).
class worker {
public:
    /// `sink` has sent the hello already: the core learns name, version and pid first.
    worker(asio::io_context& ioc, socket_t& socket, hearth::wire::frame_reader& reader, socket_sink& sink,
           std::shared_ptr<const hearth::plugin_module> module, const start_settings& s)
        : socket_(socket),
          reader_(reader),
          sink_(sink),
          heartbeat_(s.heartbeat),
          driver_(ioc, std::move(module), s.driver, sink_, clock_, s.limits),
          heartbeat_timer_(ioc),
          health_timer_(ioc),
          health_period_(std::clamp(s.limits.call_timeout / 5, milliseconds(10), milliseconds(200))) {}

    /// Arms everything; the caller runs the loop.
    void start() {
        beat();
        driver_.start();
        check();
        read_more();
    }

private:
    void stop_and_exit(milliseconds budget) {
        driver_.stop(budget);
        finish(hearth::wire::exit_ok);
    }

    /// Heartbeat: from this loop, so a stopped or wedged process goes silent (the core kills it).
    void beat() {
        const auto st = driver_.status();
        json stats = sink_.stats();
        stats["calls"] = st.calls;
        stats["errors"] = st.errors;
        stats["last_error"] = st.last_error;
        sink_.push(hearth::wire::heartbeat_message(clock_.now_ms(), stats));
        heartbeat_timer_.expires_after(heartbeat_);
        heartbeat_timer_.async_wait([this](const boost::system::error_code& e) {
            if (!e) beat();
        });
    }

    /// The inproc watchdog: a hung plugin call -> on_failed -> "failed" frame -> the core restarts us.
    void check() {
        driver_.check_health(steady::now());
        health_timer_.expires_after(health_period_);
        health_timer_.async_wait([this](const boost::system::error_code& e) {
            if (!e) check();
        });
    }

    void read_more() {
        socket_.async_read_some(asio::buffer(buf_), [this](const boost::system::error_code& e, std::size_t n) {
            if (e) return stop_and_exit(milliseconds(1000));  // EOF: the core stops us or is gone
            reader_.feed(buf_.data(), n);
            json m;
            for (;;) {
                const auto r = reader_.next(m);
                if (r == hearth::wire::frame_reader::result::need_more) break;
                if (r == hearth::wire::frame_reader::result::error) {
                    hearth::log::plugin().error("protocol error: {}", reader_.error());
                    finish(hearth::wire::exit_protocol);
                }
                handle(m);
            }
            read_more();
        });
    }

    /// One message of the core; anything malformed ends the worker (exit_protocol).
    void handle(const json& m) {
        try {
            const auto& t = m.at("t").get_ref<const std::string&>();
            if (t == "command") {
                driver_.send_command(m.at("id").get<std::uint64_t>(), m.at("device").get<std::string>(),
                                     m.at("body").get<std::string>());
            } else if (t == "refresh") {
                driver_.refresh(m.at("device").get<std::string>());
            } else if (t == "stop") {
                stop_and_exit(milliseconds(std::clamp<std::int64_t>(m.value("budget_ms", 1000), 10, 10000)));
            } else {
                throw std::invalid_argument("unknown message type '" + t + "'");
            }
        } catch (const std::exception& ex) {
            hearth::log::plugin().error("protocol error: {}", ex.what());
            finish(hearth::wire::exit_protocol);
        }
    }

    socket_t& socket_;
    hearth::wire::frame_reader& reader_;
    socket_sink& sink_;
    hearth::system_clock_source clock_;
    milliseconds heartbeat_;
    hearth::inproc_driver driver_;
    asio::steady_timer heartbeat_timer_;
    asio::steady_timer health_timer_;
    milliseconds health_period_;
    std::array<char, std::size_t{64} * 1024> buf_{};
};

}  // namespace

int main(int argc, char** argv) {
    if (argc == 4 && std::string(argv[1]) == "--describe") return describe(argv[2], argv[3]);
    const auto args = parse_args(argc, argv);
    if (!args) {
        std::fprintf(stderr,
                     "usage: hearth-driver-host --fd N [--driver ID] [--log-level SPEC]: N must be a socket "
                     "(started by hearthd only)\n"
                     "       hearth-driver-host --describe PLUGIN.so NAME: print what the plugin declares\n");
        return hearth::wire::exit_usage;
    }
    set_up_process();
    set_up_logging(*args);

    asio::io_context ioc(1);
    socket_t socket(ioc);
    boost::system::error_code ec;
    socket.assign(asio::local::stream_protocol(), args->fd, ec);
    if (ec) {
        hearth::log::plugin().error("fd {} is not usable: {}", args->fd, ec.message());
        return hearth::wire::exit_usage;
    }
    hearth::wire::frame_reader reader;
    const start_settings settings = read_start_settings(socket, reader);
    const json sandbox_report = confine(socket, settings);
    const auto module = load_or_fail(socket, settings);
    socket_sink sink(socket);
    sink.push(hearth::wire::hello_message(module->name, module->version, ::getpid(), sandbox_report));
    worker w(ioc, socket, reader, sink, module, settings);
    w.start();
    ioc.run();
    finish(hearth::wire::exit_ok);
}
