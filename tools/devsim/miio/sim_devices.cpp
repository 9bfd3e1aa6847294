// Role: implementation of the simulated vacuum and MIoT appliances of miio_sim.
#include "sim_devices.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

namespace miio_sim {

namespace {

/// Roborock-style vacuum: state codes, battery, fan_power, clean_area (mm²), clean_time (s).
class vacuum final : public sim_device {
public:
    void tick(double dt) override {
        if (state_ == 5 || state_ == 18) {
            clean_time_ += dt * 10;            // 10x speed-up
            clean_area_ += dt * 10 * 20000.0;  // 0.02 m²/s
            battery_ = std::max(0.0, battery_ - dt * 1.0);
            if (battery_ <= 20) state_ = 6;
        } else if (state_ == 6) {
            home_left_ -= dt;
            if (home_left_ <= 0) state_ = 8;
        } else if (state_ == 8) {
            battery_ = std::min(100.0, battery_ + dt * 5);
            if (battery_ >= 100) state_ = 100;
        }
    }
    json handle(const std::string& m, const json& p) override {
        if (m == "get_status") {
            const int err = error_fault_ ? 8 : error_code_;
            const int st = error_fault_ ? 12 : state_;
            return json::array({{{"state", st},
                                 {"battery", static_cast<int>(std::lround(battery_))},
                                 {"fan_power", fan_power_},
                                 {"clean_area", static_cast<std::int64_t>(clean_area_)},
                                 {"clean_time", static_cast<std::int64_t>(clean_time_)},
                                 {"error_code", err},
                                 {"in_cleaning", st == 5 || st == 18 ? 1 : 0},
                                 {"dnd_enabled", 0},
                                 {"msg_ver", 2}}});
        }
        if (m == "app_start") {
            if (state_ != 10) {
                clean_area_ = 0;
                clean_time_ = 0;
            }
            error_code_ = 0;
            state_ = 5;
        } else if (m == "app_pause") {
            if (state_ == 5 || state_ == 18 || state_ == 6) state_ = 10;
        } else if (m == "app_charge") {
            state_ = 6;
            home_left_ = 2;
        } else if (m == "find_me") {
        } else if (m == "set_custom_mode") {
            if (!p.is_array() || p.empty() || !p[0].is_number_integer()) throw rpc_error(-32602, "bad params");
            fan_power_ = p[0].get<int>();
        } else if (m == "app_segment_clean") {
            if (!p.is_array() || p.empty()) throw rpc_error(-32602, "bad params");
            clean_area_ = 0;
            clean_time_ = 0;
            state_ = 18;
        } else if (m == "get_consumable") {
            return json::array({{{"main_brush_work_time", 32000},
                                 {"side_brush_work_time", 32000},
                                 {"filter_work_time", 32000},
                                 {"sensor_dirty_time", 3000}}});
        } else {
            throw rpc_error(-32601, "Method not found.");
        }
        return json::array({"ok"});
    }
    [[nodiscard]] json status() const override {
        return {{"state", state_},
                {"battery", battery_},
                {"fan_power", fan_power_},
                {"clean_area", clean_area_},
                {"error_fault", error_fault_}};
    }
    void set_error_fault(bool on) override { error_fault_ = on; }

private:
    int state_ = 8;
    double battery_ = 90;
    int fan_power_ = 102;
    double clean_area_ = 0;
    double clean_time_ = 0;
    int error_code_ = 0;
    double home_left_ = 0;
    bool error_fault_ = false;
};

using key = std::pair<int, int>;

/// A MIoT appliance: a (siid, piid) -> value table with a writable subset and actions.
class miot_device : public sim_device {
public:
    json handle(const std::string& m, const json& p) override {
        if (error_fault_) throw rpc_error(-9999, "user ack timeout");
        if (m == "get_properties") return get(p);
        if (m == "set_properties") return set(p);
        if (m == "action") {
            const int siid = p.value("siid", 0), aiid = p.value("aiid", 0);
            const int code = act(siid, aiid) ? 0 : -4001;
            return {{"did", p.value("did", "")}, {"siid", siid}, {"aiid", aiid}, {"code", code}};
        }
        throw rpc_error(-32601, "Method not found.");
    }
    [[nodiscard]] json status() const override {
        json out = json::object();
        for (const auto& [k, v] : values_) out[std::to_string(k.first) + "." + std::to_string(k.second)] = v;
        return out;
    }
    void set_error_fault(bool on) override { error_fault_ = on; }

protected:
    virtual bool act(int /*siid*/, int /*aiid*/) { return false; }
    double num(int s, int p) const { return values_.at({s, p}).get<double>(); }

