// Role: the vacuum_miio driver: one Roborock-style robot vacuum over the miIO LAN protocol.
// The host thread only validates commands and posts them to the device's worker thread
// (device_worker), which owns the UDP client, polls get_status every poll_interval_ms, reports
// state, availability (offline after offline_after_failures failed polls in a row) and the
// events operational_error / operation_completed, and completes pending commands.
// The token never appears in a log line, error or state.
#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20 workaround

#include "../transport/device_worker.hpp"
#include "../transport/miio_schema.hpp"
#include "../transport/miio_config.hpp"
#include "roborock_map.hpp"

#include <hearth/driver.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <set>

namespace hearth::miio {

namespace {

const std::vector<std::string> k_states = {"stopped",         "running",  "paused", "error",
                                           "seeking_charger", "charging", "docked"};
const std::vector<std::string> k_fan_speeds = {"quiet", "standard", "strong", "max"};

json enum_prop(const std::vector<std::string>& values, bool writable = false) {
    return {{"type", "enum"}, {"values", values}, {"writable", writable}};
}
json num_prop(const char* type, double min, double max, const char* unit) {
    return {{"type", type}, {"min", min}, {"max", max}, {"unit", unit}, {"writable", false}};
}

bool is_cleaning(const std::string& s) { return s == "running" || s == "paused" || s == "error"; }

status to_status(const miio_error& e) {
    switch (e.kind()) {
    case failure::timeout: return status::timeout;
    case failure::device_error:
    case failure::protocol:
    case failure::token_rejected: return status::device_error;
    default: return status::internal;
    }
}

}  // namespace

class vacuum_miio final : public driver {
public:
    /// Checked by the host before the constructor runs (ABI v1.2).
    static constexpr const char* config_schema = k_vacuum_config_schema;

    vacuum_miio(hearth::host& h, std::string /*instance_id*/, const json& config)
        : driver(h), cfg_(parse_common_config(config, "Robot vacuum")), avail_(cfg_.offline_after_failures) {
        worker_ = std::make_unique<device_worker>(cfg_.client, cfg_.poll_interval, [this](miio_client& c) { poll(c); });
    }
    ~vacuum_miio() override { stop(); }

    void start() override {
        const json params_none = json::object();
        const json descriptor = {
            {"id", cfg_.id},
            {"name", cfg_.name},
            {"type", "vacuum"},
            {"manufacturer", "Roborock"},
            {"model", "miIO vacuum"},
            {"sw_version", "vacuum_miio 1.0.0"},
            {"properties",
             {{"operational_state", enum_prop(k_states)},
              {"battery", num_prop("int", 0, 100, "%")},
              {"fan_speed", enum_prop(k_fan_speeds, true)},
              {"clean_area_m2", num_prop("number", 0, 10000, "m²")},
              {"clean_time_s", num_prop("int", 0, 604800, "s")},
              {"error", {{"type", "string"}, {"writable", false}}},
              {"error_code", num_prop("int", 0, 65535, "")},
              {"main_brush_left_h", num_prop("int", 0, 300, "h")},
              {"side_brush_left_h", num_prop("int", 0, 200, "h")},
              {"filter_left_h", num_prop("int", 0, 150, "h")},
              {"sensor_dirty_left_h", num_prop("int", 0, 30, "h")}}},
            {"commands",
             {{"start", {{"params", params_none}}},
              {"pause", {{"params", params_none}}},
              {"resume", {{"params", params_none}}},
              {"return_to_dock", {{"params", params_none}}},
              {"locate", {{"params", params_none}}},
              {"set_fan_speed",
               {{"params", {{"fan_speed", {{"type", "enum"}, {"values", k_fan_speeds}, {"required", true}}}}}}},
              {"clean_areas", {{"params", {{"areas", {{"type", "string"}, {"required", true}}}}}}}}},
            {"events", {"operational_error", "operation_completed"}}};
        if (!host().register_device(descriptor)) throw std::runtime_error("the host refused the vacuum descriptor");
        host().report_ready();
        host().info("vacuum " + cfg_.id + " at " + cfg_.client.host + ":" + std::to_string(cfg_.client.port) +
                    ", polling every " + std::to_string(cfg_.poll_interval.count()) + " ms");
        worker_->start();
    }

