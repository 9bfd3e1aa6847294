// Fuzz target: the Zigbee2MQTT mapping (plugins/z2m/mapping): a bridge/devices entry from MQTT ->
// descriptor, then a state payload of that device -> Hearth state and events, then the state
// written back as a command. Input: entry JSON, NUL, state JSON. Checks: a mapped descriptor
// passes the core's parse_descriptor; every decoded value passes check_value against it; every
// event is declared; encode_command answers or refuses with std::invalid_argument.
#include "core/device_model.hpp"
#include "fuzz_support.hpp"
#include "z2m_json.hpp"
#include "z2m_mapping.hpp"

#include <algorithm>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using hearth::fuzz::check;
    namespace z2m = hearth::z2m;
    if (size > (1U << 20U)) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto nul = text.find('\0');
    const auto entry = z2m::parse_bounded(text.substr(0, nul), 32);
    const auto state = nul == std::string_view::npos ? nlohmann::json() : z2m::parse_bounded(text.substr(nul + 1), 32);
    const z2m::map_result r = z2m::map_device(entry);
    if (!r.mapping) {
        check(!r.skipped.empty(), "a skip without a reason");
        return 0;
    }
    const auto parsed = hearth::parse_descriptor(r.mapping->descriptor);
    check(static_cast<bool>(parsed), "the mapper made a descriptor the core refuses");
    const z2m::decoded_state s = z2m::decode_state(*r.mapping, state);
    for (const auto& [prop, v] : s.state.items()) {
        const auto spec = parsed->properties.find(prop);
        check(spec != parsed->properties.end(), "a decoded property is not declared");
        check(!hearth::check_value(spec->second, v, false).has_value(), "a decoded value does not fit");
    }
    for (const auto& e : s.events) check(parsed->events.contains(e), "a decoded event is not declared");
    for (const auto& [prop, v] : s.state.items()) {
        try {
            (void)z2m::encode_command(*r.mapping, "set", {{prop, v}}, s.state);
        } catch (const std::invalid_argument&) {}
    }
    for (const auto& c : r.mapping->commands) (void)z2m::encode_command(*r.mapping, c.name, nlohmann::json::object());
    return 0;
}
