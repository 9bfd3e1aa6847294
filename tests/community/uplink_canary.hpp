// The canary check on what crosses the uplink (docs/community.md, "Consent"): a payload seen on
// community/# must hold no lock PIN or code, no token or password, and no image bytes (JPEG/PNG
// magic, raw or base64, or a data: URL), nor any planted canary string.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::community_test {

/// What forbidden thing `payload` holds ("" when none): the first match, for the failure message.
inline std::string uplink_canary_finding(std::string_view payload, const std::vector<std::string>& canaries = {}) {
    static constexpr std::array<std::string_view, 12> forbidden = {
        R"("pin")",     R"("pin_code")", R"("code")",   R"("token")", R"("password")", R"("secret")",
        "\xff\xd8\xff", "\x89PNG",       "data:image/", "/9j/4",      "iVBORw0KGgo",   R"("image")"};
    for (const auto needle : forbidden) {
        if (payload.find(needle) != std::string_view::npos) {
            return std::string(needle);
        }
    }
    for (const auto& canary : canaries) {
        if (!canary.empty() && payload.find(canary) != std::string_view::npos) {
            return canary;
        }
    }
    return {};
}

}  // namespace hearth::community_test