    status handle_command(const command& cmd) override {
        if (cmd.device_id != cfg_.id) throw command_error(status::invalid, "unknown device " + cmd.device_id);
        std::vector<std::pair<std::string, json>> calls;
        const std::string& c = cmd.name;
        if (c == "start")
            calls = {{"app_start", json::array()}};
        else if (c == "pause")
            calls = {{"app_pause", json::array()}};
        else if (c == "resume")
            calls = {{"app_start", json::array()}};
        else if (c == "return_to_dock")
            calls = {{"app_pause", json::array()}, {"app_charge", json::array()}};
        else if (c == "locate")
            calls = {{"find_me", json::array()}};
        else if (c == "set_fan_speed" || c == "set") {
            const json v = cmd.params.value("fan_speed", json());
            if (c == "set" && (cmd.params.size() != 1 || v.is_null()))
                throw command_error(status::invalid, "only fan_speed is writable");
            const auto power = v.is_string() ? roborock::fan_power(v.get<std::string>()) : std::nullopt;
            if (!power) throw command_error(status::invalid, "unknown fan_speed");
            calls = {{"set_custom_mode", json::array({*power})}};
        } else if (c == "clean_areas") {
            std::vector<int> segs;
            try {
                segs = roborock::parse_segments(cmd.params.at("areas").get<std::string>());
            } catch (const std::invalid_argument& e) {
                throw command_error(status::invalid, e.what());
            }
            calls = {{"app_segment_clean", json(segs)}};  // python-miio segment_clean(): params = [id, ...]
        } else {
            throw command_error(status::unsupported, "unknown command " + c);
        }
        add_pending(cmd.id);
        worker_->post([this, id = cmd.id, calls = std::move(calls)](miio_client& client) {
            try {
                for (const auto& [method, params] : calls) client.call(method, params);
                complete(id, status::ok);
            } catch (const miio_error& e) {
                host().warn(e.what());
                complete(id, to_status(e), e.what());
            } catch (const std::exception& e) {
                complete(id, status::internal, e.what());
            }
        });
        worker_->poll_soon();
        return status::pending;
    }

    void refresh(const std::string& device_id) override {
        if (device_id == cfg_.id) worker_->poll_soon();
    }

    void stop() override {
        if (stopped_.exchange(true)) return;
        worker_->stop();
        std::set<std::uint64_t> left;
        {
            std::lock_guard lock(pending_mutex_);
            left.swap(pending_);
        }
        for (auto id : left) host().command_result(id, status::offline, "driver stopped");
        const auto& s = worker_->stats();
        host().info("vacuum " + cfg_.id + " stopped: " + std::to_string(s.requests.load()) + " requests, " +
                    std::to_string(s.timeouts.load()) + " timeouts, " + std::to_string(s.token_rejections.load()) +
                    " token rejections, " + std::to_string(s.garbage.load()) + " undecodable and " +
                    std::to_string(s.stale.load()) + " stale replies");
    }

private:
    void add_pending(std::uint64_t id) {
        std::lock_guard lock(pending_mutex_);
        pending_.insert(id);
    }
    void complete(std::uint64_t id, status code, const std::string& message = {}) {
        {
            std::lock_guard lock(pending_mutex_);
            if (pending_.erase(id) == 0) return;
        }
        host().command_result(id, code, message);
    }

    // ---- worker thread ---------------------------------------------------------------------

    /// Logs a failed poll: a rejected token at error level (hearthd counts driver errors in
    /// health: errors, last_error), anything else as a warning.
    void report_poll_failure(const std::exception& e) {
        const std::string line = std::string("vacuum ") + cfg_.id + ": poll failed: " + e.what();
        const auto* m = dynamic_cast<const miio_error*>(&e);
        if (m != nullptr && m->kind() == failure::token_rejected)
            host().error(line);
        else
            host().warn(line);
    }

    void poll(miio_client& client) {
        json state;
        try {
            state = roborock::status_to_state(client.call("get_status"));
        } catch (const std::exception& e) {
            if (stopped_) return;  // aborted by stop(): not a device failure
            const auto change = avail_.record(false);
            if (avail_.failures() == 1 || change) report_poll_failure(e);
            if (change) host().report_availability(cfg_.id, false);
            return;
        }
        if (const auto change = avail_.record(true)) {
            host().report_availability(cfg_.id, *change);
            host().info("vacuum " + cfg_.id + " is online");
        }
        host().report_state(cfg_.id, state);
        emit_events(state);
        last_ = state;
        if (polls_++ % k_consumable_every == 0) {  // consumables change slowly: first poll, then rarely
            try {
                host().report_state(cfg_.id, roborock::consumables_to_state(client.call("get_consumable")));
            } catch (const std::exception& e) {
                host().debug(std::string("vacuum ") + cfg_.id + ": get_consumable failed: " + e.what());
            }
        }
    }

    void emit_events(const json& now) {
        if (last_.is_null()) return;
        const std::string before = last_.value("operational_state", "");
        const std::string after = now.value("operational_state", "");
        if (after == "error" && before != "error")
            host().report_event(cfg_.id, {{"event_type", "operational_error"},
                                          {"error", now.value("error", "none")},
                                          {"error_code", now.value("error_code", 0)}});
        if (is_cleaning(before) && !is_cleaning(after))
            host().report_event(cfg_.id, {{"event_type", "operation_completed"},
                                          {"result", after == "stopped" ? "stopped" : "returned"},
                                          {"clean_area_m2", now.value("clean_area_m2", 0.0)},
                                          {"clean_time_s", now.value("clean_time_s", 0)}});
    }

    common_config cfg_;
    availability avail_;       // worker thread only
    json last_;                // worker thread only
    std::uint64_t polls_ = 0;  // worker thread only
    static constexpr std::uint64_t k_consumable_every = 120;
    std::unique_ptr<device_worker> worker_;
    std::atomic<bool> stopped_{false};
    std::mutex pending_mutex_;
    std::set<std::uint64_t> pending_;
};

}  // namespace hearth::miio

HEARTH_DRIVER_WITH_MANIFEST(hearth::miio::vacuum_miio, "vacuum_miio", "1.0.0",
                            "Roborock-style robot vacuums over the miIO LAN protocol", R"({"network": ["udp"]})")
