// Role: the `nuki` driver: Nuki smart locks through a Nuki Bridge's HTTP API, on hearth::kit.
//
// Threading: everything runs on the kit's one io thread: the bridge client (kit::http_client,
// requests one after another), the /list poller, the callback server and every timer. The only
// blocking calls are the bounded token check in start() and the callback removal in stop().
//
// Flow: start -> /list -> register one `lock` per smart lock, report state + online, ready ->
// register a bridge callback (pushes) and poll /list as the fallback. Commands -> /lockAction
// (nowait=1) -> status::pending; kit::pending_commands completes a command only when the bridge
// *reports* the target state, lock_tracker fails it on a jam, and it times out otherwise.
#include <utility>  // before Boost.Asio (GCC 12 + Boost 1.74)

#include "bridge_auth.hpp"
#include "lock_tracker.hpp"
#include "nuki_model.hpp"
#include "nuki_schema.hpp"

#include <hearth/kit/availability.hpp>
#include <hearth/kit/callback_server.hpp>
#include <hearth/kit/driver.hpp>
#include <hearth/kit/http_client.hpp>
#include <hearth/kit/pending_commands.hpp>
#include <hearth/kit/poller.hpp>

#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>

namespace hearth::nuki {

namespace {

namespace kit = hearth::kit;
using ms = std::chrono::milliseconds;
using answer = kit::result<json>;
constexpr ms k_retry_cap{5000};              // next poll after a failure: min(poll interval, this)
constexpr ms k_pending_poll_fallback{1000};  // /lockState while a command waits, no callbacks
constexpr ms k_pending_poll_safety{5000};    // ... with callbacks (a lost callback)
constexpr ms k_stop_budget{1000};            // per request while unregistering in stop()
constexpr ms k_start_budget{2500};           // the token check in start()

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
    lock_entry(kit::asio::io_context& io, const paired_device& d, std::string lock_id, bool door)
        : nuki_id(d.nuki_id), device_type(d.device_type), id(std::move(lock_id)), tracker(door), poll(io) {}
    std::uint64_t nuki_id;
    int device_type;
    std::string id;
    lock_tracker tracker;
    bool present = true;           ///< still listed by the bridge
    kit::asio::steady_timer poll;  ///< /lockState while a command waits
};

}  // namespace

class nuki_driver final : public kit::driver {
public:
    static constexpr const char* manifest = R"({"network": ["tcp_client", "tcp_server"]})";
    static constexpr const char* config_schema = k_config_schema;  // checked by the host (ABI v1.2)

    nuki_driver(kit::context& ctx, const json& config)
        : driver(ctx),
          config_(parse_config(config)),
          auth_(config_.token, config_.hashed_token),
          http_options_{.host = config_.host,
                        .port = static_cast<std::uint16_t>(config_.port),
                        .timeout = ms(config_.timeout_ms)},
          http_(std::make_unique<kit::http_client>(io(), http_options_)),
          bridge_([this](bool online) { on_availability(online); }, config_.offline_after_failures),
          pending_(io(), [this](std::uint64_t id, status code, const std::string& m) { completed(id, code, m); }),
          poller_(io(),
                  {.interval = ms(config_.poll_interval_ms),
                   .max_backoff = std::min(ms(config_.poll_interval_ms), k_retry_cap)},
                  [this](const kit::poller::done_fn& done) {
                      call("/list", {}, [this, done](const answer& r) { done(handle_list(r)); });
                  }) {}

    void start() override {
        if (config_.callback_port > 0) start_callback_server();  // registered once the bridge answers
        const answer first = counted(blocking_get("/list", {}, std::min(ms(config_.timeout_ms), k_start_budget)));
        if (!first && (first.error().http_status == 401 || first.error().http_status == 403)) {
            throw command_error(status::invalid, "the Nuki bridge at " + config_.endpoint() +
                                                     " refused the API token (HTTP " +
                                                     std::to_string(first.error().http_status) + "); check \"token\"");
        }
        if (!handle_list(first)) host().warn("Nuki bridge at " + config_.endpoint() + " not reachable yet; retrying");
        poller_.start(first ? ms(config_.poll_interval_ms) : std::min(ms(config_.poll_interval_ms), k_retry_cap));
    }

