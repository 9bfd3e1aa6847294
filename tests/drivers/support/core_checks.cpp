// The core-validator host checks of the driver tests (core_checks.hpp).
#include "core_checks.hpp"

#include "core/device_model.hpp"

#include <optional>
#include <string>
#include <vector>

namespace hearth::driver_test {

hearth::testing::host_options core_host_checks() {
    using json = nlohmann::json;
    hearth::testing::host_options o;
    o.timers_allowed = false;
    o.check_descriptor = [](const json& d) {
        std::vector<std::string> errors;
        auto r = hearth::parse_descriptor(d);
        if (!r) {
            for (const auto& e : r.error()) errors.push_back(e.pointer + ": " + e.reason);
        }
        return errors;
    };
    o.check_value = [](const json& d, const std::string& property, const json& v) -> std::optional<std::string> {
        auto r = hearth::parse_descriptor(d);
        if (!r) return "descriptor no longer parses";
        const auto spec = r->properties.find(property);
        if (spec == r->properties.end()) return "undeclared";
        return hearth::check_value(spec->second, v, false);
    };
    return o;
}

}  // namespace hearth::driver_test
