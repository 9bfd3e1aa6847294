// The gateway: driver reports -> registry -> observers; commands -> drivers (see gateway.hpp).
#include "core/gateway.hpp"

#include "core/json_input.hpp"
#include "log/log.hpp"

#include <hearth/plugin.h>

#include <algorithm>
#include <random>

namespace hearth {

using json = nlohmann::json;
using steady = std::chrono::steady_clock;

namespace {
std::string status_text(int status) {
    switch (status) {
    case HEARTH_ERR_INVALID: return "invalid";
    case HEARTH_ERR_UNSUPPORTED: return "unsupported";
    case HEARTH_ERR_DEVICE: return "device error";
    case HEARTH_ERR_OFFLINE: return "device offline";
    case HEARTH_ERR_TIMEOUT: return "device timeout";
    case HEARTH_ERR_INTERNAL: return "driver error";
    default: return "error " + std::to_string(status);
    }
}
}  // namespace

gateway::gateway(boost::asio::io_context& loop, const clock_source& clock, options opts)
    : loop_(loop), clock_(clock), opts_(opts), guard_(opts.reports), watchdog_(loop), started_at_(steady::now()) {}

gateway::~gateway() { stop(std::chrono::milliseconds(1000)); }

void gateway::add_observer(gateway_observer* observer) {
    loop_thread_.assert_on_loop_thread("gateway::add_observer");
    observers_.push_back(observer);
}

void gateway::remove_observer(gateway_observer* observer) {
    loop_thread_.assert_on_loop_thread("gateway::remove_observer");
    observers_.erase(std::remove(observers_.begin(), observers_.end(), observer), observers_.end());
}

template <class F>
void gateway::notify(F&& f) {
    const auto snapshot = observers_;  // observers may add/remove observers while notified
    for (gateway_observer* o : snapshot) f(*o);
}

void gateway::bridge_event(json event) {
    event["ts"] = clock_.now_ms();
    notify([&](gateway_observer& o) { o.on_bridge_event(event); });
}

namespace {
/// A user's name wins over the one in a driver's (or the stored) descriptor.
void apply_user_name(const std::map<std::string, std::string>& names, device_descriptor& descriptor) {
    auto it = names.find(descriptor.id);
    if (it == names.end()) return;
    descriptor.name = it->second;
    descriptor.raw["name"] = it->second;
}
}  // namespace

void gateway::restore_device(device_descriptor descriptor, json state) {
    loop_thread_.assert_on_loop_thread("gateway::restore_device");
    apply_user_name(user_names_, descriptor);
    registry_.restore(std::move(descriptor), std::move(state));
}

void gateway::start_drivers(const std::vector<driver_config>& drivers, const driver_factory& factory) {
    loop_thread_.assert_on_loop_thread("gateway::start_drivers");
    started_at_ = steady::now();
    for (const auto& dc : drivers) {
        if (!dc.enabled) {
            log::plugin().info("driver '{}' ({}) is disabled in the config", dc.id, dc.plugin);
            continue;
        }
        std::string error;
        auto link = factory(dc, *this, error);
        if (!link) {
            log::plugin().error("driver '{}' not started: {}", dc.id, error);
            driver_status st;
            st.id = dc.id;
            st.plugin = dc.plugin;
            st.state = driver_state::quarantined;
            st.last_error = error;
            failed_to_load_[dc.id] = st;
            bridge_event({{"type", "plugin_failed"}, {"driver", dc.id}, {"plugin", dc.plugin}, {"reason", error}});
            continue;
        }
        ready_[dc.id] = false;
        refresh_interval_ms_[dc.id] = dc.refresh_min_interval_ms;
        driver_link* raw = link.get();
        links_[dc.id] = std::move(link);
        // A worker loads its plugin after start(): announced on its hello (on_loaded), so a
        // plugin that cannot load (a truncated .so) is never announced before it fails.
        if (!raw->loads_later()) on_loaded(dc.id);
        raw->start();
    }
    arm_watchdog();
    check_ready(false);
}

void gateway::arm_watchdog() {
    watchdog_.expires_after(opts_.watchdog_period);
    watchdog_.async_wait([this](const boost::system::error_code& ec) {
        if (ec || stopping_) return;
        const auto now = steady::now();
        for (auto& [id, link] : links_) link->check_health(now);
        std::vector<std::uint64_t> expired;
        for (const auto& [cid, p] : pending_) {
            if (p.deadline <= now) expired.push_back(cid);
        }
        for (auto cid : expired) {
            auto node = pending_.extract(cid);
            log::core().warn("command {} to '{}' timed out", cid, node.mapped().device);
            node.mapped().done({false, HEARTH_ERR_TIMEOUT, "the driver did not complete the command in time"});
        }
        if (!ready_announced_ && now - started_at_ >= opts_.ready_timeout) check_ready(true);
        arm_watchdog();
    });
}

void gateway::check_ready(bool timed_out) {
    if (ready_announced_) return;
    std::vector<std::string> waiting;
    for (const auto& [id, ready] : ready_) {
        if (!ready && links_.at(id)->usable()) waiting.push_back(id);
    }
    if (!waiting.empty() && !timed_out) return;
    for (const auto& id : waiting)
        log::plugin().warn("driver '{}' did not report ready in time; starting rules anyway", id);
    ready_announced_ = true;
    log::core().info("all drivers ready ({} devices)", registry_.size());
    notify([](gateway_observer& o) { o.on_drivers_ready(); });
}

void gateway::execute(const std::string& device_id, device_command command, const command_source& source,
                      command_callback done) {
    loop_thread_.assert_on_loop_thread("gateway::execute");
    auto fail = [&](int status, std::string why) { done({false, status, std::move(why)}); };
    if (stopping_) return fail(HEARTH_ERR_UNSUPPORTED, "the gateway is shutting down");
    device_entry* device = registry_.find(device_id);
    if (device == nullptr) return fail(HEARTH_ERR_INVALID, "unknown device '" + device_id + "'");
    if (auto why = validate_command(device->descriptor, command)) {
        ++device->command_errors;
        return fail(HEARTH_ERR_INVALID, *why);
    }
    auto link = links_.find(device->descriptor.driver);
    if (auto q = quarantined_.find(device->descriptor.driver); q != quarantined_.end()) {
        ++device->command_errors;
        return fail(HEARTH_ERR_UNSUPPORTED, "driver '" + device->descriptor.driver + "' of device '" + device_id +
                                                "' is quarantined (" + q->second + ")");
    }
    if (link == links_.end() || !link->second->usable()) {
        ++device->command_errors;
        std::string why = "driver '" + device->descriptor.driver + "' of device '" + device_id + "' is not running";
        const auto st = link != links_.end() ? link->second->status() : driver_status{};
        if (!st.last_error.empty()) why += " (" + st.last_error + ")";
        return fail(HEARTH_ERR_UNSUPPORTED, why);
    }
    if (device->descriptor.type == device_type::lock && !lock_gate(*device, command, source, done)) return;
    if (!device->online) {
        ++device->command_errors;
        return fail(HEARTH_ERR_OFFLINE, "device '" + device_id + "' is offline");
    }
    const std::uint64_t cid = next_command_++;
    log::core().debug("command {} from {} {} -> {}: {}", cid, source.kind, source.who, device_id, command.name);
    pending_[cid] =
        pending_command{device->descriptor.driver, device_id, std::move(done), steady::now() + opts_.command_timeout};
    notify([&](gateway_observer& o) { o.on_command_sent(*device, command, source); });
    link->second->send_command(cid, device_id, command.to_driver_json().dump());
}

bool gateway::refresh(const std::string& device_id) {
    loop_thread_.assert_on_loop_thread("gateway::refresh");
    const device_entry* device = registry_.find(device_id);
    if (device == nullptr) return false;
    ++lock_health_.refresh_requested;
    refresh_slot& slot = refresh_[device_id];
    if (slot.queued) {  // one already waits: this request is served by it
        ++lock_health_.refresh_coalesced;
        return true;
    }
    auto interval_it = refresh_interval_ms_.find(device->descriptor.driver);
    const auto interval =
        std::chrono::milliseconds(interval_it != refresh_interval_ms_.end() ? interval_it->second : 1000);
    const auto now = steady::now();
    if (!slot.sent_once || now - slot.last_sent >= interval) {
        send_refresh(device_id);
        return true;
    }
    slot.queued = std::make_unique<boost::asio::steady_timer>(loop_, slot.last_sent + interval);
    slot.queued->async_wait([this, device_id](const boost::system::error_code& ec) {
        if (ec || stopping_) return;
        auto it = refresh_.find(device_id);
        if (it == refresh_.end()) return;
        auto keep = std::move(it->second.queued);  // this handler's timer lives until it returns
        if (registry_.find(device_id) != nullptr) send_refresh(device_id);
    });
    return true;
}

void gateway::send_refresh(const std::string& device_id) {
    const device_entry* device = registry_.find(device_id);
    if (device == nullptr) return;
    refresh_slot& slot = refresh_[device_id];
    slot.last_sent = steady::now();
    slot.sent_once = true;
    auto link = links_.find(device->descriptor.driver);
    if (link == links_.end() || !link->second->usable()) return;
    ++lock_health_.refresh_sent;
    link->second->refresh(device_id);
}

bool gateway::remove_device(const std::string& device_id) {
    loop_thread_.assert_on_loop_thread("gateway::remove_device");
    if (!registry_.remove(device_id)) return false;
    refresh_.erase(device_id);
    user_names_.erase(device_id);
    notify([&](gateway_observer& o) { o.on_device_removed(device_id); });
    bridge_event({{"type", "device_removed"}, {"device", device_id}});
    return true;
}

bool gateway::rename_device(const std::string& device_id, const std::string& name) {
    loop_thread_.assert_on_loop_thread("gateway::rename_device");
    device_entry* device = registry_.find(device_id);
    if (device == nullptr) return false;
    user_names_[device_id] = name;
    device->descriptor.name = name;
    device->descriptor.raw["name"] = name;
    notify([&](gateway_observer& o) { o.on_device_renamed(*device); });
    notify([&](gateway_observer& o) { o.on_device_updated(*device); });
    return true;
}

void gateway::stop(std::chrono::milliseconds budget) {
    loop_thread_.assert_on_loop_thread("gateway::stop");
    if (stopping_) return;
    stopping_ = true;
    watchdog_.cancel();
    for (auto& [id, slot] : refresh_)
        if (slot.queued) slot.queued->cancel();
    const auto deadline = steady::now() + budget;
    for (auto& [id, link] : links_) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now());
        link->stop(std::max(left, std::chrono::milliseconds(50)));
    }
    auto pending = std::move(pending_);
    pending_.clear();
    for (auto& [cid, p] : pending) p.done({false, HEARTH_ERR_UNSUPPORTED, "the gateway is shutting down"});
}

