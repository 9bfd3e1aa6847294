// The pure part of `hearthctl discover` (see discover.hpp).
#include "ctl/discover.hpp"

#include "ctl/table.hpp"
#include "tuya_discovery.hpp"

#include <sstream>

namespace hearth::ctl {

namespace {

using json = nlohmann::json;

constexpr std::size_t k_max_tuya = 1024;  // finds kept; a flood of forged ids cannot grow memory
constexpr std::size_t k_max_errors = 5;   // reasons kept for the output
constexpr std::size_t k_max_z2m = 4096;   // bridge/devices entries kept
constexpr std::size_t k_max_field = 256;  // characters kept of any received text

std::string clip(const std::string& s) { return s.size() <= k_max_field ? s : s.substr(0, k_max_field); }

std::string text_field(const json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? clip(it->get<std::string>()) : std::string();
}

bool bool_of(const json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_boolean() && it->get<bool>();
}

/// A Zigbee2MQTT entry reduced to what discovery shows (the exposes stay with the driver).
json z2m_entry(const json& d) {
    json out = {{"ieee_address", text_field(d, "ieee_address")},
                {"friendly_name", text_field(d, "friendly_name")},
                {"type", text_field(d, "type")},
                {"supported", bool_of(d, "supported")},
                {"interview_completed", bool_of(d, "interview_completed")}};
    const auto def = d.find("definition");
    if (def != d.end() && def->is_object()) {
        out["model"] = text_field(*def, "model");
        out["vendor"] = text_field(*def, "vendor");
        out["description"] = text_field(*def, "description");
    } else {
        out["model"] = text_field(d, "model_id");
        out["vendor"] = text_field(d, "manufacturer");
        out["description"] = "";
    }
    return out;
}

std::string z2m_status(const json& e) {
    if (!e.value("interview_completed", false)) return "interviewing";
    return e.value("supported", false) ? "supported" : "unsupported";
}

}  // namespace

void add_tuya_datagram(discovery_findings& f, std::span<const std::uint8_t> datagram, const std::string& sender_ip) {
    const tuya::discovery_result r = tuya::decode_discovery(datagram);
    if (!r.value || r.value->gw_id.empty()) {
        ++f.tuya_ignored;
        if (f.tuya_errors.size() < k_max_errors)
            f.tuya_errors.push_back(sender_ip + ": " + (r.error.empty() ? "no gwId" : r.error));
        return;
    }
    const tuya::discovery_info& info = *r.value;
    const std::string id = clip(info.gw_id);
    if (!f.tuya.contains(id) && f.tuya.size() >= k_max_tuya) {
        ++f.tuya_ignored;
        return;
    }
    tuya_find& t = f.tuya[id];
    t.device_id = id;
    t.ip = info.ip.empty() ? sender_ip : clip(info.ip);
    t.version = clip(info.version);
    t.product_key = clip(info.product_key);
    ++t.broadcasts;
}

void add_z2m_devices(discovery_findings& f, const std::string& payload) {
    f.z2m_found = true;
    const json doc = json::parse(payload, nullptr, false);
    if (!doc.is_array()) {
        f.z2m_error = doc.is_discarded() ? "bridge/devices is not JSON" : "bridge/devices is not a JSON array";
        return;
    }
    f.z2m_devices = json::array();
    for (const auto& d : doc) {
        if (!d.is_object() || text_field(d, "type") == "Coordinator") continue;
        if (f.z2m_devices.size() >= k_max_z2m) break;
        f.z2m_devices.push_back(z2m_entry(d));
    }
}

std::string tuya_driver_id(const std::string& device_id) {
    std::string id = "tuya_";
    for (char c : device_id) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) id += c;
        if (id.size() == 64) break;
    }
    return id;
}

