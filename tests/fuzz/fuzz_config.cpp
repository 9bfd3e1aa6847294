// Fuzz target: the main config file (src/core/config.hpp parse_config: JSON, the embedded JSON
// Schema, then the semantic checks). Input: the file text. Relative paths resolve against a
// directory that does not exist, so nothing is read. Checks: exactly one of value and errors,
// every error renders, and an accepted config's summary (what bridge/info publishes) serialises.
#include "core/config.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using hearth::fuzz::check;
    const std::string text(reinterpret_cast<const char*>(data), size);
    const hearth::config_result result = hearth::parse_config(text, "hearth.json", "/nonexistent/hearth-fuzz");
    check(result.value.has_value() == result.errors.empty(), "a config has both a value and errors, or neither");
    for (const auto& error : result.errors) check(!error.to_string().empty(), "an empty config error");
    if (result.value) (void)result.value->summary().dump();
    return 0;
}