std::vector<driver_status> gateway::drivers() const {
    std::vector<driver_status> out;
    for (const auto& [id, link] : links_) {
        out.push_back(link->status());
        if (auto q = quarantined_.find(id); q != quarantined_.end()) {
            out.back().state = driver_state::quarantined;
            out.back().last_error = q->second;
        }
    }
    for (const auto& [id, st] : failed_to_load_) out.push_back(st);
    return out;
}

namespace {
bool is_lock_operation(const std::string& name) { return name == "lock" || name == "unlock" || name == "unlatch"; }
}  // namespace

void gateway::emit_device_event(const std::string& device_id, json event) {
    loop_thread_.assert_on_loop_thread("gateway::emit_device_event");
    device_entry* device = registry_.find(device_id);
    if (device == nullptr) return;
    if (!event.contains("ts")) event["ts"] = clock_.now_ms();
    notify([&](gateway_observer& o) { o.on_device_event(*device, event); });
}

namespace {
std::string new_op_id(std::int64_t now_ms) {
    static std::mt19937_64 rng{std::random_device{}()};
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
    return std::to_string(now_ms) + "-" + buf;
}

/// The lock_operation vocabulary of drivers, mapped onto the core's (docs/device-model.md).
std::string normalized_result(const std::string& r) {
    if (r == "success") return "ok";
    if (r == "failure" || r == "failed") return "error";
    return r;
}
}  // namespace

