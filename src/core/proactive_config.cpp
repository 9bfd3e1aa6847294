// Parsing of the `suggestions` and `care` config sections (proactive_config.hpp).
#include "core/proactive_config.hpp"

#include <cstdio>

namespace hearth {

using json = nlohmann::json;

std::optional<int> parse_time_of_day(const std::string& text) {
    if (text.size() != 5 || text[2] != ':') return std::nullopt;
    int h = 0, m = 0;
    for (const std::size_t i : {0U, 1U, 3U, 4U}) {
        if (text[i] < '0' || text[i] > '9') return std::nullopt;
    }
    h = (text[0] - '0') * 10 + (text[1] - '0');
    m = (text[3] - '0') * 10 + (text[4] - '0');
    if (h > 23 || m > 59) return std::nullopt;
    return h * 3600 + m * 60;
}

namespace {

/// The seconds of a time-of-day field, or an error naming it.
std::optional<int> time_field(const json& obj, const char* key, const std::string& file, const std::string& where,
                              located_errors& errors) {
    const auto it = obj.find(key);
    if (it == obj.end() || !it->is_string()) return std::nullopt;
    auto s = parse_time_of_day(it->get<std::string>());
    if (!s) errors.push_back({file, where + "/" + key, "not a local time HH:MM (00:00 to 23:59)"});
    return s;
}

template <class T>
void take_int(const json& obj, const char* key, T& out) {
    if (auto it = obj.find(key); it != obj.end() && it->is_number_integer()) out = it->get<T>();
}

}  // namespace

suggestions_config parse_suggestions_config(const json& section, const std::string& file, located_errors& errors) {
    suggestions_config c;
    if (!section.is_object()) return c;
    if (auto it = section.find("enabled"); it != section.end() && it->is_boolean()) c.enabled = it->get<bool>();
    take_int(section, "days", c.days);
    if (auto s = time_field(section, "mine_at", file, "/suggestions", errors)) c.mine_at_s = *s;
    return c;
}

care_config parse_care_config(const json& section, const std::string& file, located_errors& errors) {
    care_config c;
    if (!section.is_object()) return c;
    if (auto it = section.find("enabled"); it != section.end() && it->is_boolean()) c.enabled = it->get<bool>();
    if (auto it = section.find("devices"); it != section.end() && it->is_array()) {
        for (const auto& d : *it) {
            if (d.is_string()) c.devices.push_back(d.get<std::string>());
        }
    }
    take_int(section, "min_gap_min", c.min_gap_min);
    take_int(section, "learn_days", c.learn_days);
    if (auto it = section.find("scene"); it != section.end() && it->is_string()) c.scene = it->get<std::string>();
    if (auto q = section.find("quiet_hours"); q != section.end() && q->is_object()) {
        auto from = time_field(*q, "from", file, "/care/quiet_hours", errors);
        auto to = time_field(*q, "to", file, "/care/quiet_hours", errors);
        if (from && to) {
            if (*from == *to) {
                errors.push_back(
                    {file, "/care/quiet_hours", "\"from\" and \"to\" are equal: the quiet period is empty"});
            } else {
                c.quiet_hours = std::make_pair(*from, *to);
            }
        }
    }
    return c;
}

}  // namespace hearth
