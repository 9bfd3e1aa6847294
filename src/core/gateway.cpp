// The gateway: driver reports -> registry -> observers; commands -> drivers (see gateway.hpp).
#include "core/gateway.hpp"

#include "core/json_input.hpp"

#include <hearth/plugin.h>

#include <spdlog/spdlog.h>

#include <algorithm>

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

void gateway::add_observer(gateway_observer* observer) { observers_.push_back(observer); }

void gateway::remove_observer(gateway_observer* observer) {
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

void gateway::restore_device(device_descriptor descriptor, json state) {
    registry_.restore(std::move(descriptor), std::move(state));
}

void gateway::start_drivers(const std::vector<driver_config>& drivers, const driver_factory& factory) {
    started_at_ = steady::now();
    for (const auto& dc : drivers) {
        if (!dc.enabled) {
            spdlog::info("driver '{}' ({}) is disabled in the config", dc.id, dc.plugin);
            continue;
        }
        std::string error;
        auto link = factory(dc, *this, error);
        if (!link) {
            spdlog::error("driver '{}' not started: {}", dc.id, error);
            driver_status st;
            st.id = dc.id;
            st.plugin = dc.plugin;
            st.state = "quarantined";
            st.last_error = error;
            failed_to_load_[dc.id] = st;
            bridge_event({{"type", "plugin_failed"}, {"driver", dc.id}, {"plugin", dc.plugin}, {"reason", error}});
            continue;
        }
        ready_[dc.id] = false;
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
            spdlog::warn("command {} to '{}' timed out", cid, node.mapped().device);
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
    for (const auto& id : waiting) spdlog::warn("driver '{}' did not report ready in time; starting rules anyway", id);
    ready_announced_ = true;
    spdlog::info("all drivers ready ({} devices)", registry_.size());
    notify([](gateway_observer& o) { o.on_drivers_ready(); });
}

void gateway::execute(const std::string& device_id, device_command command, const command_source& source,
                      command_callback done) {
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
    if (device->descriptor.type == "lock" && !lock_gate(*device, command, source, done)) return;
    if (!device->online) {
        ++device->command_errors;
        return fail(HEARTH_ERR_OFFLINE, "device '" + device_id + "' is offline");
    }
    const std::uint64_t cid = next_command_++;
    spdlog::debug("command {} from {} {} -> {}: {}", cid, source.kind, source.who, device_id, command.name);
    pending_[cid] =
        pending_command{device->descriptor.driver, device_id, std::move(done), steady::now() + opts_.command_timeout};
    link->second->send_command(cid, device_id, command.to_driver_json().dump());
}

bool gateway::refresh(const std::string& device_id) {
    const device_entry* device = registry_.find(device_id);
    if (device == nullptr) return false;
    auto link = links_.find(device->descriptor.driver);
    if (link != links_.end() && link->second->usable()) link->second->refresh(device_id);
    return true;
}

bool gateway::remove_device(const std::string& device_id) {
    if (!registry_.remove(device_id)) return false;
    notify([&](gateway_observer& o) { o.on_device_removed(device_id); });
    bridge_event({{"type", "device_removed"}, {"device", device_id}});
    return true;
}

bool gateway::rename_device(const std::string& device_id, const std::string& name) {
    device_entry* device = registry_.find(device_id);
    if (device == nullptr) return false;
    device->descriptor.name = name;
    device->descriptor.raw["name"] = name;
    notify([&](gateway_observer& o) { o.on_device_updated(*device); });
    return true;
}

void gateway::stop(std::chrono::milliseconds budget) {
    if (stopping_) return;
    stopping_ = true;
    watchdog_.cancel();
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
            out.back().state = "quarantined";
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
    device_entry* device = registry_.find(device_id);
    if (device == nullptr) return;
    if (!event.contains("ts")) event["ts"] = clock_.now_ms();
    notify([&](gateway_observer& o) { o.on_device_event(*device, event); });
}

void gateway::audit_lock(const device_entry& device, const std::string& operation, const command_source& source,
                         const std::string& result, const std::string& reason) {
    audit_entry e{clock_.now_ms(),      source.who, source.kind,   "lock." + operation,
                  device.descriptor.id, result,     json::object()};
    if (!reason.empty()) e.detail["reason"] = reason;
    if (audit_) {
        try {
            audit_(e);
        } catch (const std::exception& ex) {
            spdlog::error("audit log write failed for {} on '{}': {}", e.action, e.target, ex.what());
        }
    }
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
    const std::string op = command.name == "set" ? "set" : command.name;
    if (!is_lock_operation(op) && !command.issued_at_ms) return true;
    const lock_decision d =
        locks_.check(device.descriptor.id, op, command.code, command.issued_at_ms, source.kind, clock_.now_ms());
    if (!d.allowed) {
        ++device.command_errors;
        spdlog::warn("lock '{}': {} from {} {} refused: {}", device.descriptor.id, op, source.kind, source.who,
                     d.reason);
        audit_lock(device, op, source, d.result, d.reason);
        if (d.lockout_started) {
            emit_device_event(device.descriptor.id, {{"event_type", "lock_alarm"}, {"alarm", "wrong_code_limit"}});
        }
        done({false, HEARTH_ERR_INVALID, d.reason});
        return false;
    }
    if (!is_lock_operation(op)) return true;
    if (!device.online) {
        const std::string why =
            "lock '" + device.descriptor.id + "' is offline: the command was not sent (never queued)";
        audit_lock(device, op, source, "error", why);
        ++device.command_errors;
        done({false, HEARTH_ERR_OFFLINE, why});
        return false;
    }
    // Record the outcome durably before the caller hears about it.
    done = [this, id = device.descriptor.id, op, source, inner = std::move(done)](const command_outcome& o) {
        if (const device_entry* dev = registry_.find(id)) audit_lock(*dev, op, source, o.ok ? "ok" : "error", o.error);
        inner(o);
    };
    return true;
}

// ---- driver_events ----

device_entry* gateway::owned_device(const std::string& driver, const std::string& device_id, const char* what) {
    device_entry* device = registry_.find(device_id);
    if (device == nullptr || !device->registered || device->descriptor.driver != driver) {
        spdlog::warn("[{}] {} for device '{}' which this driver has not registered; ignored", driver, what,
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
    if (refused == 1 || refused % 1000 == 0)
        spdlog::warn("[{}] reports dropped: more than {:.0f} per second ({} refused so far)", driver,
                     guard_.limits().max_reports_per_s, refused);
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
    spdlog::error("driver '{}' quarantined: {}; its reports are ignored from now on", driver, reason);
    if (links_.contains(driver)) on_failed(driver, "quarantined: " + reason);
}

void gateway::on_device_registered(const std::string& driver, device_descriptor descriptor) {
    const std::string id = descriptor.id;
    if (quarantined_.contains(driver)) return;
    if (is_reserved_id(id)) {  // parse_descriptor refuses these already; a second check is cheap
        spdlog::warn("[{}] cannot register device '{}': the id is reserved by the MQTT topic contract", driver, id);
        refused_report(driver, nullptr);
        return;
    }
    if (const device_entry* known = registry_.find(id); known == nullptr || known->descriptor.driver != driver) {
        if (!guard_.admit_device(driver, registry_.devices_of(driver).size())) {
            const auto refused = guard_.refused(driver);
            if (refused == 1 || refused % 100 == 0)
                spdlog::warn("[{}] cannot register device '{}': the driver already has {} devices (the limit)", driver,
                             id, guard_.limits().max_devices_per_driver);
            if (guard_.abusive(driver))
                quarantine_driver(driver, "it keeps registering devices beyond the limit of " +
                                              std::to_string(guard_.limits().max_devices_per_driver));
            return;
        }
    }
    switch (registry_.upsert(std::move(descriptor))) {
    case device_registry::upsert_result::conflict:
        spdlog::error("[{}] cannot register device '{}': it belongs to driver '{}'", driver, id,
                      registry_.find(id)->descriptor.driver);
        return;
    case device_registry::upsert_result::added:
        spdlog::info("[{}] device '{}' registered", driver, id);
        notify([&](gateway_observer& o) { o.on_device_added(*registry_.find(id)); });
        bridge_event({{"type", "device_added"}, {"device", id}, {"driver", driver}});
        return;
    case device_registry::upsert_result::updated:
        notify([&](gateway_observer& o) { o.on_device_updated(*registry_.find(id)); });
        return;
    }
}

void gateway::on_device_removed(const std::string& driver, const std::string& device_id) {
    if (owned_device(driver, device_id, "remove_device") == nullptr) return;
    remove_device(device_id);
}

void gateway::on_state(const std::string& driver, const std::string& device_id, json state) {
    if (!admit_report(driver)) return;
    device_entry* device = owned_device(driver, device_id, "report_state");
    if (device == nullptr) return;
    state_diff diff = registry_.apply_state(device_id, state, clock_.now_ms());
    for (const auto& r : diff.rejected) spdlog::warn("[{}] state of '{}' refused: {}", driver, device_id, r);
    if (!diff.rejected.empty()) guard_.count_refusal(driver);
    if (!diff.changed.empty()) notify([&](gateway_observer& o) { o.on_state_changed(*device, diff.changed); });
}

void gateway::on_event(const std::string& driver, const std::string& device_id, json event) {
    if (!admit_report(driver)) return;
    device_entry* device = owned_device(driver, device_id, "report_event");
    if (device == nullptr) return;
    auto type = event.find("event_type");
    if (type == event.end() || !type->is_string()) {
        spdlog::warn("[{}] event of '{}' refused: missing \"event_type\"", driver, device_id);
        refused_report(driver, device);
        return;
    }
    if (auto ts = event.find("ts"); ts != event.end() && !ts->is_number_integer()) {
        spdlog::warn("[{}] event of '{}' refused: \"ts\" must be an integer (ms since the epoch), got {}", driver,
                     device_id, ts->type_name());
        refused_report(driver, device);
        return;
    }
    const std::string t = type->get<std::string>();
    const bool snapshot = t == "snapshot" && device->descriptor.type == "camera";
    if (!snapshot && !device->descriptor.events.contains(t)) {
        spdlog::warn("[{}] event '{}' of '{}' refused: not declared in its descriptor", driver, echo(t), device_id);
        refused_report(driver, device);
        return;
    }
    if (!event.contains("ts")) event["ts"] = clock_.now_ms();
    device->last_seen_ms = clock_.now_ms();
    notify([&](gateway_observer& o) { o.on_device_event(*device, event); });
}

void gateway::on_availability(const std::string& driver, const std::string& device_id, bool online) {
    if (!admit_report(driver)) return;
    device_entry* device = owned_device(driver, device_id, "report_availability");
    if (device == nullptr) return;
    if (registry_.set_online(device_id, online, clock_.now_ms())) {
        spdlog::info("[{}] device '{}' is {}", driver, device_id, online ? "online" : "offline");
        notify([&](gateway_observer& o) { o.on_availability_changed(*device); });
    }
}

void gateway::on_command_done(const std::string& driver, std::uint64_t command_id, int status, std::string message) {
    auto it = pending_.find(command_id);
    if (it == pending_.end() || it->second.driver != driver) {
        spdlog::debug("[{}] result for unknown or expired command {}", driver, command_id);
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
    auto link = links_.find(driver);
    if (link == links_.end() || !load_announced_.insert(driver).second) return;  // once per driver
    const auto st = link->second->status();
    spdlog::info("driver '{}' loaded: plugin {} {}", driver, st.plugin, st.version);
    bridge_event({{"type", "plugin_loaded"}, {"driver", driver}, {"plugin", st.plugin}, {"version", st.version}});
}

void gateway::on_ready(const std::string& driver) {
    ready_[driver] = true;
    check_ready(false);
}

void gateway::on_failed(const std::string& driver, const std::string& reason) {
    for (const auto& id : registry_.devices_of(driver)) {
        if (registry_.set_online(id, false, clock_.now_ms())) {
            notify([&](gateway_observer& o) { o.on_availability_changed(*registry_.find(id)); });
        }
    }
    std::vector<std::uint64_t> mine;
    for (const auto& [cid, p] : pending_) {
        if (p.driver == driver) mine.push_back(cid);
    }
    for (auto cid : mine) {
        auto node = pending_.extract(cid);
        node.mapped().done({false, HEARTH_ERR_UNSUPPORTED, "driver '" + driver + "' failed: " + reason});
    }
    const auto& link = links_.at(driver);
    bridge_event(
        {{"type", "plugin_failed"}, {"driver", driver}, {"plugin", link->status().plugin}, {"reason", reason}});
    check_ready(false);
}

}  // namespace hearth
