// Role: implementation of the simulated vacuum and MIoT appliances of miio_sim.
#include "sim_devices.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <optional>
#include <utility>
#include <vector>

namespace miio_sim {

namespace {

/// Roborock-style vacuum: state codes, battery, fan_power, clean_area (mm²), clean_time (s).
class vacuum final : public sim_device {
public:
    [[nodiscard]] std::string model() const override { return "roborock.vacuum.s5"; }
    void tick(double dt) override {
        if (is_cleaning(state_)) {
            clean_time_ += dt * 10;            // 10x speed-up
            clean_area_ += dt * 10 * 20000.0;  // 0.02 m²/s
            battery_ = std::max(0.0, battery_ - dt * 1.0);
            if (battery_ <= 20) {
                finish_run();
                state_ = 6;
            }
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
            // The fields python-miio's VacuumStatus and the npm miio client read (map_present too).
            return json::array({{{"msg_ver", 2},
                                 {"msg_seq", ++msg_seq_},
                                 {"state", st},
                                 {"battery", static_cast<int>(std::lround(battery_))},
                                 {"clean_time", static_cast<std::int64_t>(clean_time_)},
                                 {"clean_area", static_cast<std::int64_t>(clean_area_)},
                                 {"error_code", err},
                                 {"map_present", 1},
                                 {"in_cleaning", in_cleaning(st)},
                                 {"in_returning", st == 6 || st == 15 ? 1 : 0},
                                 {"in_fresh_state", st == 8 || st == 100 ? 1 : 0},
                                 {"lab_status", 1},
                                 {"water_box_status", 0},
                                 {"fan_power", fan_power_},
                                 {"dnd_enabled", dnd_enabled_},
                                 {"map_status", 3},
                                 {"lock_status", 0}}});
        }
        if (m == "get_custom_mode") return json::array({fan_power_});
        if (m == "get_clean_summary") {  // [total s, total mm², count, [start-of-day stamps]]
            json days = json::array();
            for (const auto& r : records_) {
                const std::int64_t day = r.start - r.start % 86400;
                if (days.empty() || days.back() != day) days.push_back(day);
            }
            return json::array({total_time_, total_area_, static_cast<std::int64_t>(records_.size()), days});
        }
        if (m == "get_clean_record") {  // [[start, end, duration s, area mm², errors, complete]]
            if (!p.is_array() || p.empty() || !p[0].is_number_integer()) throw rpc_error(-32602, "bad params");
            const std::int64_t day = p[0].get<std::int64_t>();
            json out = json::array();
            for (const auto& r : records_)
                if (r.start - r.start % 86400 == day - day % 86400)
                    out.push_back(json::array({r.start, r.start + r.duration, r.duration, r.area, 0, 1}));
            return out;
        }
        if (m == "get_dnd_timer")
            return json::array({{{"start_hour", 22},
                                 {"start_minute", 0},
                                 {"end_hour", 8},
                                 {"end_minute", 0},
                                 {"enabled", dnd_enabled_}}});
        if (m == "get_consumable")
            return json::array({{{"main_brush_work_time", 32000},
                                 {"side_brush_work_time", 32000},
                                 {"filter_work_time", 32000},
                                 {"sensor_dirty_time", 3000}}});
        // Actions answer 0 like the first-generation firmware the npm miio client checks for
        // (`result === 0`); the Hearth driver and python-miio accept any result.
        if (m == "app_start") {
            if (state_ != 10) {
                clean_area_ = 0;
                clean_time_ = 0;
                run_started_ = now_s();
            }
            error_code_ = 0;
            state_ = 5;
        } else if (m == "app_spot") {
            finish_run();
            clean_area_ = 0;
            clean_time_ = 0;
            run_started_ = now_s();
            state_ = 11;
        } else if (m == "app_pause") {
            if (is_cleaning(state_) || state_ == 6) state_ = 10;
        } else if (m == "app_stop") {
            if (is_cleaning(state_) || state_ == 10 || state_ == 6) {
                finish_run();
                state_ = 3;
            }
        } else if (m == "app_charge") {
            finish_run();
            state_ = 6;
            home_left_ = 2;
        } else if (m == "find_me") {
        } else if (m == "set_custom_mode") {
            if (!p.is_array() || p.empty() || !p[0].is_number_integer()) throw rpc_error(-32602, "bad params");
            fan_power_ = p[0].get<int>();
        } else if (m == "app_segment_clean") {
            if (!p.is_array() || p.empty()) throw rpc_error(-32602, "bad params");
            finish_run();
            clean_area_ = 0;
            clean_time_ = 0;
            run_started_ = now_s();
            state_ = 18;
        } else {
            throw rpc_error(-32601, "Method not found.");
        }
        return 0;
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
    struct run_record {
        std::int64_t start;
        std::int64_t duration;
        std::int64_t area;
    };
    static bool is_cleaning(int st) { return st == 5 || st == 11 || st == 17 || st == 18; }
    static int in_cleaning(int st) { return st == 5 || st == 11 ? 1 : st == 17 ? 2 : st == 18 ? 3 : 0; }
    static std::int64_t now_s() {
        return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    }
    /// Records the run in progress (if any) in the cleaning history.
    void finish_run() {
        if (run_started_ == 0) return;
        records_.push_back(
            {run_started_, static_cast<std::int64_t>(clean_time_), static_cast<std::int64_t>(clean_area_)});
        total_time_ += static_cast<std::int64_t>(clean_time_);
        total_area_ += static_cast<std::int64_t>(clean_area_);
        run_started_ = 0;
    }

    int state_ = 8;
    int msg_seq_ = 0;
    int dnd_enabled_ = 0;
    std::int64_t run_started_ = 0;
    std::int64_t total_time_ = 0;
    std::int64_t total_area_ = 0;
    std::vector<run_record> records_;
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
    explicit miot_device(std::string model) : model_(std::move(model)) {}
    [[nodiscard]] std::string model() const override { return model_; }
    json handle(const std::string& m, const json& p) override {
        if (error_fault_) throw rpc_error(-9999, "user ack timeout");
        if (m == "get_properties") return get(p);
        if (m == "set_properties") return set(p);
        if (m == "action") {
            if (!p.is_object()) throw rpc_error(-32602, "params must be an object");
            const auto siid = int_field(p, "siid"), aiid = int_field(p, "aiid");
            const int code = siid && aiid && act(*siid, *aiid) ? 0 : -4001;
            return {{"did", p.value("did", json(""))},
                    {"siid", p.value("siid", json())},
                    {"aiid", p.value("aiid", json())},
                    {"code", code}};
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
    /// An integer field of a request item; nothing when missing or of another type.
    static std::optional<int> int_field(const json& item, const char* name) {
        const auto it = item.find(name);
        if (it == item.end() || !it->is_number_integer()) return std::nullopt;
        return it->get<int>();
    }
    /// The reply skeleton of one item: did, siid and piid echoed as sent.
    static json echo(const json& q) {
        return {
            {"did", q.value("did", json(""))}, {"siid", q.value("siid", json())}, {"piid", q.value("piid", json())}};
    }
    /// The key of a well-formed item; nothing (code -4001) otherwise.
    static std::optional<key> key_of(const json& q) {
        if (!q.is_object()) return std::nullopt;
        const auto siid = int_field(q, "siid"), piid = int_field(q, "piid");
        if (!siid || !piid) return std::nullopt;
        return key{*siid, *piid};
    }
    json get(const json& p) const {
        if (!p.is_array()) throw rpc_error(-32602, "params must be an array");
        json out = json::array();
        for (const auto& q : p) {
            json r = q.is_object() ? echo(q) : json::object();
            const auto k = key_of(q);
            const auto it = k ? values_.find(*k) : values_.end();
            if (!k)
                r["code"] = -4001;
            else if (it == values_.end())
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
        if (!p.is_array()) throw rpc_error(-32602, "params must be an array");
        json out = json::array();
        for (const auto& q : p) {
            json r = q.is_object() ? echo(q) : json::object();
            const auto k = key_of(q);
            if (!k || !q.contains("value"))
                r["code"] = -4001;
            else if (values_.find(*k) == values_.end())
                r["code"] = -4003;
            else if (!writable_[*k])
                r["code"] = -4002;
            else if (values_[*k].type() != q["value"].type() && !(values_[*k].is_number() && q["value"].is_number()))
                r["code"] = -4005;  // a value of another type than the property's
            else {
                values_[*k] = q["value"];
                r["code"] = 0;
            }
            out.push_back(r);
        }
        return out;
    }
    std::string model_;
    bool error_fault_ = false;
};

class air_conditioner final : public miot_device {
public:
    air_conditioner() : miot_device("example.aircondition.v1") {
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
    fridge() : miot_device("example.fridge.v1") {
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
    washer() : miot_device("example.washer.v1") {
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