bool gateway::write_audit(const audit_entry& e) {
    if (!audit_) return true;
    try {
        audit_(e);
        if (!lock_health_.last_audit_error.empty()) {
            log::lock().info("audit log writable again");
            lock_health_.last_audit_error.clear();
            bridge_event({{"type", "audit_recovered"}});
        }
        return true;
    } catch (const std::exception& ex) {
        ++lock_health_.audit_failures;
        log::lock().error("audit log write failed for {} ({}) on '{}': {}", e.action, e.result, e.target, ex.what());
        if (lock_health_.last_audit_error.empty())
            bridge_event({{"type", "audit_failed"}, {"error", std::string(ex.what())}});
        lock_health_.last_audit_error = ex.what();
        return false;
    }
}

void gateway::audit_lock(const device_entry& device, const std::string& operation, const command_source& source,
                         const std::string& result, const std::string& reason, const std::string& op_id) {
    audit_entry e{clock_.now_ms(),      source.who, source.kind,   "lock." + operation,
                  device.descriptor.id, result,     json::object()};
    if (!reason.empty()) e.detail["reason"] = reason;
    if (!op_id.empty()) e.detail["op"] = op_id;
    write_audit(e);
    json ev = {{"event_type", "lock_operation"},
               {"operation", operation},
               {"source", source.kind},
               {"user", source.who},
               {"result", result}};
    if (!reason.empty()) ev["reason"] = reason;
    emit_device_event(device.descriptor.id, std::move(ev));
}

