// Fuzz target: the main config file (src/core/config.hpp parse_config: JSON, the embedded JSON
// Schema, then the semantic checks). Input: the file text. Relative paths resolve against a
// directory that does not exist, so nothing is read. Checks: exactly one of value and errors,
// every error renders, and an accepted config's summary (what bridge/info publishes) serialises.
#include "core/config.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using hearth::fuzz::check;
    const std::string text(reinterpret_cast<const char*>(data), size);
    const hearth::checked<hearth::config> result =
        hearth::parse_config(text, "hearth.json", "/nonexistent/hearth-fuzz");
    if (!result) {
        check(!result.error().empty(), "a refused config has no errors");
        for (const auto& error : result.error()) check(!error.to_string().empty(), "an empty config error");
    }
    if (result.has_value()) (void)result->summary().dump();
    return 0;
}
