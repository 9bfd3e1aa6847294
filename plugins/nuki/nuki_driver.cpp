// Role: the `nuki` driver: Nuki smart locks through a Nuki Bridge's HTTP API.
//
// Threading: every driver entry and timer runs on the host's instance thread and owns all state
// (locks, trackers, availability). Network I/O never runs there, except the bounded first /list
// in start() (so a wrong token fails start clearly) and the bounded callback removal in stop().
// Bridge requests (blocking, timeout-bounded) run on worker_'s thread (io_worker), which hands
// each result back with host().set_timer(0, ...); the callback server has a thread of its own.
//
// Flow: start -> /list -> register one `lock` per smart lock, report state + online, ready ->
// register a bridge callback (pushes) and poll /list as the fallback. Commands -> /lockAction
// (nowait=1) -> status::pending; the command completes only when the bridge *reports* the target
// state (lock_tracker), fails on a jam or bridge error, or times out.
#include <utility>  // before Boost.Asio/Beast (Boost 1.74 + GCC 12 + C++20)

#include "bridge_callbacks.hpp"
#include "nuki_schema.hpp"
#include "callback_server.hpp"
#include "http_client.hpp"
#include "io_worker.hpp"
#include "lock_tracker.hpp"
#include "nuki_config.hpp"
#include "nuki_model.hpp"

#include <hearth/driver.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <random>

namespace hearth::nuki {

namespace {

using ms = std::chrono::milliseconds;
using json = nlohmann::json;
constexpr ms k_retry_cap{5000};              // next poll after a failure: min(poll interval, this)
constexpr ms k_pending_poll_fallback{1000};  // /lockState while a command waits, no callbacks
constexpr ms k_pending_poll_safety{5000};    // ... with callbacks (a lost callback)
constexpr ms k_stop_budget{1000};            // per request while unregistering in stop()
constexpr ms k_start_budget{2500};           // the synchronous first /list in start()

std::string random_hex(std::size_t bytes) {
    std::random_device rd;
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < bytes; ++i) {
        const unsigned v = rd() & 0xffu;
        out.push_back(hex[v >> 4]);
        out.push_back(hex[v & 15]);
    }
    return out;
}

struct lock_entry {
    std::uint64_t nuki_id = 0;
    int device_type = 0;
    std::string id;
    lock_tracker tracker;
    bool present = true;  ///< still listed by the bridge
    std::uint64_t timeout_timer = 0;
    std::uint64_t poll_timer = 0;
};

}  // namespace

class nuki_driver final : public driver {
public:
    /// Checked by the host before the constructor runs (ABI v1.2).
    static constexpr const char* config_schema = k_config_schema;

    nuki_driver(hearth::host& h, std::string instance, const json& config)
        : driver(h),
          instance_(std::move(instance)),
          config_(parse_config(config)),
          client_(config_.host, config_.port, config_.token, config_.hashed_token, ms(config_.timeout_ms)) {}
    ~nuki_driver() override { stop_io(); }

    void start() override {
        const http_result first = client_.get("/list", {}, std::min(ms(config_.timeout_ms), k_start_budget));
        if (first.transport_ok && (first.status == 401 || first.status == 403))
            throw command_error(status::invalid, "the Nuki bridge at " + config_.endpoint() +
                                                     " refused the API token (HTTP " + std::to_string(first.status) +
                                                     "); check \"token\"");
        start_io();
        if (!handle_list(first)) host().warn("Nuki bridge at " + config_.endpoint() + " not reachable yet; retrying");
        schedule_poll(first.ok() ? ms(config_.poll_interval_ms) : std::min(ms(config_.poll_interval_ms), k_retry_cap));
    }

    status handle_command(const command& cmd) override {
        lock_entry& lock = find(cmd.device_id);
        const int action = action_code(cmd.name);
        if (action == 0) throw command_error(status::unsupported, "a Nuki lock supports lock, unlock and unlatch");
        if (!online_ || !lock.present)
            throw command_error(status::offline, "the Nuki bridge at " + config_.endpoint() + " is unreachable");
        if (lock.tracker.busy())
            throw command_error(status::device_error, "another command is still in progress on this lock");
        lock.tracker.begin({cmd.id, cmd.name, target_state(cmd.name), false});
        lock.timeout_timer =
            host().set_timer(ms(config_.command_timeout_ms), [this, id = lock.id] { on_command_timeout(id); });
        worker_.request("/lockAction",
                        {{"nukiId", std::to_string(lock.nuki_id)},
                         {"deviceType", std::to_string(lock.device_type)},
                         {"action", std::to_string(action)},
                         {"nowait", "1"}},
                        [this, id = lock.id, cid = cmd.id](const http_result& r) { on_action_answer(id, cid, r); });
        return status::pending;
    }

    void refresh(const std::string& device_id) override { poll_lock(find(device_id).id); }

    void stop() override {
        host().cancel_timer(poll_timer_);
        for (auto& [id, lock] : locks_) finish(lock, status::offline, "the nuki driver is stopping");
        const auto begun = std::chrono::steady_clock::now();
        stop_io();
        if (callbacks_active_ && std::chrono::steady_clock::now() - begun < ms(1500))
            remove_callback(client_, callback_url_, k_stop_budget);
        callbacks_active_ = false;
    }

private:
    // ---- bridge I/O on worker_'s thread ----------------------------------------------------------

