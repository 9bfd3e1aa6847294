// Role: the pure piece of the shelly driver — Shelly Gen2/Gen3 RPC answers and notification
// frames (untrusted JSON) turned into Hearth components, states and events. No I/O; every
// accessor is checked and every refusal is a precise sentence (never an exception out of here).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace hearth::shelly {

using json = nlohmann::json;

/// A parse result: a value or the reason the device's frame was refused.
template <class T>
struct parsed {
    std::optional<T> value;
    std::string error;  ///< set when !value
    explicit operator bool() const noexcept { return value.has_value(); }
};

/// What Shelly.GetDeviceInfo says about the device.
struct device_info {
    std::string id;     ///< e.g. "shellyplus2pm-a8032ab12345" (also the digest realm)
    std::string model;  ///< e.g. "SNSW-102P16EU"
    std::string app;    ///< e.g. "Plus2PM"
    std::string ver;    ///< firmware version
    int gen = 2;
    bool auth_en = false;
};

enum class kind { switch_, light, cover, input };

/// One functional component ("switch:0", "light:0", "cover:0", "input:0") of a device.
struct component {
    kind type = kind::switch_;
    int id = 0;
    std::string key;          ///< "switch:0": the key in GetStatus/GetConfig/NotifyStatus
    std::string name;         ///< from GetConfig (empty if unnamed)
    bool metering = false;    ///< switch: reports apower/aenergy (a plug with power_w, energy_kwh)
    bool pos_control = true;  ///< cover: calibrated, can go to a position
    bool button = false;      ///< input: type "button" (events), else "switch" (a binary state)
};

/// A button press from a NotifyEvent frame, in the device model's vocabulary.
struct press {
    std::string component;  ///< "input:0"
    std::string event;      ///< single_push, double_push, triple_push, long_push
};

/// A notification frame (ws://host/rpc): NotifyStatus / NotifyFullStatus carry component
/// status objects (partial for NotifyStatus), NotifyEvent carries presses.
struct notification {
    std::string method;
    json status = json::object();  ///< component key -> status object
    std::vector<press> presses;
};

/// The "result" of a JSON-RPC answer frame ({"id":..,"result":..} / {"id":..,"error":{..}}),
/// or the device's error ("Switch.Set: device error -103: Invalid argument 'id'").
parsed<json> rpc_result(const json& frame, const std::string& method);

/// Shelly.GetDeviceInfo's answer.
parsed<device_info> parse_device_info(const json& info);

/// The components Hearth drives, from Shelly.GetStatus and Shelly.GetConfig (the config supplies
/// names and input types; a component missing there keeps its defaults). Unknown components
/// (sys, wifi, ble, ...) are skipped; a malformed key or entry is refused.
parsed<std::vector<component>> parse_components(const json& status, const json& config);

/// The Hearth state of `c` from its status object: only the properties present and well-typed
/// (a NotifyStatus delta carries a few); power in W, energy in kWh (Shelly reports Wh), cover
/// position 0–100, cover state mapped to open/closed/opening/closing/stopped. Refused if the
/// status is not an object.
parsed<json> component_state(const component& c, const json& status);

/// The device model's press name for a Shelly input event, nullopt for events Hearth does not
/// forward (btn_down, btn_up, unknown names).
std::optional<std::string> press_name(const std::string& shelly_event);

/// A notification frame; frames that are RPC answers or unknown methods are refused with a
/// reason (the caller ignores them quietly).
parsed<notification> parse_notification(const json& frame);

/// The Hearth device id of `c` on the configured device `device_id`: "<device_id>_<kind>_<n>".
std::string device_id_of(const std::string& device_id, const component& c);

/// The descriptor the driver registers for `c` (kit builders): a switch with metering is a plug
/// (power_w, energy_kwh), a light a dimmable light, a cover a cover (position read-only when not
/// calibrated, power_w when metered), a button input a button, a switch input a binary_sensor.
json descriptor_of(const component& c, const std::string& hearth_id, const std::string& name, const device_info& info);

/// "switch", "light", "cover", "input".
const char* kind_name(kind k);

}  // namespace hearth::shelly