bool gateway::lock_gate(device_entry& device, const device_command& command, const command_source& source,
                        command_callback& done) {
    const std::string& op = command.name;
    // Settings writes weaken or strengthen safety (auto-relock, alarm, door sensor): guarded too.
    const bool guarded = is_lock_operation(op) || op == "set";
    if (!guarded && !command.issued_at_ms) return true;
    const lock_decision d =
        locks_.check(device.descriptor.id, op, command.code, command.issued_at_ms, source.kind, clock_.now_ms());
    if (!d.allowed) {
        ++device.command_errors;
        log::lock().warn("lock '{}': {} from {} {} refused: {}", device.descriptor.id, op, source.kind, source.who,
                         d.reason);
        audit_lock(device, op, source, d.result, d.reason);
        if (d.lockout_started) {
            emit_device_event(device.descriptor.id, {{"event_type", "lock_alarm"}, {"alarm", "wrong_code_limit"}});
        }
        done({false, HEARTH_ERR_INVALID, d.reason});
        return false;
    }
    if (!guarded) return true;
    if (!device.online) {
        const std::string why =
            "lock '" + device.descriptor.id + "' is offline: the command was not sent (never queued)";
        audit_lock(device, op, source, "error", why);
        ++device.command_errors;
        done({false, HEARTH_ERR_OFFLINE, why});
        return false;
    }
    // The attempt is on disk before the driver hears of it: a crash from here on leaves an attempt
    // without outcome, which the next start reports as "unknown" (lock_supervisor).
    const std::string op_id = new_op_id(clock_.now_ms());
    audit_entry attempt{clock_.now_ms(),      source.who, source.kind,    "lock." + op,
                        device.descriptor.id, "attempt",  {{"op", op_id}}};
    if (op == "set") {
        json props = json::array();
        for (const auto& [k, v] : command.params.items()) props.push_back(k);
        attempt.detail["properties"] = props;
    }
    if (!write_audit(attempt)) {
        if (op != "lock") {
            ++lock_health_.refused_unaudited;
            ++device.command_errors;
            const std::string why = "the audit log cannot be written (" + lock_health_.last_audit_error + "): " + op +
                                    " is refused until it can (fail closed)";
            audit_lock(device, op, source, "error", why);
            done({false, HEARTH_ERR_INTERNAL, why});
            return false;
        }
        // Locking makes the home safer: it goes ahead unaudited rather than leaving a door open
        // (an attacker who fills the disk must not be able to stop the owner or the auto-relock).
        ++lock_health_.unaudited_locks;
        log::lock().error("lock '{}': locking although its attempt could not be audited", device.descriptor.id);
    }
    ++locks_in_flight_[device.descriptor.id];
    done = [this, id = device.descriptor.id, op, op_id, source, inner = std::move(done)](const command_outcome& o) {
        if (auto it = locks_in_flight_.find(id); it != locks_in_flight_.end() && --it->second <= 0)
            locks_in_flight_.erase(it);
        if (const device_entry* dev = registry_.find(id))
            audit_lock(*dev, op, source, o.ok ? "ok" : "error", o.error, op_id);
        inner(o);
    };
    return true;
}