    status handle_command(const command& cmd) override {
        lock_entry& lock = find(cmd.device_id);
        const std::string target = target_state(cmd.name);
        if (target.empty()) throw command_error(status::unsupported, "a Nuki lock supports lock, unlock and unlatch");
        if (!bridge_.online() || !lock.present)
            throw command_error(status::offline, "the Nuki bridge at " + config_.endpoint() + " is unreachable");
        if (lock.tracker.command_id() != 0)
            throw command_error(status::device_error, "another command is still in progress on this lock");
        lock.tracker.begin(cmd.id, cmd.name);
        pending_.forget(lock.id);  // the state known so far may be stale: only a later report counts
        pending_.expect(cmd.id, lock.id, {{"lock_state", target}}, ms(config_.command_timeout_ms));
        call("/lockAction",
             {{"nukiId", std::to_string(lock.nuki_id)},
              {"deviceType", std::to_string(lock.device_type)},
              {"action", std::to_string(action_code(cmd.name))},
              {"nowait", "1"}},
             [this, &lock, cid = cmd.id, op = cmd.name](const answer& r) { on_action_answer(lock, cid, op, r); });
        return status::pending;
    }

    void refresh(const std::string& device_id) override { poll_lock(find(device_id)); }

    void stop() override {
        poller_.stop();
        pending_.fail_all(status::offline, "the nuki driver is stopping");
        http_.reset();  // no answer is delivered any more
        server_.reset();
        if (callbacks_active_) remove_callback();
        callbacks_active_ = false;
    }

private:
    // ---- the bridge ------------------------------------------------------------------------------

    /// GETs `path` with `query` and the authentication; `done` gets the JSON answer or an error
    /// whose text shows the path only. Every answer counts for the bridge's availability.
    void call(const std::string& path, const bridge_auth::params& query, std::function<void(const answer&)> done) {
        if (!http_) return;
        std::string target = auth_.target(path, query);
        http_->get_json(target, [this, target, path, done = std::move(done)](answer r) {
            done(counted(hidden(std::move(r), target, path)));
        });
    }

    /// One bounded request that must finish before the entry returns (start, stop): a client of
    /// its own on a private io_context run here for at most `budget`.
    answer blocking_get(const std::string& path, const bridge_auth::params& query, ms budget) {
        kit::asio::io_context once;
        kit::http_options options = http_options_;
        options.timeout = budget;
        kit::http_client client(once, options);
        const std::string target = auth_.target(path, query);
        std::optional<answer> out;
        client.get_json(target, [&out](answer r) { out.emplace(std::move(r)); });
        once.run_for(budget + ms(200));
        if (!out) return kit::net_error{status::timeout, "GET " + path + ": aborted"};
        return hidden(std::move(*out), target, path);
    }

    /// `r` with error texts that show the path only (the query carries the token or its hash).
    static answer hidden(answer r, const std::string& target, const std::string& path) {
        if (r) return r;
        kit::net_error e = r.error();
        e.message = hide_query(e.message, target, path);
        if (e.http_status == 401 || e.http_status == 403) {
            e.message =
                "GET " + path + ": the bridge refused the API token (HTTP " + std::to_string(e.http_status) + ")";
        }
        return e;
    }

    /// Availability bookkeeping for one answer (kit::availability: N failures -> offline).
    answer counted(answer r) {
        if (r) {
            bridge_.success();
            return r;
        }
        if (bridge_.consecutive_failures() == 0) host().warn("Nuki bridge request failed: " + r.error().message);
        last_failure_ = r.error().message;
        bridge_.failure();
        return r;
    }

    void on_availability(bool online) {
        if (!online) {
            callbacks_active_ = false;  // the bridge may come back without them (re-checked on recovery)
            host().error("Nuki bridge at " + config_.endpoint() + " unreachable after " +
                         std::to_string(bridge_.consecutive_failures()) + " failed requests (" + last_failure_ +
                         "); locks offline");
            for (auto& [id, lock] : locks_) host().report_availability(id, false);
            pending_.fail_all(status::offline, "lost contact with the Nuki bridge; the outcome is unknown");
            return;
        }
        if (registered_once_) host().info("Nuki bridge at " + config_.endpoint() + " reachable again");
        for (auto& [id, lock] : locks_)
            if (lock.present) host().report_availability(id, true);
        if (server_) register_callback();
    }

