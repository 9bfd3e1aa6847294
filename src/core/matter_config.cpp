// Parsing of the `matter` config section (matter_config.hpp).
#include "core/matter_config.hpp"

#include <algorithm>
#include <array>
#include <filesystem>

namespace hearth {

using json = nlohmann::json;
namespace fs = std::filesystem;

bool is_valid_matter_passcode(long long passcode) {
    constexpr std::array<long long, 12> trivial{0,        11111111, 22222222, 33333333, 44444444, 55555555,
                                                66666666, 77777777, 88888888, 99999999, 12345678, 87654321};
    if (passcode < 1 || passcode > 99999998) return false;
    return std::find(trivial.begin(), trivial.end(), passcode) == trivial.end();
}

namespace {

std::vector<std::string> string_list(const json& section, const char* key) {
    std::vector<std::string> out;
    if (auto it = section.find(key); it != section.end() && it->is_array()) {
        for (const auto& v : *it) {
            if (v.is_string()) out.push_back(v.get<std::string>());
        }
    }
    return out;
}

std::optional<int> optional_int(const json& section, const char* key) {
    if (auto it = section.find(key); it != section.end() && it->is_number_integer()) return it->get<int>();
    return std::nullopt;
}

}  // namespace

matter_config parse_matter_config(const json& section, const std::string& file, const std::string& base_dir,
                                  const std::string& database_path, located_errors& errors) {
    matter_config c;
    c.state_dir = (fs::path(database_path).parent_path() / "matter").lexically_normal().string();
    if (!section.is_object()) return c;
    if (auto it = section.find("enabled"); it != section.end() && it->is_boolean()) c.enabled = it->get<bool>();
    c.port = optional_int(section, "port").value_or(c.port);
    c.passcode = optional_int(section, "passcode");
    c.discriminator = optional_int(section, "discriminator");
    c.include = string_list(section, "include");
    c.exclude = string_list(section, "exclude");
    if (auto it = section.find("state_dir"); it != section.end() && it->is_string()) {
        c.state_dir = (fs::path(base_dir) / it->get<std::string>()).lexically_normal().string();
    }
    if (c.passcode && !is_valid_matter_passcode(*c.passcode)) {
        errors.push_back({file, "/matter/passcode",
                          "a Matter passcode must be 1 to 99999998 and not one of the trivial codes the "
                          "specification forbids (11111111, 12345678, 87654321, ...)"});
    }
    for (std::size_t i = 0; i < c.exclude.size(); ++i) {
        if (std::find(c.include.begin(), c.include.end(), c.exclude[i]) != c.include.end()) {
            errors.push_back({file, "/matter/exclude/" + std::to_string(i),
                              "device '" + c.exclude[i] + "' is both included and excluded"});
        }
    }
    return c;
}

json matter_summary(const matter_config& c) {
    return {{"enabled", c.enabled}, {"port", c.port},           {"include", c.include},
            {"exclude", c.exclude}, {"state_dir", c.state_dir}, {"passcode_set", c.passcode.has_value()}};
}

}  // namespace hearth
