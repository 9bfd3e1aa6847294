// Tariffs: parsing/checking of the `energy` config section and price lookups (see tariff.hpp).
#include "core/tariff.hpp"

#include "core/device_model.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <ctime>
#include <limits>

namespace hearth {
namespace {

using json = nlohmann::json;
constexpr std::int64_t k_ms_per_min = 60'000;
constexpr std::array<const char*, 7> k_weekdays = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

std::tm local_tm(std::int64_t ts) {
    std::time_t secs = static_cast<std::time_t>(ts >= 0 ? ts / 1000 : (ts - 999) / 1000);
    std::tm tm{};
    localtime_r(&secs, &tm);
    return tm;
}

std::int64_t local_ms(std::tm tm) {
    tm.tm_isdst = -1;
    return static_cast<std::int64_t>(std::mktime(&tm)) * 1000;
}

const tou_schedule* schedule_for(const tariff& t, const std::tm& tm) {
    for (const auto& s : t.schedules) {
        if ((s.months >> (tm.tm_mon + 1) & 1U) != 0 && (s.weekdays >> tm.tm_wday & 1U) != 0) return &s;
    }
    return nullptr;  // the loader refuses schedules that leave a day uncovered
}

/// Index of the slot containing minute `minute` of the day (slots start at 00:00, ascending).
std::size_t slot_index(const tou_schedule& s, int minute) {
    std::size_t i = 0;
    while (i + 1 < s.slots.size() && s.slots[i + 1].start_min <= minute) ++i;
    return i;
}

std::optional<std::int64_t> parse_date(const std::string& text) {
    int y = 0, m = 0, d = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3) return std::nullopt;
    if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1970 || y > 9999) return std::nullopt;
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    const std::int64_t ms = local_ms(tm);
    const std::tm back = local_tm(ms);
    if (back.tm_mday != d || back.tm_mon != m - 1) return std::nullopt;  // 2026-02-30
    return ms;
}

void parse_tou(const json& t, const std::string& at, const std::string& file, tariff& out, located_errors& errors) {
    if (!t.contains("periods") || !t.contains("schedules")) {
        errors.push_back({file, at, "a time_of_use tariff needs \"periods\" and \"schedules\""});
        return;
    }
    for (const auto& [name, price] : t["periods"].items()) out.periods[name] = price.get<double>();
    if (out.periods.empty()) errors.push_back({file, at + "/periods", "name at least one period"});
    const auto& schedules = t["schedules"];
    for (std::size_t i = 0; i < schedules.size(); ++i) {
        const json& s = schedules[i];
        const std::string sat = at + "/schedules/" + std::to_string(i);
        tou_schedule sched;
        if (s.contains("months")) {
            sched.months = 0;
            for (const auto& m : s["months"]) sched.months |= 1U << m.get<int>();
        }
        if (s.contains("weekdays")) {
            sched.weekdays = 0;
            for (const auto& w : s["weekdays"]) {
                const auto name = w.get<std::string>();
                for (std::size_t d = 0; d < k_weekdays.size(); ++d)
                    if (name == k_weekdays[d]) sched.weekdays |= 1U << d;
            }
        }
        const auto& slots = s["slots"];
        for (std::size_t k = 0; k < slots.size(); ++k) {
            const std::string kat = sat + "/slots/" + std::to_string(k);
            const auto start = slots[k]["start"].get<std::string>();
            tou_slot slot{std::stoi(start.substr(0, 2)) * 60 + std::stoi(start.substr(3, 2)),
                          slots[k]["period"].get<std::string>()};
            if (k == 0 && slot.start_min != 0) {
                errors.push_back({file, kat + "/start", "the first slot must start at 00:00, not " + start});
            }
            if (k > 0 && slot.start_min <= sched.slots.back().start_min) {
                errors.push_back(
                    {file, kat + "/start",
                     "slots must be in ascending order of start; " + start + " does not come after the previous slot"});
            }
            if (out.periods.count(slot.period) == 0) {
                errors.push_back({file, kat + "/period", "unknown period '" + slot.period + "' (not in \"periods\")"});
            }
            sched.slots.push_back(std::move(slot));
        }
        out.schedules.push_back(std::move(sched));
    }
    // Every (month, weekday) must be covered by some schedule.
    for (int m = 1; m <= 12; ++m) {
        for (int d = 0; d < 7; ++d) {
            const bool covered = std::any_of(out.schedules.begin(), out.schedules.end(), [&](const tou_schedule& s) {
                return (s.months >> m & 1U) != 0 && (s.weekdays >> d & 1U) != 0;
            });
            if (!covered) {
                errors.push_back({file, at + "/schedules",
                                  "no schedule covers month " + std::to_string(m) + " on " + k_weekdays[d] +
                                      " (add a last schedule without \"months\" and \"weekdays\")"});
                return;
            }
        }
    }
}

