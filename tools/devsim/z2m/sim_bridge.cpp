// Role: z2m_sim's Zigbee2MQTT behaviour and fault injection (see sim_bridge.hpp).
#include "sim_bridge.hpp"

#include <algorithm>

namespace z2m_sim {

namespace {

/// Every non-composite feature of a device's exposes by property (composites flattened).
json flatten(const json& exposes) {
    json out = json::object();
    if (!exposes.is_array()) return out;
    for (const auto& e : exposes) {
        const auto feats = e.find("features");
        if (feats != e.end() && feats->is_array() && e.value("type", "") != "composite") {
            for (const auto& f : *feats)
                if (f.contains("property") && f["property"].is_string()) out[f["property"].get<std::string>()] = f;
        } else if (e.contains("property") && e["property"].is_string()) {
            out[e["property"].get<std::string>()] = e;
        }
    }
    return out;
}

const json& exposes_of(const json& entry) {
    static const json none = json::array();
    if (!entry.contains("definition") || !entry["definition"].is_object()) return none;
    const auto e = entry["definition"].find("exposes");
    return e != entry["definition"].end() && e->is_array() ? *e : none;
}

json wrong_type(const json& v) {
    if (v.is_string()) return 42;
    if (v.is_number()) return "forty-two";
    if (v.is_boolean()) return "maybe";
    return json::array({1, 2});
}

}  // namespace

json initial_state(const json& exposes) {
    json state = json::object();
    const json features = flatten(exposes);
    for (const auto& [prop, f] : features.items()) {
        if (prop == "action" || (f.value("access", 0) & 1) == 0) continue;
        const std::string type = f.value("type", "");
        if (type == "binary" && f.contains("value_off")) {
            state[prop] = f["value_off"];
        } else if (type == "numeric") {
            state[prop] = f.value("value_min", 0.0) > 0 ? f["value_min"] : json(0);
        } else if (type == "enum" && f.contains("values") && f["values"].is_array() && !f["values"].empty()) {
            state[prop] = f["values"][0];
        } else if (type == "text") {
            state[prop] = "";
        }
    }
    return state;
}

bridge::bridge(std::string base, json devices, const std::set<std::string>& interviewing) : base_(std::move(base)) {
    for (auto& e : devices) {
        const std::string name = e.value("friendly_name", "");
        if (e.value("type", "") != "Coordinator") {
            states_[name] = initial_state(exposes_of(e));
            features_[name] = flatten(exposes_of(e));
        }
        if (interviewing.contains(name)) {
            held_[name] = e;
            e["definition"] = nullptr;
            e["supported"] = false;
            e["interview_completed"] = false;
            e["interviewing"] = true;
            e["interview_state"] = "IN_PROGRESS";
        }
        devices_.push_back(std::move(e));
    }
}

json bridge::devices_payload() const { return json(devices_); }

json* bridge::entry(const std::string& name) {
    for (auto& e : devices_)
        if (e.value("friendly_name", "") == name && e.value("type", "") != "Coordinator") return &e;
    return nullptr;
}

outbound bridge::state_message(const std::string& name) const {
    return {base_ + "/" + name, states_.at(name).dump(), false};
}

std::vector<outbound> bridge::announce(const std::string& name) const {
    return {{base_ + "/" + name + "/availability", R"({"state":"online"})", true}, state_message(name)};
}

std::vector<outbound> bridge::startup() const {
    std::vector<outbound> out = {{base_ + "/bridge/state", R"({"state":"online"})", true},
                                 {base_ + "/bridge/devices", devices_payload().dump(), true}};
    for (const auto& [name, s] : states_) {
        if (held_.contains(name)) continue;
        for (auto& m : announce(name)) out.push_back(std::move(m));
    }
    return out;
}

void bridge::apply_set(const std::string& name, const json& set) {
    json& state = states_.at(name);
    const json& feats = features_.at(name);
    for (const auto& [key, v] : set.items()) {
        const auto f = feats.find(key);
        if (f == feats.end() || (f->value("access", 0) & 2) == 0) continue;  // "No converter available"
        const std::string type = f->value("type", "");
        if (type == "binary") {
            if (f->contains("value_toggle") && v == (*f)["value_toggle"]) {
                state[key] = state.value(key, json()) == (*f)["value_on"] ? (*f)["value_off"] : (*f)["value_on"];
            } else if (v == (*f)["value_on"] || v == (*f)["value_off"]) {
                state[key] = v;
            }
        } else if (type == "numeric" && v.is_number()) {
            state[key] = v;
        } else if (type == "enum" && f->contains("values")) {
            const auto& values = (*f)["values"];
            if (std::find(values.begin(), values.end(), v) != values.end()) state[key] = v;
        } else if (type == "text" && v.is_string()) {
            state[key] = v;
        }
    }
    // What real devices do next to the written attribute.
    if (set.contains("brightness") && state.contains("state") && set["brightness"].is_number())
        state["state"] = set["brightness"].get<double>() > 0 ? "ON" : "OFF";
    if (state.contains("lock_state") && set.contains("state") && set["state"].is_string()) {
        if (set["state"] == "LOCK") state["lock_state"] = "locked";
        if (set["state"] == "UNLOCK") state["lock_state"] = "unlocked";
    }
    if (state.contains("position") && set.contains("state") && set["state"].is_string()) {
        if (set["state"] == "OPEN") state["position"] = 100;
        if (set["state"] == "CLOSE") state["position"] = 0;
    }
}

std::vector<outbound> bridge::on_message(const std::string& topic, const std::string& payload) {
    if (topic == base_ + "/hearth_sim/control") {
        const json request = json::parse(payload, nullptr, false);
        std::vector<outbound> out = request.is_object() ? control(request) : std::vector<outbound>{};
        out.push_back(
            {base_ + "/hearth_sim/reply",
             json{{"ok", request.is_object()}, {"op", request.is_object() ? request.value("op", "") : ""}}.dump(),
             false});
        return out;
    }
    if (topic.rfind(base_ + "/", 0) != 0) return {};
    std::string rest = topic.substr(base_.size() + 1);
    for (const std::string verb : {"/set", "/get"}) {
        if (rest.size() <= verb.size() || rest.compare(rest.size() - verb.size(), verb.size(), verb) != 0) continue;
        const std::string name = rest.substr(0, rest.size() - verb.size());
        if (!states_.contains(name) || held_.contains(name) || !online_) return {};
        const json body = json::parse(payload, nullptr, false);
        if (!body.is_object()) return {};
        std::vector<outbound> out;
        if (verb == "/set") {
            apply_set(name, body);
            out.push_back({base_ + "/hearth_sim/received", json{{"device", name}, {"set", body}}.dump(), false});
        }
        out.push_back(state_message(name));
        return out;
    }
    return {};
}

std::vector<outbound> bridge::control(const json& r) {
    const std::string op = r.value("op", "");
    const std::string name = r.contains("device") && r["device"].is_string() ? r["device"].get<std::string>() : "";
    const std::string dev_topic = base_ + "/" + name;
    const bool known = states_.contains(name);
    if (op == "bridge") {
        online_ = r.value("online", true);
        return {{base_ + "/bridge/state", json{{"state", online_ ? "online" : "offline"}}.dump(), true}};
    }
    if (op == "raw") {  // any payload on any topic under the base (malformed bridge/devices, ...)
        const std::string body = r.value("payload", "");
        const std::size_t repeat = std::min<std::size_t>(r.value("repeat", 1), 64U << 20U);
        std::string text;
        for (std::size_t i = 0; i < repeat && text.size() < (64U << 20U); ++i) text += body;
        return {{base_ + "/" + r.value("topic", ""), text, r.value("retain", false)}};
    }
    if (!known) return {};
    if (op == "state") {
        json change = r.value("state", json::object());
        if (!change.is_object()) return {};
        json published = states_.at(name);
        published.update(change);
        change.erase("action");  // an event, not a state
        states_.at(name).update(change);
        return {{dev_topic, published.dump(), false}};
    }
    if (op == "availability") {
        return {{dev_topic + "/availability", json{{"state", r.value("online", true) ? "online" : "offline"}}.dump(),
                 true}};
    }
    if (op == "malformed") return {{dev_topic, R"({"state": "ON", "brightness": )", false}};
    if (op == "wrong_types") {
        json bad = json::object();
        for (const auto& [k, v] : states_.at(name).items()) bad[k] = wrong_type(v);
        return {{dev_topic, bad.dump(), false}};
    }
    if (op == "oversized") {
        const std::size_t bytes = std::min<std::size_t>(r.value("bytes", 1U << 20U), 64U << 20U);
        return {{dev_topic, json{{"junk", std::string(bytes, 'x')}}.dump(), false}};
    }
    if (op == "rename") {
        const std::string to = r.value("to", "");
        json* e = entry(name);
        if (to.empty() || states_.contains(to) || e == nullptr) return {};
        (*e)["friendly_name"] = to;
        states_[to] = std::move(states_.at(name));
        features_[to] = std::move(features_.at(name));
        states_.erase(name);
        features_.erase(name);
        std::vector<outbound> out = {{dev_topic + "/availability", "", true},
                                     {base_ + "/bridge/devices", devices_payload().dump(), true}};
        for (auto& m : announce(to)) out.push_back(std::move(m));
        return out;
    }
    if (op == "remove") {
        std::erase_if(devices_, [&](const json& e) { return e.value("friendly_name", "") == name; });
        states_.erase(name);
        features_.erase(name);
        held_.erase(name);
        return {{dev_topic + "/availability", "", true}, {base_ + "/bridge/devices", devices_payload().dump(), true}};
    }
    if (op == "interview") {
        const auto h = held_.find(name);
        json* e = entry(name);
        if (h == held_.end() || e == nullptr) return {};
        *e = h->second;
        held_.erase(h);
        std::vector<outbound> out = {{base_ + "/bridge/devices", devices_payload().dump(), true}};
        for (auto& m : announce(name)) out.push_back(std::move(m));
        return out;
    }
    return {};
}

}  // namespace z2m_sim