    // ---- callbacks -------------------------------------------------------------------------------

    void start_callback_server() {
        const std::string path = "/hearth-nuki/" + instance_id() + "/" + random_hex(16);
        try {
            server_ = std::make_unique<kit::callback_server>(io(), config_.callback_host, config_.callback_port, path,
                                                             [this](const json& body) { on_callback(body); });
        } catch (const std::exception& e) {
            return host().warn(std::string(e.what()) + "; falling back to polling only");
        }
        const bool v6 = config_.callback_host.find(':') != std::string::npos;
        callback_url_ = "http://" + (v6 ? "[" + config_.callback_host + "]" : config_.callback_host) + ":" +
                        std::to_string(server_->port()) + path;
        stale_prefix_ = callback_url_.substr(0, callback_url_.size() - 32);
    }

    /// The `callbacks` array of a /callback/list answer, or nullptr.
    static const json* callbacks_of(const answer& r) {
        if (!r || !r.value().is_object() || !r.value().contains("callbacks")) return nullptr;
        const json& list = r.value()["callbacks"];
        return list.is_array() ? &list : nullptr;
    }

    /// Makes sure our callback URL is registered with the bridge; first removes the URLs of
    /// earlier runs of this instance (same prefix, other random suffix): the bridge keeps 3.
    void register_callback() {
        call("/callback/list", {}, [this](const answer& r) {
            const json* listed = callbacks_of(r);
            if (listed == nullptr) {
                const std::string why = r ? "unexpected answer" : r.error().message;
                return host().warn("could not list the bridge's callbacks (" + why + "); polling only for now");
            }
            bool registered = false;
            for (const auto& cb : *listed) {
                const std::string url = string_field(cb, "url");
                registered = registered || url == callback_url_;
                if (url != callback_url_ && url.rfind(stale_prefix_, 0) == 0 && cb.contains("id"))
                    call("/callback/remove", bridge_auth::params{{"id", cb["id"].dump()}}, [](const answer&) {});
            }
            if (registered) return callbacks_registered();
            call("/callback/add", {{"url", callback_url_}}, [this](const answer& a) {
                if (a && bool_field(a.value(), "success", false)) return callbacks_registered();
                const std::string why = a ? string_field(a.value(), "message") : a.error().message;
                host().warn("the bridge did not accept the callback (" + (why.empty() ? "success=false" : why) +
                            "); polling only for now");
            });
        });
    }

    void callbacks_registered() {
        if (!callbacks_active_ && server_) {
            host().info("bridge callbacks registered on " + config_.callback_host + ":" +
                        std::to_string(server_->port()));
        }
        callbacks_active_ = true;
    }

    /// Best effort, each request bounded by k_stop_budget.
    void remove_callback() {
        const answer r = blocking_get("/callback/list", {}, k_stop_budget);
        const json* listed = callbacks_of(r);
        for (const auto& cb : listed != nullptr ? *listed : json::array()) {
            if (string_field(cb, "url") == callback_url_ && cb.contains("id"))
                blocking_get("/callback/remove", bridge_auth::params{{"id", cb["id"].dump()}}, k_stop_budget);
        }
    }

    /// A callback POST from the bridge: it can only update state, never trigger a command.
    void on_callback(const json& body) {
        const auto update = parse_callback(body);
        if (!update) return;
        bridge_.success();
        for (auto& [id, lock] : locks_)
            if (lock.nuki_id == update->nuki_id) apply(lock, update->state);
    }

    // ---- locks -----------------------------------------------------------------------------------

    lock_entry& find(const std::string& device_id) {
        auto it = locks_.find(device_id);
        if (it == locks_.end()) throw command_error(status::invalid, "unknown device '" + device_id + "'");
        return it->second;
    }