std::optional<std::string> gateway::authorize_lock_admin(const std::string& device_id, const std::string& op,
                                                         const std::optional<std::string>& code,
                                                         const command_source& source) {
    loop_thread_.assert_on_loop_thread("gateway::authorize_lock_admin");
    device_entry* device = registry_.find(device_id);
    if (device == nullptr || device->descriptor.type != device_type::lock) return std::nullopt;
    const lock_decision d = locks_.check(device_id, op, code, std::nullopt, source.kind, clock_.now_ms());
    if (!d.allowed) {
        log::lock().warn("lock '{}': {} from {} {} refused: {}", device_id, op, source.kind, source.who, d.reason);
        audit_lock(*device, op, source, d.result, d.reason);
        return d.reason;
    }
    if (op == "remove") {
        const std::string state = device->state.value("lock_state", std::string());
        const lock_settings s = locks_.settings_for(device_id);
        if (state != "locked" && (s.auto_relock_ms > 0 || s.left_unlocked_ms > 0)) {
            const std::string why = "lock '" + device_id + "' is " + (state.empty() ? "in an unknown state" : state) +
                                    ": lock it before removing it (removing it would cancel its auto-relock and "
                                    "'left unlocked' alarm)";
            audit_lock(*device, op, source, "denied", why);
            return why;
        }
    }
    if (!write_audit({clock_.now_ms(), source.who, source.kind, "lock." + op, device_id, "ok", json::object()})) {
        ++lock_health_.refused_unaudited;
        return "the audit log cannot be written (" + lock_health_.last_audit_error + "): " + op +
               " is refused until it can (fail closed)";
    }
    emit_device_event(device_id, {{"event_type", "lock_operation"},
                                  {"operation", op},
                                  {"source", source.kind},
                                  {"user", source.who},
                                  {"result", "ok"}});
    return std::nullopt;
}

void gateway::report_unknown_outcome(const lock_open_attempt& a) {
    loop_thread_.assert_on_loop_thread("gateway::report_unknown_outcome");
    const std::string reason =
        "hearthd stopped before the outcome was known; the lock's state is read again from the lock";
    const std::string op = a.action.rfind("lock.", 0) == 0 ? a.action.substr(5) : a.action;
    log::lock().warn("lock '{}': {} from {} {} at {} has no recorded outcome: reporting it as unknown", a.device_id, op,
                     a.source, a.actor, a.ts);
    write_audit({clock_.now_ms(),
                 a.actor,
                 a.source,
                 a.action,
                 a.device_id,
                 "unknown",
                 {{"op", a.op_id}, {"reason", reason}, {"attempt_ts", a.ts}}});
    emit_device_event(a.device_id, {{"event_type", "lock_operation"},
                                    {"operation", op},
                                    {"source", a.source},
                                    {"user", a.actor},
                                    {"result", "unknown"},
                                    {"reason", reason}});
    refresh(a.device_id);
}

// ---- driver_events ----

device_entry* gateway::owned_device(const std::string& driver, const std::string& device_id, const char* what) {
    device_entry* device = registry_.find(device_id);
    if (device == nullptr || !device->registered || device->descriptor.driver != driver) {
        log::core().warn("[{}] {} for device '{}' which this driver has not registered; ignored", driver, what,
                         echo(device_id));
        refused_report(driver, nullptr);
        return nullptr;
    }
    return device;
}

bool gateway::admit_report(const std::string& driver) {
    if (quarantined_.contains(driver)) return false;
    if (guard_.admit_report(driver, steady::now())) return true;
    const auto refused = guard_.refused(driver);
    if (refused == 1 || refused % 1000 == 0) {
        log::core().warn("[{}] reports dropped: more than {:.0f} per second ({} refused so far)", driver,
                         guard_.limits().max_reports_per_s, refused);
    }
    if (guard_.abusive(driver)) quarantine_driver(driver, "it keeps exceeding its report rate limit");
    return false;
}

void gateway::refused_report(const std::string& driver, device_entry* device) {
    if (device != nullptr) ++device->rejected_reports;
    guard_.count_refusal(driver);
    if (guard_.abusive(driver))
        quarantine_driver(driver, std::to_string(guard_.refused(driver)) + " registrations or reports refused");
}

