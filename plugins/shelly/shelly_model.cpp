// Role: implementation of shelly_model.hpp (pure parsing of untrusted Shelly frames).
#include "shelly_model.hpp"

#include <hearth/kit/devices.hpp>

#include <cmath>

namespace hearth::shelly {
namespace {

template <class T>
parsed<T> refuse(std::string why) {
    return parsed<T>{std::nullopt, std::move(why)};
}

template <class T>
parsed<T> accept(T value) {
    return parsed<T>{std::move(value), {}};
}

/// The string at `key`, or nullopt when absent or not a string.
std::optional<std::string> text(const json& o, const char* key) {
    auto it = o.find(key);
    if (it == o.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

/// The finite number at `key`, or nullopt.
std::optional<double> number(const json& o, const char* key) {
    auto it = o.find(key);
    if (it == o.end() || !it->is_number()) return std::nullopt;
    const double d = it->get<double>();
    if (!std::isfinite(d)) return std::nullopt;
    return d;
}

std::optional<bool> boolean(const json& o, const char* key) {
    auto it = o.find(key);
    if (it == o.end() || !it->is_boolean()) return std::nullopt;
    return it->get<bool>();
}

/// "switch:0" -> (switch, 0); nullopt for components Hearth does not drive or malformed keys.
std::optional<std::pair<kind, int>> split_key(const std::string& key) {
    const auto colon = key.find(':');
    if (colon == std::string::npos || colon + 1 >= key.size() || key.size() - colon > 4) return std::nullopt;
    const std::string type = key.substr(0, colon);
    int id = 0;
    for (std::size_t i = colon + 1; i < key.size(); ++i) {
        if (key[i] < '0' || key[i] > '9') return std::nullopt;
        id = id * 10 + (key[i] - '0');
    }
    if (type == "switch") return std::pair{kind::switch_, id};
    if (type == "light") return std::pair{kind::light, id};
    if (type == "cover") return std::pair{kind::cover, id};
    if (type == "input") return std::pair{kind::input, id};
    return std::nullopt;
}

double clamp_percent(double v) { return v < 0 ? 0 : (v > 100 ? 100 : v); }

}  // namespace

const char* kind_name(kind k) {
    switch (k) {
    case kind::switch_: return "switch";
    case kind::light: return "light";
    case kind::cover: return "cover";
    case kind::input: return "input";
    }
    return "?";
}

json descriptor_of(const component& c, const std::string& hid, const std::string& name, const device_info& info) {
    namespace kit = hearth::kit;
    const std::string model = info.app.empty() ? info.model : info.app;
    switch (c.type) {
    case kind::switch_:
        return c.metering ? kit::plug(hid, name).metering().info("Shelly", model, info.ver).descriptor()
                          : kit::switch_(hid, name).info("Shelly", model, info.ver).descriptor();
    case kind::light: return kit::light(hid, name).dimmable().info("Shelly", model, info.ver).descriptor();
    case kind::cover: {
        kit::cover cv(hid, name);
        cv.info("Shelly", model, info.ver);
        if (!c.pos_control) cv.prop("position", kit::property::integer(0, 100).unit("%"));
        if (c.metering) cv.prop("power_w", kit::property::number().unit("W").device_class("power"));
        return cv.descriptor();
    }
    case kind::input:
        return c.button ? kit::button(hid, name, {"single_push", "double_push", "triple_push", "long_push"})
                              .info("Shelly", model, info.ver)
                              .descriptor()
                        : kit::binary_sensor(hid, name).info("Shelly", model, info.ver).descriptor();
    }
    return json::object();
}

std::string device_id_of(const std::string& device_id, const component& c) {
    return device_id + "_" + kind_name(c.type) + "_" + std::to_string(c.id);
}

parsed<json> rpc_result(const json& frame, const std::string& method) {
    if (!frame.is_object()) return refuse<json>(method + ": the answer is not a JSON object");
    if (auto err = frame.find("error"); err != frame.end()) {
        if (!err->is_object()) return refuse<json>(method + ": malformed error in the answer");
        const auto code = err->find("code");
        const std::string message = text(*err, "message").value_or("no message");
        const std::string code_text =
            code != err->end() && code->is_number_integer() ? std::to_string(code->get<long long>()) : "?";
        return refuse<json>(method + ": device error " + code_text + ": " + message.substr(0, 200));
    }
    auto res = frame.find("result");
    if (res == frame.end()) return refuse<json>(method + ": the answer has neither result nor error");
    return accept<json>(*res);
}

parsed<device_info> parse_device_info(const json& info) {
    if (!info.is_object()) return refuse<device_info>("Shelly.GetDeviceInfo: expected an object");
    device_info d;
    auto id = text(info, "id");
    if (!id || id->empty() || id->size() > 64)
        return refuse<device_info>("Shelly.GetDeviceInfo: 'id' is missing or not a string of 1-64 characters");
    d.id = *id;
    d.model = text(info, "model").value_or("").substr(0, 64);
    d.app = text(info, "app").value_or("").substr(0, 64);
    d.ver = text(info, "ver").value_or("").substr(0, 64);
    if (auto gen = info.find("gen"); gen != info.end()) {
        if (!gen->is_number_integer() || gen->get<long long>() < 2 || gen->get<long long>() > 9)
            return refuse<device_info>("Shelly.GetDeviceInfo: 'gen' is not a Gen2+ generation (2-9)");
        d.gen = gen->get<int>();
    }
    d.auth_en = boolean(info, "auth_en").value_or(false);
    return accept(std::move(d));
}

parsed<std::vector<component>> parse_components(const json& status, const json& config) {
    if (!status.is_object()) return refuse<std::vector<component>>("Shelly.GetStatus: expected an object");
    if (!config.is_object()) return refuse<std::vector<component>>("Shelly.GetConfig: expected an object");
    std::vector<component> out;
    for (const auto& [key, value] : status.items()) {
        auto k = split_key(key);
        if (!k) continue;  // sys, wifi, cloud, ... or a component Hearth does not drive
        if (!value.is_object())
            return refuse<std::vector<component>>("Shelly.GetStatus: '" + key + "' is not an object");
        if (out.size() >= 32) return refuse<std::vector<component>>("Shelly.GetStatus: more than 32 components");
        component c;
        c.type = k->first;
        c.id = k->second;
        c.key = key;
        c.metering = (c.type == kind::switch_ || c.type == kind::cover) && value.contains("apower");
        if (c.type == kind::cover) c.pos_control = boolean(value, "pos_control").value_or(false);
        if (auto cfg = config.find(key); cfg != config.end() && cfg->is_object()) {
            c.name = text(*cfg, "name").value_or("").substr(0, 64);
            if (c.type == kind::input) c.button = text(*cfg, "type").value_or("") == "button";
        } else if (c.type == kind::input) {
            c.button = !value.contains("state") || value["state"].is_null();  // a button's state is null
        }
        out.push_back(std::move(c));
    }
    return accept(std::move(out));
}

parsed<json> component_state(const component& c, const json& status) {
    if (!status.is_object()) return refuse<json>(c.key + ": the status is not an object");
    json s = json::object();
    switch (c.type) {
    case kind::switch_:
        if (auto on = boolean(status, "output")) s["on"] = *on;
        if (c.metering) {
            if (auto p = number(status, "apower")) s["power_w"] = *p;
            if (auto e = status.find("aenergy"); e != status.end() && e->is_object()) {
                if (auto total = number(*e, "total"); total && *total >= 0) s["energy_kwh"] = *total / 1000.0;
            }
        }
        break;
    case kind::light:
        if (auto on = boolean(status, "output")) s["on"] = *on;
        if (auto b = number(status, "brightness")) s["brightness"] = static_cast<int>(std::lround(clamp_percent(*b)));
        break;
    case kind::cover: {
        if (auto pos = number(status, "current_pos"))
            s["position"] = static_cast<int>(std::lround(clamp_percent(*pos)));
        if (auto st = text(status, "state")) {
            // Shelly: open, closed, opening, closing, stopped, calibrating.
            if (*st == "open" || *st == "closed" || *st == "opening" || *st == "closing" || *st == "stopped") {
                s["state"] = *st;
            } else if (*st == "calibrating") {
                s["state"] = "stopped";
            }
        }
        if (c.metering) {
            if (auto p = number(status, "apower")) s["power_w"] = *p;
        }
        break;
    }
    case kind::input:
        if (!c.button) {
            if (auto on = boolean(status, "state")) s["on"] = *on;
        }
        break;
    }
    return accept(std::move(s));
}

std::optional<std::string> press_name(const std::string& shelly_event) {
    if (shelly_event == "single_push" || shelly_event == "double_push" || shelly_event == "triple_push" ||
        shelly_event == "long_push")
        return shelly_event;
    return std::nullopt;
}

parsed<notification> parse_notification(const json& frame) {
    if (!frame.is_object()) return refuse<notification>("notification: not a JSON object");
    auto method = text(frame, "method");
    if (!method) return refuse<notification>("notification: no method (an RPC answer?)");
    notification n;
    n.method = *method;
    auto params = frame.find("params");
    if (params == frame.end() || !params->is_object())
        return refuse<notification>(n.method + ": 'params' is missing or not an object");
    if (n.method == "NotifyStatus" || n.method == "NotifyFullStatus") {
        for (const auto& [key, value] : params->items()) {
            if (split_key(key) && value.is_object()) n.status[key] = value;
        }
        return accept(std::move(n));
    }
    if (n.method == "NotifyEvent") {
        auto events = params->find("events");
        if (events == params->end() || !events->is_array())
            return refuse<notification>("NotifyEvent: 'events' is missing or not an array");
        for (const auto& e : *events) {
            if (!e.is_object()) continue;
            auto comp = text(e, "component");
            auto ev = text(e, "event");
            if (!comp || !ev || !split_key(*comp)) continue;
            if (auto name = press_name(*ev)) n.presses.push_back({*comp, *name});
            if (n.presses.size() >= 64) break;
        }
        return accept(std::move(n));
    }
    return refuse<notification>("notification: unknown method '" + n.method.substr(0, 64) + "'");
}

}  // namespace hearth::shelly