    bool handle_list(const answer& r) {
        if (!r) return false;
        std::vector<paired_device> devices;
        try {
            devices = parse_list(r.value());
        } catch (const std::exception& e) {
            host().warn(e.what());
            return false;
        }
        std::set<std::string> listed;
        for (const auto& d : devices) {
            if (!is_lock_type(d.device_type)) continue;  // the Opener is not a lock
            const std::string id = device_id(config_.id_prefix, d.nuki_id);
            listed.insert(id);
            auto it = locks_.find(id);
            const bool fresh = it == locks_.end();
            if (fresh) {
                const bool door = has_door_sensor(d.last_known);
                if (!host().register_device(make_descriptor(d, id, door))) continue;
                it = locks_.try_emplace(id, io(), d, id, door).first;
                host().info("Nuki lock '" + d.name + "' registered as '" + id + "'");
            }
            apply(it->second, d.last_known);  // the state first: it is fresh when the lock comes online
            if (fresh || !it->second.present) host().report_availability(id, true);
            it->second.present = true;
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
        const tracker_output out = lock.tracker.apply(s);
        host().report_state(lock.id, out.state);
        for (const auto& e : out.events) host().report_event(lock.id, e);
        pending_.on_state(lock.id, out.state);  // completes the command that reached its target
        if (out.verdict) pending_.fail_device(lock.id, out.verdict->first, out.verdict->second);
    }

    /// Every command ends here (pending_commands): target reported, verdict, failure, timeout.
    void completed(std::uint64_t id, status code, const std::string& message) {
        const auto it = std::find_if(locks_.begin(), locks_.end(),
                                     [id](const auto& l) { return l.second.tracker.command_id() == id; });
        if (it != locks_.end()) {
            it->second.tracker.end();
            it->second.poll.cancel();
        }
        if (code != status::ok) host().warn("command " + std::to_string(id) + " failed: " + message);
        host().command_result(id, code, message);
    }

    void poll_lock(lock_entry& lock) {
        call("/lockState", {{"nukiId", std::to_string(lock.nuki_id)}, {"deviceType", std::to_string(lock.device_type)}},
             [this, &lock](const answer& r) {
                 if (r && bool_field(r.value(), "success", true)) apply(lock, parse_snapshot(r.value()));
                 if (lock.tracker.command_id() != 0) arm_pending_poll(lock);
             });
    }

    void arm_pending_poll(lock_entry& lock) {
        lock.poll.expires_after(callbacks_active_ ? k_pending_poll_safety : k_pending_poll_fallback);
        lock.poll.async_wait([this, &lock](const boost::system::error_code& ec) {
            if (!ec) poll_lock(lock);
        });
    }

    void on_action_answer(lock_entry& lock, std::uint64_t command_id, const std::string& op, const answer& r) {
        if (lock.tracker.command_id() != command_id) return;  // already settled (callback, timeout, offline)
        if (r && bool_field(r.value(), "success", false)) return arm_pending_poll(lock);  // now await the report
        const status code = r ? status::device_error : r.error().code;
        const std::string why = r ? "success=false" : r.error().message;
        if (code == status::timeout) {
            pending_.fail_device(lock.id, code,
                                 "the bridge did not confirm the " + op + " (" + why + "); the lock may still move");
        } else if (code == status::offline) {
            pending_.fail_device(lock.id, code, "could not reach the Nuki bridge: " + why);
        } else {
            pending_.fail_device(lock.id, status::device_error, "the Nuki bridge refused the " + op + " (" + why + ")");
        }
    }

    const nuki_config config_;
    bridge_auth auth_;
    const kit::http_options http_options_;
    std::unique_ptr<kit::http_client> http_;  ///< reset in stop(): no answer after it
    std::map<std::string, lock_entry> locks_;
    kit::availability bridge_;  ///< of the bridge: every request counts
    kit::pending_commands pending_;
    kit::poller poller_;                            ///< /list
    std::unique_ptr<kit::callback_server> server_;  ///< bridge callbacks, on io()
    std::string callback_url_;
    std::string stale_prefix_;
    std::string last_failure_;
    bool registered_once_ = false;
    bool callbacks_active_ = false;
};

}  // namespace hearth::nuki

HEARTH_KIT_DRIVER(hearth::nuki::nuki_driver, "nuki", "1.0.0", "Nuki smart locks through a Nuki Bridge (HTTP API)")