void gateway::quarantine_driver(const std::string& driver, const std::string& reason) {
    if (!quarantined_.emplace(driver, reason).second) return;
    log::plugin().error("driver '{}' quarantined: {}; its reports are ignored from now on", driver, reason);
    if (links_.contains(driver)) on_failed(driver, "quarantined: " + reason);
}

void gateway::on_device_registered(const std::string& driver, device_descriptor descriptor) {
    loop_thread_.assert_on_loop_thread("gateway::on_device_registered");
    const std::string id = descriptor.id;
    if (quarantined_.contains(driver)) return;
    if (is_reserved_id(id)) {  // parse_descriptor refuses these already; a second check is cheap
        log::core().warn("[{}] cannot register device '{}': the id is reserved by the MQTT topic contract", driver, id);
        refused_report(driver, nullptr);
        return;
    }
    if (const device_entry* known = registry_.find(id); known == nullptr || known->descriptor.driver != driver) {
        if (!guard_.admit_device(driver, registry_.devices_of(driver).size())) {
            const auto refused = guard_.refused(driver);
            if (refused == 1 || refused % 100 == 0) {
                log::core().warn("[{}] cannot register device '{}': the driver already has {} devices (the limit)",
                                 driver, id, guard_.limits().max_devices_per_driver);
            }
            if (guard_.abusive(driver)) {
                quarantine_driver(driver, "it keeps registering devices beyond the limit of " +
                                              std::to_string(guard_.limits().max_devices_per_driver));
            }
            return;
        }
    }
    apply_user_name(user_names_, descriptor);  // a user's name wins over the driver's
    switch (registry_.upsert(std::move(descriptor))) {
    case device_registry::upsert_result::conflict:
        log::core().error("[{}] cannot register device '{}': it belongs to driver '{}'", driver, id,
                          registry_.find(id)->descriptor.driver);
        return;
    case device_registry::upsert_result::added:
        log::core().info("[{}] device '{}' registered", driver, id);
        if (const device_entry* d = registry_.find(id); d != nullptr && d->descriptor.type == device_type::lock) {
            const lock_settings s = locks_.settings_for(id);
            if (s.pin_hash.empty() && !s.pin_none) {
                log::lock().warn("lock '{}' has no PIN configured (locks.{}.pin_hash): remote unlock is refused", id,
                                 id);
            } else if (s.pin_none) {
                log::lock().warn("lock '{}' is configured with \"pin\": \"none\": it unlocks without a code", id);
            }
        }
        notify([&](gateway_observer& o) { o.on_device_added(*registry_.find(id)); });
        bridge_event({{"type", "device_added"}, {"device", id}, {"driver", driver}});
        return;
    case device_registry::upsert_result::updated:
        notify([&](gateway_observer& o) { o.on_device_updated(*registry_.find(id)); });
        return;
    }
}

void gateway::on_device_removed(const std::string& driver, const std::string& device_id) {
    loop_thread_.assert_on_loop_thread("gateway::on_device_removed");
    if (owned_device(driver, device_id, "remove_device") == nullptr) return;
    remove_device(device_id);
}

void gateway::on_state(const std::string& driver, const std::string& device_id, json state) {
    loop_thread_.assert_on_loop_thread("gateway::on_state");
    if (!admit_report(driver)) return;
    device_entry* device = owned_device(driver, device_id, "report_state");
    if (device == nullptr) return;
    state_diff diff = registry_.apply_state(device_id, state, clock_.now_ms());
    for (const auto& r : diff.rejected) log::core().warn("[{}] state of '{}' refused: {}", driver, device_id, r);
    if (!diff.rejected.empty()) guard_.count_refusal(driver);
    if (!diff.changed.empty()) notify([&](gateway_observer& o) { o.on_state_changed(*device, diff.changed); });
}

