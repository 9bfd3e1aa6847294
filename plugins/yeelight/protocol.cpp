// Role: implementation of protocol.hpp (request encoding, line classification
// and property mapping). Pure functions; every parse uses the non-throwing nlohmann API.
#include "protocol.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

namespace hearth::yeelight {

namespace {

/// An integer from a JSON number or a decimal string ("10"); nullopt otherwise.
std::optional<std::int64_t> to_int(const json& v) {
    if (v.is_number_integer()) return v.get<std::int64_t>();
    if (v.is_number_float()) return static_cast<std::int64_t>(v.get<double>());
    if (!v.is_string()) return std::nullopt;
    const auto& s = v.get_ref<const std::string&>();
    std::int64_t n = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) return std::nullopt;
    return n;
}

}  // namespace

message parse_line(std::string_view line) {
    const json j = json::parse(line.begin(), line.end(), nullptr, false);
    if (j.is_discarded()) return invalid_line{"not JSON"};
    if (!j.is_object()) return invalid_line{"not a JSON object"};
    if (j.contains("method")) {
        if (j["method"] != "props") return invalid_line{"unknown notification method"};
        if (!j.contains("params") || !j["params"].is_object()) return invalid_line{"props without an object params"};
        return notification{j["params"]};
    }
    if (!j.contains("id") || !j["id"].is_number_unsigned()) return invalid_line{"no numeric id"};
    reply r;
    r.id = j["id"].get<std::uint64_t>();
    if (j.contains("result")) {
        if (!j["result"].is_array()) return invalid_line{"result is not an array"};
        r.ok = true;
        r.result = j["result"];
        return r;
    }
    if (j.contains("error")) {
        const json& e = j["error"];
        r.message = e.is_object() && e.contains("message") && e["message"].is_string() ? e["message"].get<std::string>()
                                                                                       : "the bulb reported an error";
        return r;
    }
    return invalid_line{"neither result nor error"};
}

std::string encode_request(std::uint64_t id, std::string_view method, const json& params) {
    const json j = {{"id", id}, {"method", method}, {"params", params}};
    return j.dump() + "\r\n";
}

json props_to_state(const json& props) {
    json state = json::object();
    if (!props.is_object()) return state;
    if (auto it = props.find("power"); it != props.end() && (*it == "on" || *it == "off")) state["on"] = *it == "on";
    if (auto n = to_int(props.value("bright", json())); n && *n >= 0 && *n <= 100) state["brightness"] = *n;
    if (auto n = to_int(props.value("ct", json())); n && *n >= k_min_ct && *n <= k_max_ct) state["color_temp_k"] = *n;
    return state;
}

json get_prop_params() { return json::array({"power", "bright", "ct"}); }

json get_prop_result_to_state(const json& result) {
    if (!result.is_array() || result.size() != 3) return json::object();
    return props_to_state({{"power", result[0]}, {"bright", result[1]}, {"ct", result[2]}});
}

int clamp_ct(std::int64_t kelvin) noexcept {
    return static_cast<int>(std::clamp<std::int64_t>(kelvin, k_min_ct, k_max_ct));
}

}  // namespace hearth::yeelight
