// Role: implementation of sim_bulb.hpp. Parameter checks follow the specification: set_power
// ["on"|"off", "smooth"|"sudden", duration >= 30], set_bright [1..100, ...], set_ct_abx
// [1700..6500, ...]; anything else gets {"code": -1, "message": "invalid params"}.
#include "sim_bulb.hpp"

#include <string>

namespace hearth::devsim::yeelight {

namespace {

/// Checks the common [value, effect, duration] shape; the value is checked by the caller.
bool effect_ok(const json& p) {
    if (!p.is_array() || p.size() != 3) return false;
    if (!p[1].is_string() || (p[1] != "smooth" && p[1] != "sudden")) return false;
    return p[2].is_number_integer() && (p[1] == "sudden" || p[2].get<std::int64_t>() >= 30);
}

bool int_in(const json& v, int min, int max) {
    return v.is_number_integer() && v.get<std::int64_t>() >= min && v.get<std::int64_t>() <= max;
}

json ok_reply(const json& id) { return {{"id", id}, {"result", {"ok"}}}; }

}  // namespace

json error_reply(const json& id, const std::string& message) {
    return {{"id", id}, {"error", {{"code", -1}, {"message", message}}}};
}

json sim_bulb::get_prop(const json& params) const {
    json result = json::array();
    for (const auto& name : params) {
        if (name == "power")
            result.push_back(state_.power ? "on" : "off");
        else if (name == "bright")
            result.push_back(std::to_string(state_.bright));
        else if (name == "ct")
            result.push_back(std::to_string(state_.ct));
        else
            result.push_back("");  // unknown properties read as empty strings
    }
    return result;
}

json sim_bulb::handle(const json& request, json& changed) {
    changed = json::object();
    const json id = request.value("id", json());
    if (!id.is_number_unsigned() || !request.contains("method") || !request["method"].is_string())
        return error_reply(id, "invalid request");
    const std::string method = request["method"].get<std::string>();
    const json params = request.value("params", json::array());
    const bulb_state before = state_;

    if (method == "get_prop") {
        if (!params.is_array()) return error_reply(id, "invalid params");
        return {{"id", id}, {"result", get_prop(params)}};
    }
    if (method == "set_power") {
        if (!effect_ok(params) || !params[0].is_string() || (params[0] != "on" && params[0] != "off"))
            return error_reply(id, "invalid params");
        state_.power = params[0] == "on";
    } else if (method == "set_bright") {
        if (!effect_ok(params) || !int_in(params[0], 1, 100)) return error_reply(id, "invalid params");
        state_.bright = params[0].get<int>();
    } else if (method == "set_ct_abx") {
        if (!effect_ok(params) || !int_in(params[0], 1700, 6500)) return error_reply(id, "invalid params");
        state_.ct = params[0].get<int>();
    } else if (method == "toggle") {
        state_.power = !state_.power;
    } else {
        return error_reply(id, "method not supported");
    }
    if (state_.power != before.power) changed["power"] = state_.power ? "on" : "off";
    if (state_.bright != before.bright) changed["bright"] = std::to_string(state_.bright);
    if (state_.ct != before.ct) changed["ct"] = std::to_string(state_.ct);
    return ok_reply(id);
}

}  // namespace hearth::devsim::yeelight
