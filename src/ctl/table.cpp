// Table rendering and output formatters (see table.hpp).
#include "ctl/table.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>

namespace hearth::ctl {

table::table(std::vector<std::string> headers) : headers_(std::move(headers)), right_(headers_.size(), false) {}

void table::align_right(std::size_t index) {
    if (index < right_.size()) right_[index] = true;
}

void table::add_row(std::vector<std::string> cells) {
    cells.resize(headers_.size());
    for (auto& c : cells) c = sanitize(c);
    rows_.push_back(std::move(cells));
}

std::string table::render(bool color) const {
    const std::size_t n = headers_.size();
    std::vector<std::size_t> width(n, 0);
    for (std::size_t c = 0; c < n; ++c) width[c] = display_width(headers_[c]);
    for (const auto& row : rows_) {
        for (std::size_t c = 0; c < n; ++c) width[c] = std::max(width[c], display_width(row[c]));
    }
    auto line = [&](const std::vector<std::string>& cells, bool header) {
        std::string out;
        for (std::size_t c = 0; c < n; ++c) {
            const std::size_t pad = width[c] - display_width(cells[c]);
            const bool last = c + 1 == n;
            if (c > 0) out += "  ";
            if (right_[c]) out.append(pad, ' ');
            if (header && color) out += "\x1b[1m";
            out += cells[c];
            if (header && color) out += "\x1b[0m";
            if (!right_[c] && !last) out.append(pad, ' ');
        }
        while (!out.empty() && out.back() == ' ') out.pop_back();
        return out + "\n";
    };
    std::string out = line(headers_, true);
    for (const auto& row : rows_) out += line(row, false);
    return out;
}

std::size_t display_width(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s) {
        if ((c & 0xC0) != 0x80) ++n;  // count every byte that is not a continuation byte
    }
    return n;
}

std::string sanitize(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (unsigned char c : s) {
        if (c == '\n' || c == '\t' || c == '\r') {
            out += ' ';
        } else if (c < 0x20 || c == 0x7F) {
            out += '?';
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

std::string truncate(const std::string& s, std::size_t max) {
    if (display_width(s) <= max) return s;
    if (max == 0) return "";
    std::string out;
    std::size_t points = 0;
    for (unsigned char c : s) {
        const bool starts = (c & 0xC0) != 0x80;
        if (starts && ++points > max - 1) break;
        out += static_cast<char>(c);
    }
    return out + "\u2026";
}

std::string format_age(std::int64_t then_ms, std::int64_t now_ms) {
    if (then_ms <= 0) return "-";
    const std::int64_t diff = now_ms - then_ms;
    const bool future = diff < 0;
    const std::int64_t s = (future ? -diff : diff) / 1000;
    if (!future && s < 2) return "just now";
    std::string amount;
    constexpr std::int64_t hour_s = 3600;
    constexpr std::int64_t day_s = 86400;
    if (s < 120) {
        amount = std::to_string(s) + "s";
    } else if (s < 2 * hour_s) {
        amount = std::to_string(s / 60) + "m";
    } else if (s < 2 * day_s) {
        amount = std::to_string(s / hour_s) + "h";
    } else {
        amount = std::to_string(s / day_s) + "d";
    }
    return future ? "in " + amount : amount + " ago";
}

std::string format_local_time(std::int64_t ms) {
    const std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm local{};
    if (localtime_r(&t, &local) == nullptr) return std::to_string(ms);
    char date[32];
    std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &local);
    const long off = local.tm_gmtoff / 60;
    const long abs_off = off < 0 ? -off : off;
    char zone[32];
    std::snprintf(zone, sizeof zone, "%c%02d:%02d", off < 0 ? '-' : '+', static_cast<int>(abs_off / 60 % 100),
                  static_cast<int>(abs_off % 60));
    return std::string(date) + zone;
}

std::string format_uptime(std::int64_t seconds) {
    if (seconds < 0) seconds = 0;
    const std::int64_t d = seconds / 86400;
    const std::int64_t h = seconds % 86400 / 3600;
    const std::int64_t m = seconds % 3600 / 60;
    const std::int64_t s = seconds % 60;
    if (d > 0) return std::to_string(d) + "d " + std::to_string(h) + "h";
    if (h > 0) return std::to_string(h) + "h " + std::to_string(m) + "m";
    if (m > 0) return std::to_string(m) + "m " + std::to_string(s) + "s";
    return std::to_string(s) + "s";
}

std::string format_bytes(std::uint64_t bytes) {
    if (bytes < 1024) return std::to_string(bytes) + " B";
    static const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
    double v = static_cast<double>(bytes) / 1024.0;
    std::size_t u = 0;
    while (v >= 1024.0 && u + 1 < 4) {
        v /= 1024.0;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
    return buf;
}

std::string cell_text(const nlohmann::json& value) {
    if (value.is_null()) return "-";
    if (value.is_string()) return value.get<std::string>();
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string summarize_state(const nlohmann::json& state, std::size_t max) {
    if (!state.is_object()) return truncate(cell_text(state), max);
    // The properties that say most about a device first, then the rest alphabetically.
    static const std::array<const char*, 12> key_first = {"on",      "lock_state",  "operational_state", "mode",
                                                          "value",   "target_temp", "current_temp",      "brightness",
                                                          "power_w", "motion",      "battery",           "fridge_temp"};
    std::vector<std::string> order;
    for (const char* k : key_first) {
        if (state.contains(k)) order.emplace_back(k);
    }
    for (const auto& [key, value] : state.items()) {
        if (std::find(order.begin(), order.end(), key) == order.end()) order.push_back(key);
    }
    std::string out;
    for (const auto& key : order) {
        if (!out.empty()) out += ' ';
        out += key + "=" + cell_text(state[key]);
        if (display_width(out) > max) break;
    }
    return truncate(out, max);
}

}  // namespace hearth::ctl
