// `hearthctl discover`: what the protocols that announce themselves say is on the network, and
// the config snippet that adds each find to hearthd. Two sources: Tuya devices' UDP discovery
// broadcasts (decoded by the tuya driver's codec) and a Zigbee2MQTT instance's retained
// `<base>/bridge/devices`. This file is the pure part (turning what was received into rows,
// snippets and JSON), unit-tested in tests/unit/ctl; the listening is in discover_listen.cpp.
// Everything received is untrusted: a malformed datagram or document is counted, never fatal.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace hearth::ctl {

/// One Tuya device, from its broadcasts (the last one wins; `broadcasts` counts them).
struct tuya_find {
    std::string device_id;  ///< gwId
    std::string ip;
    std::string version;  ///< "3.3", "3.4", "3.5"
    std::string product_key;
    int broadcasts = 0;
};

/// What `hearthctl discover` found.
struct discovery_findings {
    std::map<std::string, tuya_find> tuya;  ///< by device id
    int tuya_ignored = 0;                   ///< datagrams that did not decode (not counted as finds)
    std::vector<std::string> tuya_errors;   ///< the first few reasons, for --verbose output

    bool z2m_searched = false;
    std::string z2m_base;                                  ///< the Zigbee2MQTT base topic searched
    std::string z2m_url;                                   ///< the broker (credentials removed)
    bool z2m_found = false;                                ///< bridge/devices arrived
    std::string z2m_error;                                 ///< why it was not usable (not JSON, not an array)
    nlohmann::json z2m_devices = nlohmann::json::array();  ///< entries as listed (coordinator excluded)
};

/// Feeds one received datagram to `f` (decoded with the tuya codec; anything else is ignored and
/// counted). `sender_ip` is used when the broadcast names no address.
void add_tuya_datagram(discovery_findings& f, std::span<const std::uint8_t> datagram, const std::string& sender_ip);

/// Feeds Zigbee2MQTT's `<base>/bridge/devices` payload to `f`.
void add_z2m_devices(discovery_findings& f, const std::string& payload);

/// A Hearth device/driver id for a Tuya device id: "tuya_" + the id lowercased, non
/// [a-z0-9] characters dropped, at most 64 characters.
std::string tuya_driver_id(const std::string& device_id);

/// The `drivers` entry that adds `t` to hearthd (the local key and category are left for the user),
/// keys in the order of the docs (plugin, id, config).
nlohmann::ordered_json tuya_snippet(const tuya_find& t);
/// The `drivers` entry that adds the Zigbee2MQTT instance at `url` / `base` to hearthd.
nlohmann::ordered_json z2m_snippet(const std::string& url, const std::string& base);

/// The findings as text: a table per source, then the snippets to paste.
std::string render_findings(const discovery_findings& f, bool color);
/// The findings as JSON ({"tuya": [...], "z2m": {...}}), each find with its "config" snippet.
nlohmann::json findings_json(const discovery_findings& f);

}  // namespace hearth::ctl