    std::map<key, json> values_;
    std::map<key, bool> writable_;

private:
    json get(const json& p) const {
        json out = json::array();
        for (const auto& q : p) {
            const key k{q.value("siid", 0), q.value("piid", 0)};
            json r = {{"did", q.value("did", "")}, {"siid", k.first}, {"piid", k.second}};
            const auto it = values_.find(k);
            if (it == values_.end())
                r["code"] = -4003;
            else {
                r["code"] = 0;
                r["value"] = it->second;
            }
            out.push_back(r);
        }
        return out;
    }
    json set(const json& p) {
        json out = json::array();
        for (const auto& q : p) {
            const key k{q.value("siid", 0), q.value("piid", 0)};
            json r = {{"did", q.value("did", "")}, {"siid", k.first}, {"piid", k.second}};
            if (values_.find(k) == values_.end())
                r["code"] = -4003;
            else if (!writable_[k])
                r["code"] = -4002;
            else {
                values_[k] = q.at("value");
                r["code"] = 0;
            }
            out.push_back(r);
        }
        return out;
    }
    bool error_fault_ = false;
};

class air_conditioner final : public miot_device {
public:
    air_conditioner() {
        values_ = {{{2, 1}, true}, {{2, 2}, 0}, {{2, 4}, 22.0}, {{3, 2}, 0}, {{4, 7}, 264}};
        writable_ = {{{2, 1}, true}, {{2, 2}, true}, {{2, 4}, true}, {{3, 2}, true}};
    }
    void tick(double dt) override {
        const double current = num(4, 7) / 10.0;
        const double goal = values_[{2, 1}].get<bool>() ? num(2, 4) : 28.0;
        const double next = current + (goal - current) * (1 - std::exp(-dt / 20.0));
        values_[{4, 7}] = static_cast<int>(std::lround(next * 10));
    }
};

class fridge final : public miot_device {
public:
    fridge() {
        values_ = {{{2, 1}, 4},     {{2, 2}, 4.5},   {{3, 1}, -18},  {{3, 2}, -17.5},
                   {{4, 1}, false}, {{5, 1}, false}, {{5, 2}, false}};
        writable_ = {{{2, 1}, true}, {{3, 1}, true}, {{4, 1}, true}};
    }
    void tick(double dt) override {
        for (int s : {2, 3}) {
            const double cur = num(s, 2), goal = num(s, 1);
            values_[{s, 2}] = std::round((cur + (goal - cur) * (1 - std::exp(-dt / 30.0))) * 10) / 10;
        }
    }
};

/// Washer: status 1 idle, 2 running, 3 paused, 4 error, 5 done; left-time in minutes, 1 per second.
class washer final : public miot_device {
public:
    washer() {
        values_ = {{{2, 2}, 1}, {{2, 3}, 3}, {{2, 4}, 0}, {{2, 5}, 0}};
        writable_ = {{{2, 3}, true}};
    }
    void tick(double dt) override {
        if (values_[{2, 2}] != 2) return;
        left_ = std::max(0.0, left_ - dt);
        values_[{2, 5}] = static_cast<int>(std::ceil(left_));
        const double frac = total_ > 0 ? left_ / total_ : 0;
        values_[{2, 4}] = frac > 0.5 ? 1 : frac > 0.2 ? 2 : frac > 0 ? 3 : 4;
        if (left_ <= 0) values_[{2, 2}] = 5;
    }

protected:
    bool act(int siid, int aiid) override {
        if (siid != 2) return false;
        if (aiid == 1) {
            if (values_[{2, 2}] != 3) {
                static const std::map<int, double> k_minutes = {{1, 12}, {2, 10}, {3, 4}, {4, 15}, {5, 8}};
                const auto it = k_minutes.find(values_[{2, 3}].get<int>());
                total_ = left_ = it == k_minutes.end() ? 6 : it->second;
            }
            values_[{2, 2}] = 2;
            values_[{2, 5}] = static_cast<int>(std::ceil(left_));
            return true;
        }
        if (aiid == 2) {
            if (values_[{2, 2}] == 2) values_[{2, 2}] = 3;
            return true;
        }
        if (aiid == 3) {
            values_[{2, 2}] = 1;
            values_[{2, 4}] = 0;
            values_[{2, 5}] = 0;
            left_ = 0;
            return true;
        }
        return false;
    }

private:
    double left_ = 0;
    double total_ = 0;
};

}  // namespace

std::unique_ptr<sim_device> make_device(const std::string& kind) {
    if (kind == "vacuum") return std::make_unique<vacuum>();
    if (kind == "ac") return std::make_unique<air_conditioner>();
    if (kind == "fridge") return std::make_unique<fridge>();
    if (kind == "washer") return std::make_unique<washer>();
    return nullptr;
}

}  // namespace miio_sim