void parse_tiered(const json& t, const std::string& at, const std::string& file, tariff& out, located_errors& errors) {
    if (!t.contains("blocks")) {
        errors.push_back({file, at, "a tiered tariff needs \"blocks\""});
        return;
    }
    const auto& blocks = t["blocks"];
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        const std::string bat = at + "/blocks/" + std::to_string(i);
        tier_block b;
        b.price = blocks[i]["price"].get<double>();
        if (blocks[i].contains("up_to_kwh")) b.up_to_kwh = blocks[i]["up_to_kwh"].get<double>();
        const bool last = i + 1 == blocks.size();
        if (last && b.up_to_kwh) {
            errors.push_back({file, bat + "/up_to_kwh", "the last block has no upper bound (drop \"up_to_kwh\")"});
        }
        if (!last && !b.up_to_kwh) {
            errors.push_back({file, bat, "every block but the last needs \"up_to_kwh\""});
        }
        if (b.up_to_kwh && (*b.up_to_kwh <= 0 || (!out.blocks.empty() && out.blocks.back().up_to_kwh &&
                                                  *b.up_to_kwh <= *out.blocks.back().up_to_kwh))) {
            errors.push_back({file, bat + "/up_to_kwh", "block bounds must be positive and ascending"});
        }
        out.blocks.push_back(b);
    }
}

}  // namespace

std::int64_t local_day_start(std::int64_t ts) {
    std::tm tm = local_tm(ts);
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    return local_ms(tm);
}

std::int64_t local_month_start(std::int64_t ts) {
    std::tm tm = local_tm(ts);
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    tm.tm_mday = 1;
    return local_ms(tm);
}

std::int64_t local_next_month_start(std::int64_t ts) {
    std::tm tm = local_tm(ts);
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    tm.tm_mday = 1;
    tm.tm_mon += 1;
    return local_ms(tm);
}

double tariff::price_at(std::int64_t ts, double month_kwh) const {
    switch (kind) {
    case tariff_kind::flat: return price;
    case tariff_kind::tiered:
        for (const auto& b : blocks)
            if (!b.up_to_kwh || month_kwh < *b.up_to_kwh) return b.price;
        return blocks.empty() ? 0 : blocks.back().price;
    case tariff_kind::time_of_use: {
        const auto name = period_at(ts);
        auto it = periods.find(name);
        return it == periods.end() ? 0 : it->second;
    }
    }
    return 0;
}

std::string tariff::period_at(std::int64_t ts) const {
    if (kind != tariff_kind::time_of_use) return {};
    const std::tm tm = local_tm(ts);
    const tou_schedule* s = schedule_for(*this, tm);
    if (s == nullptr || s->slots.empty()) return {};
    return s->slots[slot_index(*s, tm.tm_hour * 60 + tm.tm_min)].period;
}

double tariff::cost(std::int64_t ts, std::int64_t span_ms, double kwh, double month_kwh) const {
    if (kind == tariff_kind::flat) return kwh * price;
    if (kind == tariff_kind::tiered) {
        double remaining = kwh, used = month_kwh, total = 0;
        for (const auto& b : blocks) {
            const double cap = b.up_to_kwh.value_or(std::numeric_limits<double>::infinity());
            const double take = std::min(remaining, std::max(0.0, cap - used));
            total += take * b.price;
            used += take;
            remaining -= take;
            if (remaining <= 0) break;
        }
        return total;
    }
    if (span_ms <= 0) return kwh * price_at(ts);
    // Time-of-use: the price of each slot weighted by the time the bucket spends in it.
    double weighted = 0;
    for (std::int64_t t = ts, end = ts + span_ms; t < end;) {
        const std::tm tm = local_tm(t);
        const int minute = tm.tm_hour * 60 + tm.tm_min;
        const tou_schedule* s = schedule_for(*this, tm);
        std::int64_t next = end;
        double p = 0;
        if (s != nullptr && !s->slots.empty()) {
            const std::size_t i = slot_index(*s, minute);
            p = periods.count(s->slots[i].period) ? periods.at(s->slots[i].period) : 0;
            const int next_start = i + 1 < s->slots.size() ? s->slots[i + 1].start_min : 24 * 60;
            const std::int64_t into_minute = tm.tm_sec * 1000LL + ((t % 1000) + 1000) % 1000;
            next = std::min(end, t + (next_start - minute) * k_ms_per_min - into_minute);
        }
        if (next <= t) next = std::min(end, t + k_ms_per_min);
        weighted += p * static_cast<double>(next - t);
        t = next;
    }
    return kwh * weighted / static_cast<double>(span_ms);
}

const tariff* energy_config::tariff_at(std::int64_t ts) const {
    const tariff* found = nullptr;
    for (const auto& t : tariffs) {
        if (t.from_ms > ts) break;
        found = &t;
    }
    return found;
}

