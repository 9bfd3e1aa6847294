// Fuzz target: a driver plugin's config schema (ABI v1.2 config_schema; untrusted: any plugin may
// declare anything) applied to a driver's config (src/core/driver_schema.hpp check_driver_config
// and redact_config). Input: the schema text, a NUL byte, then the config JSON. Checks: never
// throws; every problem is located under the given prefix.
#include "fuzz_support.hpp"

#include "core/driver_schema.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using hearth::fuzz::check;
    using nlohmann::json;
    hearth::fuzz::input_reader in(data, size);
    const std::string schema(in.until_nul());
    const json config = json::parse(in.rest(), nullptr, false);
    if (config.is_discarded()) return 0;
    for (const auto& e : hearth::check_driver_config(schema, config, "h.json", "/drivers/0/config")) {
        check(e.pointer.rfind("/drivers/0/config", 0) == 0, "a problem is located outside the driver's config");
        check(!e.reason.empty(), "a problem has no reason");
    }
    (void)hearth::redact_config(schema, config).dump(-1, ' ', false, json::error_handler_t::replace);
    return 0;
}
