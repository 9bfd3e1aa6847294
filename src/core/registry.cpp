// Device registry implementation (see registry.hpp).
#include "core/registry.hpp"

namespace hearth {

device_registry::upsert_result device_registry::upsert(device_descriptor descriptor) {
    loop_thread_.assert_on_loop_thread("device_registry::upsert");
    auto it = devices_.find(descriptor.id);
    if (it == devices_.end()) {
        device_entry e;
        e.registered = true;
        e.descriptor = std::move(descriptor);
        const std::string id = e.descriptor.id;
        devices_.emplace(id, std::move(e));
        return upsert_result::added;
    }
    device_entry& e = it->second;
    if (e.registered && e.descriptor.driver != descriptor.driver) return upsert_result::conflict;
    nlohmann::json kept = nlohmann::json::object();
    for (const auto& [prop, value] : e.state.items()) {
        auto spec = descriptor.properties.find(prop);
        if (spec != descriptor.properties.end() && !check_value(spec->second, value, false)) kept[prop] = value;
    }
    e.state = std::move(kept);
    e.descriptor = std::move(descriptor);
    e.registered = true;
    return upsert_result::updated;
}

void device_registry::restore(device_descriptor descriptor, nlohmann::json state) {
    loop_thread_.assert_on_loop_thread("device_registry::restore");
    device_entry e;
    e.registered = false;
    e.online = false;
    for (const auto& [prop, value] : state.items()) {
        auto spec = descriptor.properties.find(prop);
        if (spec != descriptor.properties.end() && !check_value(spec->second, value, false)) e.state[prop] = value;
    }
    e.descriptor = std::move(descriptor);
    const std::string id = e.descriptor.id;
    devices_[id] = std::move(e);
}

bool device_registry::remove(const std::string& id) {
    loop_thread_.assert_on_loop_thread("device_registry::remove");
    return devices_.erase(id) != 0;
}

const device_entry* device_registry::find(const std::string& id) const {
    auto it = devices_.find(id);
    return it == devices_.end() ? nullptr : &it->second;
}

device_entry* device_registry::find(const std::string& id) {
    auto it = devices_.find(id);
    return it == devices_.end() ? nullptr : &it->second;
}

state_diff device_registry::apply_state(const std::string& id, const nlohmann::json& partial, std::int64_t now_ms) {
    loop_thread_.assert_on_loop_thread("device_registry::apply_state");
    state_diff diff;
    device_entry& e = devices_.at(id);
    e.last_seen_ms = now_ms;
    if (!partial.is_object()) {
        diff.rejected.push_back("state must be a JSON object");
        ++e.rejected_reports;
        return diff;
    }
    for (const auto& [prop, value] : partial.items()) {
        auto spec = e.descriptor.properties.find(prop);
        if (spec == e.descriptor.properties.end()) {
            diff.rejected.push_back(prop + ": not a declared property");
            continue;
        }
        if (auto why = check_value(spec->second, value, false)) {
            diff.rejected.push_back(prop + ": " + *why);
            continue;
        }
        auto current = e.state.find(prop);
        if (current != e.state.end() && *current == value) continue;
        e.state[prop] = value;
        diff.changed[prop] = value;
    }
    if (!diff.rejected.empty()) ++e.rejected_reports;
    return diff;
}

bool device_registry::set_online(const std::string& id, bool online, std::int64_t now_ms) {
    loop_thread_.assert_on_loop_thread("device_registry::set_online");
    device_entry& e = devices_.at(id);
    if (online) e.last_seen_ms = now_ms;
    if (e.online == online) return false;
    e.online = online;
    return true;
}

std::vector<std::string> device_registry::devices_of(const std::string& driver) const {
    std::vector<std::string> out;
    for (const auto& [id, e] : devices_) {
        if (e.descriptor.driver == driver) out.push_back(id);
    }
    return out;
}

nlohmann::json device_registry::descriptors_json() const {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& [id, e] : devices_) {
        nlohmann::json d = e.descriptor.raw;
        d["driver"] = e.descriptor.driver;
        out.push_back(std::move(d));
    }
    return out;
}

}  // namespace hearth