namespace {

/// `energy.findings` (types and ranges already checked by the schema) and the rules between fields.
findings_config parse_findings(const json& f, const std::string& file, located_errors& errors) {
    findings_config out;
    out.night_start = f.value("night_start", out.night_start);
    out.night_end = f.value("night_end", out.night_end);
    out.standby_w = f.value("standby_w", out.standby_w);
    out.standby_max_w = f.value("standby_max_w", out.standby_max_w);
    out.nights = f.value("nights", out.nights);
    out.min_nights = f.value("min_nights", out.min_nights);
    out.anomaly_weeks = f.value("anomaly_weeks", out.anomaly_weeks);
    out.anomaly_min_weeks = f.value("anomaly_min_weeks", out.anomaly_min_weeks);
    out.anomaly_factor = f.value("anomaly_factor", out.anomaly_factor);
    out.anomaly_floor_kwh = f.value("anomaly_floor_kwh", out.anomaly_floor_kwh);
    const std::string at = "/energy/findings";
    if (out.night_start == out.night_end) {
        errors.push_back({file, at + "/night_end", "the night must not be empty"});
    }
    if (out.min_nights > out.nights) {
        errors.push_back(
            {file, at + "/min_nights", "must not be more than \"nights\" (" + std::to_string(out.nights) + ")"});
    }
    if (out.anomaly_min_weeks > out.anomaly_weeks) {
        errors.push_back({file, at + "/anomaly_min_weeks",
                          "must not be more than \"anomaly_weeks\" (" + std::to_string(out.anomaly_weeks) + ")"});
    }
    if (out.standby_max_w < out.standby_w) {
        errors.push_back({file, at + "/standby_max_w", "must not be below \"standby_w\""});
    }
    return out;
}

}  // namespace

energy_config parse_energy_config(const json& section, const std::string& file, located_errors& errors) {
    energy_config cfg;
    if (auto it = section.find("currency"); it != section.end()) cfg.currency = it->get<std::string>();
    if (auto it = section.find("home_meter"); it != section.end()) {
        cfg.home_meter = it->get<std::string>();
        if (!is_valid_id(cfg.home_meter)) errors.push_back({file, "/energy/home_meter", "not a valid device id"});
    }
    if (auto it = section.find("findings"); it != section.end()) cfg.findings = parse_findings(*it, file, errors);
    const auto tariffs = section.find("tariffs");
    if (tariffs == section.end()) return cfg;
    for (std::size_t i = 0; i < tariffs->size(); ++i) {
        const json& t = (*tariffs)[i];
        const std::string at = "/energy/tariffs/" + std::to_string(i);
        tariff out;
        out.from = t["from"].get<std::string>();
        if (auto ms = parse_date(out.from)) {
            out.from_ms = *ms;
        } else {
            errors.push_back({file, at + "/from", "not a calendar date (YYYY-MM-DD): " + out.from});
        }
        if (!cfg.tariffs.empty() && out.from_ms <= cfg.tariffs.back().from_ms) {
            errors.push_back({file, at + "/from",
                              "tariffs must be in ascending order of \"from\"; " + out.from + " is not after " +
                                  cfg.tariffs.back().from});
        }
        const auto type = t["type"].get<std::string>();
        if (type == "flat") {
            out.kind = tariff_kind::flat;
            if (!t.contains("price")) {
                errors.push_back({file, at, "a flat tariff needs \"price\""});
            } else {
                out.price = t["price"].get<double>();
            }
        } else if (type == "time_of_use") {
            out.kind = tariff_kind::time_of_use;
            parse_tou(t, at, file, out, errors);
        } else {
            out.kind = tariff_kind::tiered;
            parse_tiered(t, at, file, out, errors);
        }
        for (const char* key : {"price", "periods", "schedules", "blocks"}) {
            const bool belongs =
                (type == "flat" && std::string(key) == "price") ||
                (type == "time_of_use" && (std::string(key) == "periods" || std::string(key) == "schedules")) ||
                (type == "tiered" && std::string(key) == "blocks");
            if (t.contains(key) && !belongs) {
                errors.push_back(
                    {file, at + "/" + key, "\"" + std::string(key) + "\" does not apply to a " + type + " tariff"});
            }
        }
        cfg.tariffs.push_back(std::move(out));
    }
    return cfg;
}

json energy_summary(const energy_config& cfg) {
    json tariffs = json::array();
    for (const auto& t : cfg.tariffs) {
        tariffs.push_back({{"from", t.from},
                           {"type", t.kind == tariff_kind::flat          ? "flat"
                                    : t.kind == tariff_kind::time_of_use ? "time_of_use"
                                                                         : "tiered"}});
    }
    return {{"currency", cfg.currency}, {"home_meter", cfg.home_meter}, {"tariffs", tariffs}};
}

}  // namespace hearth
