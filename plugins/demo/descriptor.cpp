// Role: implementation of the descriptor-building and numeric helpers of descriptor.hpp.
#include "descriptor.hpp"

#include <cmath>
#include <utility>

namespace hearth::demo {

json bool_prop() { return {{"type", "bool"}, {"writable", false}}; }

json int_prop(std::int64_t min, std::int64_t max, std::string_view unit) {
    json p = {{"type", "int"}, {"min", min}, {"max", max}, {"step", 1}, {"writable", false}};
    if (!unit.empty()) p["unit"] = unit;
    return p;
}

json number_prop(double min, double max, std::string_view unit, double step) {
    json p = {{"type", "number"}, {"min", min}, {"max", max}, {"writable", false}};
    if (step > 0) p["step"] = step;
    if (!unit.empty()) p["unit"] = unit;
    return p;
}

json string_prop() { return {{"type", "string"}, {"writable", false}}; }

json enum_prop(const std::vector<std::string>& values) {
    return {{"type", "enum"}, {"values", values}, {"writable", false}};
}

json writable(json prop) {
    prop["writable"] = true;
    return prop;
}

json required(json param) {
    param.erase("writable");
    param["required"] = true;
    return param;
}

json command_spec(json params) {
    for (auto& [name, p] : params.items()) p.erase("writable");
    return {{"params", std::move(params)}};
}

json make_descriptor(const identity& who, json properties, json commands, const std::vector<std::string>& events) {
    json d = {{"id", who.id},
              {"name", who.name},
              {"type", who.type},
              {"manufacturer", "Hearth"},
              {"model", who.model},
              {"sw_version", k_sw_version},
              {"properties", std::move(properties)},
              {"commands", commands.is_null() ? json::object() : std::move(commands)},
              {"events", events}};
    if (!who.device_class.empty()) d["device_class"] = who.device_class;
    return d;
}

double round_to(double v, double quantum) {
    // Divide by the integral inverse when there is one so that 21.4 prints as 21.4, not
    // 21.400000000000002; adding 0.0 turns -0.0 into 0.0.
    const double inverse = std::round(1.0 / quantum);
    if (inverse >= 1 && std::fabs(inverse * quantum - 1.0) < 1e-9) return std::round(v * inverse) / inverse + 0.0;
    return std::round(v / quantum) * quantum + 0.0;
}

double approach(double current, double goal, double dt_s, double tau_s) {
    if (tau_s <= 0) return goal;
    return current + (goal - current) * (1.0 - std::exp(-dt_s / tau_s));
}

}  // namespace hearth::demo
