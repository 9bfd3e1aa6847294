// Per-driver caps and quarantine decision (see report_guard.hpp).
#include "core/report_guard.hpp"

#include <algorithm>

namespace hearth {

bool report_guard::admit_device(const std::string& driver, std::size_t registered) {
    if (registered < limits_.max_devices_per_driver) return true;
    ++drivers_[driver].refused;
    return false;
}

bool report_guard::admit_report(const std::string& driver, time_point now) {
    per_driver& d = drivers_[driver];
    const double burst = std::max(1.0, limits_.max_reports_per_s);
    if (d.tokens < 0) {
        d.tokens = burst;
    } else {
        const double elapsed = std::chrono::duration<double>(now - d.last).count();
        if (elapsed > 0) d.tokens = std::min(burst, d.tokens + elapsed * limits_.max_reports_per_s);
    }
    d.last = now;
    if (d.tokens >= 1.0) {
        d.tokens -= 1.0;
        return true;
    }
    ++d.refused;
    return false;
}

void report_guard::count_refusal(const std::string& driver) { ++drivers_[driver].refused; }

bool report_guard::abusive(const std::string& driver) const { return refused(driver) >= limits_.quarantine_after; }

std::uint64_t report_guard::refused(const std::string& driver) const {
    auto it = drivers_.find(driver);
    return it == drivers_.end() ? 0 : it->second.refused;
}

}  // namespace hearth
