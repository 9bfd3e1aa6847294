// Fuzz target: device descriptors as a driver registers them (src/core/device_model.hpp
// parse_descriptor; untrusted: a driver or its worker process may send anything), then values
// reported for the accepted descriptor's properties (check_value). Input: a JSON descriptor,
// a NUL byte, then a JSON object of property values. Checks: exactly one of value and errors;
// an accepted descriptor keeps its id/type and republishes (raw) as JSON.
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using hearth::fuzz::check;
    using nlohmann::json;
    hearth::fuzz::input_reader in(data, size);
    const json descriptor = json::parse(in.until_nul(), nullptr, false);
    if (descriptor.is_discarded()) return 0;

    const hearth::checked<hearth::device_descriptor> result = hearth::parse_descriptor(descriptor);
    if (!result) {
        check(!result.error().empty(), "a refused descriptor has no errors");
        return 0;
    }
    check(hearth::is_valid_id(result->id), "an accepted descriptor has an invalid id");
    check(hearth::device_types().count(std::string(hearth::to_string(result->type))) == 1,
          "an accepted descriptor has an unknown type");
    (void)result->raw.dump();  // published on <base>/bridge/devices

    const json state = json::parse(in.rest(), nullptr, false);
    if (!state.is_object()) return 0;
    for (const auto& [name, value] : state.items()) {
        auto spec = result->properties.find(name);
        if (spec == result->properties.end()) continue;
        (void)hearth::check_value(spec->second, value, false);
        (void)hearth::check_value(spec->second, value, true);
    }
    return 0;
}
