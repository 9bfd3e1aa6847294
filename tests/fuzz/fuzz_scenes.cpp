// Fuzz target: scene and automation files (src/rules/scene_loader.hpp load_scene_sources: JSON,
// the embedded schema, semantic checks, cross-file references and cycles, device checks).
// Input: byte 0 bit 0 = the config has a location (sun triggers allowed), bit 1 = device checks
// against the light, climate, lock and vacuum descriptors; then one or two files separated by
// a NUL byte. Checks: exactly one of value and errors; every error renders.
#include "fuzz_support.hpp"
#include "rules/scene_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using hearth::fuzz::check;
    hearth::fuzz::input_reader in(data, size);
    const std::uint8_t flags = in.byte();

    hearth::rules::load_options options;
    options.have_location = (flags & 1) != 0;
    if ((flags & 2) != 0) {
        options.devices = [](const std::string& id) -> const hearth::device_descriptor* {
            const auto& devices = hearth::fuzz::devices();
            auto it = devices.find(id);
            return it == devices.end() ? nullptr : &it->second;
        };
    }
    std::vector<hearth::rules::source_file> files;
    files.push_back({"evening.json", std::string(in.until_nul())});
    if (!in.empty()) files.push_back({"morning.json", std::string(in.rest())});

    const hearth::checked<hearth::rules::rule_set> result = hearth::rules::load_scene_sources(files, options);
    if (!result) {
        check(!result.error().empty(), "a refused scene set has no errors");
        for (const auto& error : result.error()) check(!error.to_string().empty(), "an empty scene error");
    }
    return 0;
}