    void start_io() {
        if (config_.callback_port > 0) {
            callback_path_ = "/hearth-nuki/" + instance_ + "/" + random_hex(16);
            try {
                // Its own thread: lock commands to the bridge (worker_) never wait behind callbacks.
                server_ =
                    std::make_unique<callback_server>(config_.callback_host, config_.callback_port, callback_path_,
                                                      [this](const json& body) { on_callback_body(body); });
                callback_port_ = server_->port();
                const bool v6 = config_.callback_host.find(':') != std::string::npos;
                callback_url_ = "http://" + (v6 ? "[" + config_.callback_host + "]" : config_.callback_host) + ":" +
                                std::to_string(callback_port_) + callback_path_;
            } catch (const std::exception& e) {
                host().warn(std::string(e.what()) + "; falling back to polling only");
            }
        }
        worker_.start();
    }

    void stop_io() {
        server_.reset();  // joins the callback thread: nothing more reaches worker_
        worker_.stop();
    }

    /// On worker_'s thread: makes sure our callback URL is registered with the bridge.
    void register_callback() {
        const callback_outcome out =
            ensure_callback(client_, callback_url_, callback_url_.substr(0, callback_url_.size() - 32));
        if (!out.registered) return host().warn(out.problem + "; polling only for now");
        worker_.to_host([this] {
            if (!callbacks_active_)
                host().info("bridge callbacks registered on " + config_.callback_host + ":" +
                            std::to_string(callback_port_));
            callbacks_active_ = true;
        });
    }

    /// On the callback server's thread: a callback POST from the bridge.
    void on_callback_body(const json& body) {
        auto update = parse_callback(body);
        if (!update) return;
        worker_.to_host([this, u = *update] {
            mark_success();
            for (auto& [id, lock] : locks_)
                if (lock.nuki_id == u.nuki_id) apply(lock, u.state);
        });
    }

    // ---- state on the instance thread -----------------------------------------------------------

    lock_entry& find(const std::string& device_id) {
        auto it = locks_.find(device_id);
        if (it == locks_.end()) throw command_error(status::invalid, "unknown device '" + device_id + "'");
        return it->second;
    }

    /// Availability bookkeeping for one answer; returns its parsed body when it counts as a success.
    std::optional<json> accept(const http_result& r, const std::string& what) {
        std::string failure;
        json body;
        if (!r.transport_ok)
            failure = r.error;
        else if (r.status == 401 || r.status == 403)
            failure = what + ": the bridge refused the API token (HTTP " + std::to_string(r.status) + ")";
        else if (r.status != 200)
            failure = what + ": HTTP " + std::to_string(r.status);
        else if (body = json::parse(r.body, nullptr, false); body.is_discarded())
            failure = what + ": the answer is not JSON";
        if (!failure.empty()) {
            mark_failure(failure);
            return std::nullopt;
        }
        mark_success();
        return body;
    }

    void mark_failure(const std::string& why) {
        if (++failures_ == 1) host().warn("Nuki bridge request failed: " + why);
        if (!online_ || failures_ < config_.offline_after_failures) return;
        online_ = false;
        callbacks_active_ = false;  // the bridge may come back without them (re-checked on recovery)
        host().error("Nuki bridge at " + config_.endpoint() + " unreachable after " + std::to_string(failures_) +
                     " failed requests (" + why + "); locks offline");
        for (auto& [id, lock] : locks_) {
            host().report_availability(id, false);
            finish(lock, status::offline, "lost contact with the Nuki bridge; the outcome is unknown");
        }
    }

    void mark_success() {
        failures_ = 0;
        if (online_) return;
        online_ = true;
        if (registered_once_) host().info("Nuki bridge at " + config_.endpoint() + " reachable again");
        for (auto& [id, lock] : locks_)
            if (lock.present) host().report_availability(id, true);
        if (server_) worker_.post([this] { register_callback(); });
    }

    bool handle_list(const http_result& r) {
        auto body = accept(r, "/list");
        if (!body) return false;
        std::vector<paired_device> devices;
        try {
            devices = parse_list(*body);
        } catch (const std::exception& e) {
            host().warn(e.what());
            return false;
        }
        std::map<std::string, bool> listed;
        for (const auto& d : devices) {
            if (!is_lock_type(d.device_type)) continue;  // the Opener is not a lock
            const std::string id = device_id(config_.id_prefix, d.nuki_id);
            listed[id] = true;
            auto it = locks_.find(id);
            if (it == locks_.end()) {
                const bool door = has_door_sensor(d.last_known);
                if (!host().register_device(make_descriptor(d, id, door))) continue;
                it = locks_.emplace(id, lock_entry{d.nuki_id, d.device_type, id, lock_tracker(door)}).first;
                host().info("Nuki lock '" + d.name + "' registered as '" + id + "'");
                host().report_availability(id, true);
            } else if (!it->second.present) {
                it->second.present = true;
                host().report_availability(id, true);
            }
            apply(it->second, d.last_known);
        }
        for (auto& [id, lock] : locks_) {
            if (listed.count(id) != 0 || !lock.present) continue;
            lock.present = false;
            host().warn("Nuki lock '" + id + "' is no longer paired with the bridge");
            host().report_availability(id, false);
        }
        if (!registered_once_) host().report_ready();
        registered_once_ = true;
        return true;
    }

