// Role: the logic of z2m_sim (pure, no I/O): a Zigbee2MQTT instance's MQTT behaviour over the
// devices of a bridge/devices fixture. Turns each inbound message (`<base>/<name>/set`, `/get`,
// the control topic `<base>/hearth_sim/control`) into the messages Zigbee2MQTT would publish:
// retained bridge/state, bridge/devices and availability, device states (not retained, as
// Zigbee2MQTT's default), plus the fault injection of the control topic. main.cpp does the MQTT.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace z2m_sim {

using json = nlohmann::json;

struct outbound {
    std::string topic;
    std::string payload;
    bool retain = false;
};

class bridge {
public:
    /// `devices`: a bridge/devices array; `interviewing`: friendly names whose interview completes
    /// only on a control request (listed without definition until then).
    bridge(std::string base, json devices, const std::set<std::string>& interviewing);

    /// What Zigbee2MQTT publishes when it starts.
    std::vector<outbound> startup() const;
    /// What it publishes in answer to one message (nothing for topics it does not handle).
    std::vector<outbound> on_message(const std::string& topic, const std::string& payload);

    /// The state of a device (tests of the simulator itself).
    [[nodiscard]] const json& state_of(const std::string& name) const { return states_.at(name); }

private:
    [[nodiscard]] json devices_payload() const;
    [[nodiscard]] std::vector<outbound> announce(const std::string& name) const;
    [[nodiscard]] outbound state_message(const std::string& name) const;
    void apply_set(const std::string& name, const json& set);
    std::vector<outbound> control(const json& request);
    json* entry(const std::string& name);

    std::string base_;
    std::vector<json> devices_;             ///< bridge/devices entries as listed
    std::map<std::string, json> held_;      ///< interviewing: name -> the complete entry
    std::map<std::string, json> states_;    ///< name -> state
    std::map<std::string, json> features_;  ///< name -> property -> feature (flattened exposes)
    bool online_ = true;
};

/// The initial state of a device from its exposes (binary: value_off, numeric: value_min or 0,
/// enum: its first value, text: ""); `action` is left out.
json initial_state(const json& exposes);

}  // namespace z2m_sim