nlohmann::ordered_json tuya_snippet(const tuya_find& t) {
    nlohmann::ordered_json config = {{"host", t.ip},
                                     {"device_id", t.device_id},
                                     {"local_key", "<16-character local key from the Tuya IoT platform>"},
                                     {"version", t.version.empty() ? "3.3" : t.version},
                                     {"category", "<plug|bulb|contact|ac|curtain|fan>"}};
    return {{"plugin", "tuya"}, {"id", tuya_driver_id(t.device_id)}, {"config", config}};
}

nlohmann::ordered_json z2m_snippet(const std::string& url, const std::string& base) {
    nlohmann::ordered_json config = {{"url", url}, {"base_topic", base}};
    return {{"plugin", "z2m"}, {"id", "zigbee"}, {"config", config}};
}

std::string render_findings(const discovery_findings& f, bool color) {
    std::ostringstream out;
    out << "Tuya (UDP broadcasts): " << f.tuya.size() << " device(s)";
    if (f.tuya_ignored > 0) out << ", " << f.tuya_ignored << " datagram(s) ignored";
    out << "\n";
    if (!f.tuya.empty()) {
        table t({"DEVICE ID", "ADDRESS", "VERSION", "PRODUCT KEY", "BROADCASTS"});
        t.align_right(4);
        for (const auto& [id, d] : f.tuya)
            t.add_row({id, d.ip, d.version, d.product_key, std::to_string(d.broadcasts)});
        out << t.render(color);
    }
    for (const auto& e : f.tuya_errors) out << "  ignored: " << e << "\n";
    if (f.z2m_searched) {
        out << "\nZigbee2MQTT ('" << f.z2m_base << "' on " << f.z2m_url << "): ";
        if (!f.z2m_found) {
            out << "no retained " << f.z2m_base << "/bridge/devices (is Zigbee2MQTT running on this broker?)\n";
        } else if (!f.z2m_error.empty()) {
            out << f.z2m_error << "\n";
        } else {
            out << f.z2m_devices.size() << " device(s)\n";
            table t({"IEEE ADDRESS", "NAME", "VENDOR", "MODEL", "TYPE", "STATUS"});
            for (const auto& d : f.z2m_devices) {
                t.add_row({d["ieee_address"], d["friendly_name"], d["vendor"], d["model"], d["type"], z2m_status(d)});
            }
            if (t.rows() > 0) out << t.render(color);
        }
    }
    const bool any = !f.tuya.empty() || (f.z2m_found && f.z2m_error.empty());
    if (any) out << "\nAdd to \"drivers\" in hearthd's config:\n";
    for (const auto& [id, d] : f.tuya) out << "  " << tuya_snippet(d).dump() << ",\n";
    if (f.z2m_found && f.z2m_error.empty()) {
        out << "  " << z2m_snippet(f.z2m_url, f.z2m_base).dump() << "\n"
            << "  (one z2m entry brings every Zigbee device of that instance)\n";
    }
    if (!f.tuya.empty()) out << "  (a Tuya device's local key is not broadcast: get it from the Tuya IoT platform)\n";
    return out.str();
}

json findings_json(const discovery_findings& f) {
    json tuya = json::array();
    for (const auto& [id, d] : f.tuya) {
        tuya.push_back({{"device_id", id},
                        {"ip", d.ip},
                        {"version", d.version},
                        {"product_key", d.product_key},
                        {"broadcasts", d.broadcasts},
                        {"config", json::parse(tuya_snippet(d).dump())}});
    }
    json out = {{"tuya", tuya}, {"tuya_ignored", f.tuya_ignored}};
    if (f.z2m_searched) {
        json z = {{"base_topic", f.z2m_base}, {"url", f.z2m_url}, {"found", f.z2m_found}};
        if (!f.z2m_error.empty()) z["error"] = f.z2m_error;
        if (f.z2m_found && f.z2m_error.empty()) {
            z["devices"] = f.z2m_devices;
            z["config"] = json::parse(z2m_snippet(f.z2m_url, f.z2m_base).dump());
        }
        out["z2m"] = z;
    }
    return out;
}

}  // namespace hearth::ctl