void gateway::on_event(const std::string& driver, const std::string& device_id, json event) {
    loop_thread_.assert_on_loop_thread("gateway::on_event");
    if (!admit_report(driver)) return;
    device_entry* device = owned_device(driver, device_id, "report_event");
    if (device == nullptr) return;
    auto type = event.find("event_type");
    if (type == event.end() || !type->is_string()) {
        log::core().warn("[{}] event of '{}' refused: missing \"event_type\"", driver, device_id);
        refused_report(driver, device);
        return;
    }
    if (auto ts = event.find("ts"); ts != event.end() && !ts->is_number_integer()) {
        log::core().warn("[{}] event of '{}' refused: \"ts\" must be an integer (ms since the epoch), got {}", driver,
                         device_id, ts->type_name());
        refused_report(driver, device);
        return;
    }
    const std::string t = type->get<std::string>();
    const bool snapshot = t == "snapshot" && device->descriptor.type == device_type::camera;
    if (!snapshot && !device->descriptor.events.contains(t)) {
        log::core().warn("[{}] event '{}' of '{}' refused: not declared in its descriptor", driver, echo(t), device_id);
        refused_report(driver, device);
        return;
    }
    if (!event.contains("ts")) event["ts"] = clock_.now_ms();
    device->last_seen_ms = clock_.now_ms();
    if (t == "lock_operation" && device->descriptor.type == device_type::lock) {
        // One event per operation: commands sent by the core get theirs from the core (with the
        // caller as source); the driver's own report of them is dropped. Operations the core did
        // not start (keypad, knob, the lock's own auto-lock) pass in the core's vocabulary.
        const std::string source = event.value("source", std::string());
        if (source == "remote" || locks_in_flight_.contains(device_id)) return;
        if (auto r = event.find("result"); r != event.end() && r->is_string())
            *r = normalized_result(r->get<std::string>());
    }
    notify([&](gateway_observer& o) { o.on_device_event(*device, event); });
}

void gateway::on_availability(const std::string& driver, const std::string& device_id, bool online) {
    loop_thread_.assert_on_loop_thread("gateway::on_availability");
    if (!admit_report(driver)) return;
    device_entry* device = owned_device(driver, device_id, "report_availability");
    if (device == nullptr) return;
    if (registry_.set_online(device_id, online, clock_.now_ms())) {
        log::core().info("[{}] device '{}' is {}", driver, device_id, online ? "online" : "offline");
        notify([&](gateway_observer& o) { o.on_availability_changed(*device); });
    }
}

void gateway::on_command_done(const std::string& driver, std::uint64_t command_id, int status, std::string message) {
    loop_thread_.assert_on_loop_thread("gateway::on_command_done");
    auto it = pending_.find(command_id);
    if (it == pending_.end() || it->second.driver != driver) {
        log::core().debug("[{}] result for unknown or expired command {}", driver, command_id);
        return;
    }
    auto node = pending_.extract(it);
    pending_command& p = node.mapped();
    if (status == HEARTH_OK) {
        p.done({true, HEARTH_OK, ""});
        return;
    }
    if (device_entry* device = registry_.find(p.device)) ++device->command_errors;
    if (message.empty()) message = status_text(status);
    p.done({false, status, message});
}

void gateway::on_loaded(const std::string& driver) {
    loop_thread_.assert_on_loop_thread("gateway::on_loaded");
    auto link = links_.find(driver);
    if (link == links_.end() || !load_announced_.insert(driver).second) return;  // once per driver
    const auto st = link->second->status();
    log::plugin().info("driver '{}' loaded: plugin {} {}", driver, st.plugin, st.version);
    bridge_event({{"type", "plugin_loaded"}, {"driver", driver}, {"plugin", st.plugin}, {"version", st.version}});
}

void gateway::on_ready(const std::string& driver) {
    loop_thread_.assert_on_loop_thread("gateway::on_ready");
    ready_[driver] = true;
    check_ready(false);
}

void gateway::on_failed(const std::string& driver, const std::string& reason) {
    loop_thread_.assert_on_loop_thread("gateway::on_failed");
    for (const auto& id : registry_.devices_of(driver)) {
        if (registry_.set_online(id, false, clock_.now_ms())) {
            notify([&](gateway_observer& o) { o.on_availability_changed(*registry_.find(id)); });
        }
    }
    std::vector<std::uint64_t> mine;
    for (const auto& [cid, p] : pending_) {
        if (p.driver == driver) mine.push_back(cid);
    }
    const std::string failed = "driver '" + driver + "' failed: ";
    for (auto cid : mine) {
        auto node = pending_.extract(cid);
        node.mapped().done({false, HEARTH_ERR_UNSUPPORTED, failed + reason});
    }
    const auto& link = links_.at(driver);
    bridge_event(
        {{"type", "plugin_failed"}, {"driver", driver}, {"plugin", link->status().plugin}, {"reason", reason}});
    check_ready(false);
}

}  // namespace hearth
