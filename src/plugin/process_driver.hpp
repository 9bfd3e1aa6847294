// A driver instance hosted in a supervised worker process (hearth-driver-host): the plugin is
// dlopen'ed there, never in hearthd, and the ABI's data travels over a Unix socket pair
// (plugin/wire.hpp). A worker that crashes (signal, abnormal exit), exceeds a resource limit,
// stops sending heartbeats, breaks the protocol or reports its driver failed is killed and
// restarted with exponential backoff; meanwhile its devices are offline and commands fail at
// once. Too many crashes within a window quarantine the driver (driver_events::on_failed).
//
// Thread: everything runs on the core loop thread (no threads of its own); driver_events are
// called there. See docs/isolation.md for the design and the failure table.
#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20

#include "core/config.hpp"
#include "core/driver_link.hpp"
#include "plugin/wire.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>

#include <sys/types.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace hearth {

/// Resource limits of one worker process; 0 = not limited (inherits the daemon's limit).
struct process_limits {
    std::uint64_t memory_mb = 0;   ///< RLIMIT_AS (address space), MiB
    std::uint64_t cpu_s = 0;       ///< RLIMIT_CPU: total CPU seconds per worker lifetime
    std::uint64_t open_files = 0;  ///< RLIMIT_NOFILE
};

/// How a process_driver runs and supervises its worker.
struct process_options {
    std::string host_path;    ///< the hearth-driver-host executable (see find_driver_host)
    std::string plugin_path;  ///< the plugin .so, loaded by the worker only
    process_limits limits;
    std::chrono::milliseconds call_timeout{5000};  ///< the worker's inproc watchdog limit
    int max_failures = 5;                          ///< consecutive internal failures (inproc rule)
    std::chrono::milliseconds heartbeat_interval{500};
    std::chrono::milliseconds heartbeat_timeout{3000};  ///< silence longer than this = hung
    /// Spawn to the worker's hello (exec, sandbox, plugin load): a slow start is not a hung
    /// loop, so until the hello the limit is the larger of this and heartbeat_timeout.
    std::chrono::milliseconds start_timeout{10000};
    std::chrono::milliseconds backoff_initial{1000};
    std::chrono::milliseconds backoff_max{60000};
    int max_restarts = 5;  ///< restarts allowed within crash_window; one more crash quarantines
    std::chrono::milliseconds crash_window{std::chrono::minutes(5)};
    std::size_t max_queued_frames = 1024;  ///< core -> worker queue bound (back-pressure)
    /// The driver sandbox (docs/security.md): "auto" | "required" | "off".
    std::string sandbox_mode = "auto";
    /// When hearthd runs as root: the worker drops to this uid/gid before exec; -1 = keep.
    std::int64_t worker_uid = -1;
    /// Tests of `required` only: layers the worker skips as if the kernel lacked them.
    std::vector<std::string> sandbox_disable;
};

/// The hearth-driver-host executable: next to the running binary (build tree), then
/// <exe dir>/../libexec/hearth/, then the compiled-in install path.
std::string find_driver_host();

class process_driver final : public driver_link {
public:
    /// `loop` is the core io_context; `events` must outlive this object.
    process_driver(boost::asio::io_context& loop, driver_config config, process_options options, driver_events& events);
    ~process_driver() override;
    process_driver(const process_driver&) = delete;
    process_driver& operator=(const process_driver&) = delete;

    [[nodiscard]] const std::string& id() const override { return config_.id; }
    /// Spawns the first worker (its plugin is loaded there, asynchronously).
    void start() override;
    /// Forwards to the worker; when it is down or its queue is full, fails at once.
    void send_command(std::uint64_t command_id, const std::string& device_id, std::string command_json) override;
    void refresh(const std::string& device_id) override;
    /// Heartbeat supervision: a worker silent for longer than heartbeat_timeout is killed.
    void check_health(std::chrono::steady_clock::time_point now) override;
    /// Asks the worker to stop, waits at most `budget`, then SIGKILLs and reaps it.
    void stop(std::chrono::milliseconds budget) override;
    [[nodiscard]] driver_status status() const override;
    /// True unless quarantined or stopped (a restarting driver is still usable: it comes back).
    [[nodiscard]] bool usable() const override;
    [[nodiscard]] bool loads_later() const override { return true; }

    /// The current worker's pid, or -1 while none runs (tests, benchmarks, health).
    [[nodiscard]] pid_t worker_pid() const { return pid_; }
    /// Workers started so far (1 after the first start).
    [[nodiscard]] int spawn_count() const { return spawns_; }
    /// The current worker's sandbox report from its hello ({"mode", "layers", "grants"}), or null.
    [[nodiscard]] const nlohmann::json& sandbox_report() const { return sandbox_report_; }

private:
    enum class phase { idle, starting, running, reaping, backoff, quarantined, stopped };

    void spawn();
    void read_more();
    void handle(const nlohmann::json& m);
    void queue_frame(const nlohmann::json& m);
    void write_more();
    /// The worker is done for (EOF, protocol error, failed, hang): kill, reap, then recover.
    void lose_worker(std::string cause, bool kill_now, bool fatal = false);
    void poll_reap(int attempts_left);
    void worker_gone(int wait_status, bool reaped);
    void quarantine(const std::string& reason);
    void fail_pending(int status, const std::string& message);

    boost::asio::io_context& loop_;
    driver_config config_;
    process_options options_;
    driver_events& events_;
    std::shared_ptr<int> life_ = std::make_shared<int>(0);  ///< handlers hold a weak_ptr to it

    phase phase_ = phase::idle;
    pid_t pid_ = -1;
    int spawns_ = 0;
    std::uint64_t generation_ = 0;  ///< bumps per worker; stale completions are ignored
    std::unique_ptr<boost::asio::local::stream_protocol::socket> socket_;
    wire::frame_reader reader_;
    std::array<char, std::size_t{64} * 1024> read_buf_{};
    std::deque<std::string> out_;  ///< frames not yet handed to the socket
    std::string writing_buf_;
    bool writing_ = false;
    boost::asio::steady_timer timer_;  ///< reap polling and restart backoff
    std::chrono::steady_clock::time_point last_heartbeat_{};

    std::string down_cause_;           ///< why the current worker is being torn down
    bool fatal_ = false;               ///< the cause cannot be fixed by restarting
    std::set<std::string> devices_;    ///< registered by the plugin, across restarts
    std::set<std::uint64_t> pending_;  ///< commands sent to the current worker, not done
    std::deque<std::chrono::steady_clock::time_point> crashes_;
    std::uint64_t dropped_reported_ = 0;
    std::uint64_t worker_calls_ = 0;  ///< as last reported by the current worker
    std::uint64_t worker_errors_ = 0;
    std::uint64_t base_calls_ = 0;  ///< totals of the previous workers (+1 error per crash)
    std::uint64_t base_errors_ = 0;
    driver_status status_;
    nlohmann::json sandbox_report_;
};

}  // namespace hearth
