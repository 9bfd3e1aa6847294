// Fuzz target: MQTT /set payloads -> typed commands (src/core/command.hpp), as the bridge
// handles them (src/mqtt/bridge_requests.cpp). Input: byte 0 picks the device (light, climate,
// lock, vacuum), byte 1 bit 0 picks `<id>/set` (rest = JSON payload) or `<id>/set/<property>`
// (first line = property, rest = raw payload). Checks: an accepted command passes
// validate_command again and serialises for the driver; a refusal has a reason, and the
// response the bridge publishes for either can be serialised.
#include "core/command.hpp"
#include "fuzz_support.hpp"

#include <iterator>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using hearth::fuzz::check;
    hearth::fuzz::input_reader in(data, size);
    const auto& devices = hearth::fuzz::devices();
    auto device = devices.begin();
    std::advance(device, in.byte() % devices.size());
    const hearth::device_descriptor& descriptor = device->second;

    const bool per_property = (in.byte() & 1) != 0;
    hearth::result<hearth::device_command> result = hearth::fail("unset");
    if (per_property) {
        const std::string_view property = in.line();
        result = hearth::parse_set_property(descriptor, property, in.rest());
    } else {
        result = hearth::parse_set_payload(descriptor, in.rest());
    }

    nlohmann::json response = {{"status", result.has_value() ? "ok" : "error"}};
    if (result.has_value()) {
        check(!hearth::validate_command(descriptor, *result).has_value(), "an accepted command fails validate_command");
        const std::string to_driver = result->to_driver_json().dump();  // what gateway.cpp sends
        check(!to_driver.empty(), "empty driver command");
        response["data"] = {{"command", result->name}};
        if (result->transaction) response["transaction"] = *result->transaction;
    } else {
        check(!result.error().empty(), "a refused command has no reason");
        response["error"] = result.error();
    }
    (void)response.dump();  // bridge::respond publishes exactly this
    return 0;
}
