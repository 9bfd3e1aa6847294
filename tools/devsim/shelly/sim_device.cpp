// Role: implementation of sim_device.hpp (the simulated device's RPC methods).
#include "sim_device.hpp"

#include <algorithm>

namespace hearth::devsim {
namespace {

json error(int code, const std::string& message) { return {{"error", {{"code", code}, {"message", message}}}}; }
json ok(json result = nullptr) { return {{"result", std::move(result)}}; }

/// The component id of `params` (must be 0: the simulator has one of each).
bool id_ok(const json& params) {
    return params.is_object() && params.contains("id") && params["id"].is_number_integer() && params["id"] == 0;
}

}  // namespace

sim_device::sim_device(device_options opts) : opts_(std::move(opts)) {}

json sim_device::switch_status() const {
    return {{"id", 0},
            {"source", "sim"},
            {"output", switch_on_},
            {"apower", switch_on_ ? opts_.power_w : 0.0},
            {"voltage", 230.1},
            {"current", switch_on_ ? opts_.power_w / 230.1 : 0.0},
            {"aenergy", {{"total", energy_wh_}, {"by_minute", {0.0, 0.0, 0.0}}, {"minute_ts", 1700000000}}},
            {"temperature", {{"tC", 41.2}, {"tF", 106.2}}}};
}

json sim_device::light_status() const {
    return {{"id", 0}, {"source", "sim"}, {"output", light_on_}, {"brightness", brightness_}};
}

json sim_device::cover_status() const {
    json s = {{"id", 0},
              {"source", "sim"},
              {"state", cover_state_},
              {"apower", cover_moving() ? 85.0 : 0.0},
              {"voltage", 230.1},
              {"current_pos", cover_pos_},
              {"pos_control", true}};
    s["target_pos"] = cover_moving() ? json(cover_target_) : json(nullptr);
    return s;
}

json sim_device::status() const {
    return {{"sys", {{"mac", "A8032AB12345"}, {"uptime", 1234}}},
            {"wifi", {{"sta_ip", "127.0.0.1"}, {"status", "got ip"}}},
            {"switch:0", switch_status()},
            {"light:0", light_status()},
            {"cover:0", cover_status()},
            {"input:0", {{"id", 0}, {"state", nullptr}}}};
}

void sim_device::notify_status(const std::string& key, const json& status) {
    ts_ += 0.01;
    notifications_.push_back({{"method", "NotifyStatus"}, {"params", {{"ts", ts_}, {key, status}}}});
}

json sim_device::handle(const std::string& method, const json& params) {
    if (method == "Shelly.GetDeviceInfo")
        return ok({{"name", nullptr},
                   {"id", opts_.id},
                   {"mac", "A8032AB12345"},
                   {"model", "SIM-MULTI-1"},
                   {"gen", 2},
                   {"fw_id", "20231107-164738/1.0.8-g8c7bb8d"},
                   {"ver", "1.0.8"},
                   {"app", "SimMulti"},
                   {"auth_en", false},
                   {"auth_domain", nullptr}});
    if (method == "Shelly.GetStatus") return ok(status());
    if (method == "Shelly.GetConfig")
        return ok({{"sys", {{"device", {{"name", nullptr}}}}},
                   {"switch:0", {{"id", 0}, {"name", "Kettle"}, {"initial_state", "off"}}},
                   {"light:0", {{"id", 0}, {"name", nullptr}}},
                   {"cover:0", {{"id", 0}, {"name", "Blind"}}},
                   {"input:0", {{"id", 0}, {"name", nullptr}, {"type", "button"}, {"invert", false}}}});
    const bool sw = method.rfind("Switch.", 0) == 0, li = method.rfind("Light.", 0) == 0,
               cv = method.rfind("Cover.", 0) == 0;
    if ((sw || li || cv) && !id_ok(params)) return error(-103, "Invalid argument 'id'");
    if (method == "Switch.GetStatus") return ok(switch_status());
    if (method == "Switch.Set" || method == "Switch.Toggle") {
        const bool was = switch_on_;
        if (method == "Switch.Toggle") {
            switch_on_ = !switch_on_;
        } else {
            if (!params.contains("on") || !params["on"].is_boolean()) return error(-103, "Invalid argument 'on'");
            switch_on_ = params["on"].get<bool>();
        }
        if (switch_on_) energy_wh_ += 1.0;
        notify_status("switch:0", switch_status());
        return ok({{"was_on", was}});
    }
    if (method == "Light.GetStatus") return ok(light_status());
    if (method == "Light.Set" || method == "Light.Toggle") {
        if (method == "Light.Toggle") {
            light_on_ = !light_on_;
        } else {
            if (params.contains("on")) {
                if (!params["on"].is_boolean()) return error(-103, "Invalid argument 'on'");
                light_on_ = params["on"].get<bool>();
            }
            if (params.contains("brightness")) {
                const json& b = params["brightness"];
                if (!b.is_number() || b.get<double>() < 0 || b.get<double>() > 100)
                    return error(-103, "Invalid argument 'brightness'");
                brightness_ = static_cast<int>(b.get<double>());
            }
        }
        notify_status("light:0", light_status());
        return ok(nullptr);
    }
    if (method == "Cover.GetStatus") return ok(cover_status());
    if (method == "Cover.Open" || method == "Cover.Close" || method == "Cover.GoToPosition") {
        int target = method == "Cover.Open" ? 100 : 0;
        if (method == "Cover.GoToPosition") {
            if (!params.contains("pos") || !params["pos"].is_number_integer() || params["pos"] < 0 ||
                params["pos"] > 100)
                return error(-103, "Invalid argument 'pos'");
            target = params["pos"].get<int>();
        }
        if (target == cover_pos_) return ok(nullptr);
        cover_target_ = target;
        cover_state_ = target > cover_pos_ ? "opening" : "closing";
        notify_status("cover:0", cover_status());
        return ok(nullptr);
    }
    if (method == "Cover.Stop") {
        if (cover_moving()) {
            cover_target_ = -1;
            cover_state_ = "stopped";
            notify_status("cover:0", cover_status());
        }
        return ok(nullptr);
    }
    return error(404, "No handler for " + method);
}

bool sim_device::tick_cover() {
    if (!cover_moving()) return false;
    const int step = std::max(1, opts_.cover_step_pct);
    if (cover_target_ > cover_pos_)
        cover_pos_ = std::min(cover_target_, cover_pos_ + step);
    else
        cover_pos_ = std::max(cover_target_, cover_pos_ - step);
    if (cover_pos_ == cover_target_) {
        cover_target_ = -1;
        cover_state_ = cover_pos_ == 100 ? "open" : (cover_pos_ == 0 ? "closed" : "stopped");
    }
    notify_status("cover:0", cover_status());
    return cover_moving();
}

void sim_device::press(const std::string& event) {
    ts_ += 0.01;
    notifications_.push_back(
        {{"method", "NotifyEvent"},
         {"params",
          {{"ts", ts_}, {"events", {{{"component", "input:0"}, {"id", 0}, {"event", event}, {"ts", ts_}}}}}}});
}

std::deque<json> sim_device::take_notifications() { return std::exchange(notifications_, {}); }

}  // namespace hearth::devsim