    void apply(lock_entry& lock, const lock_snapshot& s) {
        tracker_output out = lock.tracker.apply(s);
        host().report_state(lock.id, out.state);
        for (const auto& e : out.events) host().report_event(lock.id, e);
        if (out.done) complete(lock, *out.done);
    }

    void complete(lock_entry& lock, const completion& c) {
        host().cancel_timer(lock.timeout_timer);
        host().cancel_timer(lock.poll_timer);
        lock.timeout_timer = lock.poll_timer = 0;
        if (c.code != status::ok) host().warn("command on '" + lock.id + "' failed: " + c.message);
        host().command_result(c.id, c.code, c.message);
    }

    void finish(lock_entry& lock, status code, const std::string& message) {
        if (auto c = lock.tracker.finish(code, message)) complete(lock, *c);
    }

    void schedule_poll(ms delay) {
        poll_timer_ = host().set_timer(delay, [this] {
            worker_.request("/list", {}, [this](const http_result& r) {
                const bool ok = handle_list(r);
                schedule_poll(ok ? ms(config_.poll_interval_ms) : std::min(ms(config_.poll_interval_ms), k_retry_cap));
            });
        });
    }

    void poll_lock(const std::string& id) {
        const lock_entry& lock = find(id);
        worker_.request("/lockState",
                        {{"nukiId", std::to_string(lock.nuki_id)}, {"deviceType", std::to_string(lock.device_type)}},
                        [this, id](const http_result& r) {
                            auto it = locks_.find(id);
                            if (it == locks_.end()) return;
                            if (auto body = accept(r, "/lockState"); body && bool_field(*body, "success", true))
                                apply(it->second, parse_snapshot(*body));
                            if (it->second.tracker.busy()) arm_pending_poll(it->second);
                        });
    }

    void arm_pending_poll(lock_entry& lock) {
        host().cancel_timer(lock.poll_timer);
        lock.poll_timer = host().set_timer(callbacks_active_ ? k_pending_poll_safety : k_pending_poll_fallback,
                                           [this, id = lock.id] { poll_lock(id); });
    }

    void on_action_answer(const std::string& id, std::uint64_t command_id, const http_result& r) {
        auto it = locks_.find(id);
        if (it == locks_.end()) return;
        lock_entry& lock = it->second;
        auto still_pending = [&] { return lock.tracker.pending() && lock.tracker.pending()->id == command_id; };
        if (!still_pending()) return;  // already settled (callback, timeout)
        const std::string op = lock.tracker.pending()->command;
        auto body = accept(r, "/lockAction " + op);
        if (!still_pending()) return;  // accept() may have declared the bridge offline and failed it
        if (!body) {
            if (!r.transport_ok && r.connected)
                return finish(lock, status::timeout,
                              "the bridge did not confirm the " + op + " (" + r.error + "); the lock may still move");
            if (!r.transport_ok) return finish(lock, status::offline, "could not reach the Nuki bridge: " + r.error);
            return finish(lock, status::device_error,
                          "the Nuki bridge refused the " + op + " (HTTP " + std::to_string(r.status) + ")");
        }
        if (!bool_field(*body, "success", false))
            return finish(lock, status::device_error, "the Nuki bridge refused the " + op + " (success=false)");
        arm_pending_poll(lock);  // accepted: now wait for the lock to report the target state
    }

    void on_command_timeout(const std::string& id) {
        auto it = locks_.find(id);
        if (it == locks_.end() || !it->second.tracker.busy()) return;
        lock_entry& lock = it->second;
        lock.timeout_timer = 0;
        const std::string target = lock.tracker.pending()->target;
        finish(lock, status::timeout,
               "the lock did not report '" + target + "' within " + std::to_string(config_.command_timeout_ms / 1000) +
                   " s (last state: " + lock.tracker.lock_state() + ")");
    }

    const std::string instance_;
    const nuki_config config_;
    bridge_client client_;
    std::map<std::string, lock_entry> locks_;
    bool online_ = false;
    bool registered_once_ = false;
    bool callbacks_active_ = false;
    int failures_ = 0;
    std::uint64_t poll_timer_ = 0;
    std::string callback_path_;
    std::string callback_url_;
    int callback_port_ = 0;

    io_worker worker_{host(), client_};
    std::unique_ptr<callback_server> server_;  ///< runs on a thread of its own
};

}  // namespace hearth::nuki

HEARTH_DRIVER_WITH_MANIFEST(hearth::nuki::nuki_driver, "nuki", "1.0.0",
                            "Nuki smart locks through a Nuki Bridge (HTTP API)",
                            R"({"network": ["tcp_client", "tcp_server"]})")
