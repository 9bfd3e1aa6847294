// Role: the simulated Tuya devices' data points (sim_device.hpp).
#include "sim_device.hpp"

namespace tuya_sim {

namespace {

bool int_in(const json& v, int lo, int hi) {
    return v.is_number_integer() && v.get<std::int64_t>() >= lo && v.get<std::int64_t>() <= hi;
}

bool same_kind(const json& a, const json& b) {
    return (a.is_boolean() && b.is_boolean()) || (a.is_number_integer() && b.is_number_integer()) ||
           (a.is_string() && b.is_string());
}

class plug final : public sim_device {
public:
    plug() { dps_ = {{"1", false}, {"9", 0}, {"17", 0}, {"18", 0}, {"19", 0}, {"20", 2301}}; }

private:
    bool writable(const std::string& dp, const json& v) const override {
        return (dp == "1" && v.is_boolean()) || (dp == "9" && int_in(v, 0, 86400));
    }
    void derive(json& changed) override {
        // A 100 W load while on: 100.0 W (DP 19 in W/10), 435 mA at 230.1 V.
        const bool on = dps_["1"].get<bool>();
        const json power = on ? 1000 : 0;
        const json current = on ? 435 : 0;
        if (dps_["19"] != power) changed["19"] = dps_["19"] = power;
        if (dps_["18"] != current) changed["18"] = dps_["18"] = current;
    }
};

class bulb final : public sim_device {
public:
    bulb() { dps_ = {{"20", false}, {"21", "white"}, {"22", 1000}, {"23", 500}}; }

private:
    bool writable(const std::string& dp, const json& v) const override {
        if (dp == "20") return v.is_boolean();
        if (dp == "21") return v.is_string() && (v == "white" || v == "colour" || v == "scene" || v == "music");
        if (dp == "22") return int_in(v, 10, 1000);
        if (dp == "23") return int_in(v, 0, 1000);
        return false;
    }
};

class ac final : public sim_device {
public:
    ac() { dps_ = {{"1", false}, {"2", 24}, {"3", 27}, {"4", "cold"}, {"5", "auto"}}; }

private:
    bool writable(const std::string& dp, const json& v) const override {
        if (dp == "1") return v.is_boolean();
        if (dp == "2") return int_in(v, 16, 31);
        if (dp == "4") return v.is_string() && (v == "cold" || v == "hot" || v == "wet" || v == "wind" || v == "auto");
        if (dp == "5") return v.is_string() && (v == "low" || v == "mid" || v == "high" || v == "auto");
        return false;
    }
};

class contact final : public sim_device {
public:
    contact() { dps_ = {{"1", false}, {"2", 87}}; }

private:
    bool writable(const std::string&, const json&) const override { return false; }
};

/// A curtain motor that reaches its target at once: control open/close drive percent_control
/// (DP 2) to 100/0 and the reported position percent_state (DP 3) follows; stop keeps it.
class curtain final : public sim_device {
public:
    curtain() { dps_ = {{"1", "stop"}, {"2", 0}, {"3", 0}}; }

private:
    bool writable(const std::string& dp, const json& v) const override {
        if (dp == "1") return v.is_string() && (v == "open" || v == "stop" || v == "close");
        if (dp == "2") return int_in(v, 0, 100);
        return false;
    }
    void derive(json& changed) override {
        if (changed.contains("1") && dps_["1"] != "stop") changed["2"] = dps_["2"] = dps_["1"] == "open" ? 100 : 0;
        if (dps_["3"] != dps_["2"]) changed["3"] = dps_["3"] = dps_["2"];
    }
};

class fan final : public sim_device {
public:
    fan() { dps_ = {{"1", false}, {"2", "nature"}, {"3", 40}, {"5", false}, {"8", "forward"}}; }

private:
    bool writable(const std::string& dp, const json& v) const override {
        if (dp == "1" || dp == "5") return v.is_boolean();
        if (dp == "2") return v.is_string() && (v == "nature" || v == "sleep" || v == "fresh" || v == "smart");
        if (dp == "3") return int_in(v, 1, 100);
        if (dp == "8") return v.is_string() && (v == "forward" || v == "reverse");
        return false;
    }
};

}  // namespace

json sim_device::write(const json& request) {
    json changed = json::object();
    if (!request.is_object()) return changed;
    for (const auto& [dp, value] : request.items()) {
        if (!dps_.contains(dp) || !writable(dp, value)) continue;
        if (dps_[dp] != value) changed[dp] = dps_[dp] = value;
    }
    if (!changed.empty()) derive(changed);
    return changed;
}

json sim_device::force(const json& values) {
    json changed = json::object();
    if (!values.is_object()) return changed;
    for (const auto& [dp, value] : values.items()) {
        if (!dps_.contains(dp) || !same_kind(value, dps_[dp])) continue;
        if (dps_[dp] != value) changed[dp] = dps_[dp] = value;
    }
    if (!changed.empty()) derive(changed);
    return changed;
}

std::unique_ptr<sim_device> make_device(const std::string& kind) {
    if (kind == "plug") return std::make_unique<plug>();
    if (kind == "bulb") return std::make_unique<bulb>();
    if (kind == "contact") return std::make_unique<contact>();
    if (kind == "ac") return std::make_unique<ac>();
    if (kind == "curtain") return std::make_unique<curtain>();
    if (kind == "fan") return std::make_unique<fan>();
    return nullptr;
}

}  // namespace tuya_sim
