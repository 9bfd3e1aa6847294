// Per-driver caps on what a driver may make the core hold and process: devices registered,
// reports per second, and a quarantine once a driver keeps exceeding them. A driver is untrusted
// (issue 25): 50,000 registrations from one driver must not add hundreds of MB to hearthd.
// Sans-I/O: the caller passes the time; one instance lives in the gateway (loop thread).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

namespace hearth {

struct report_limits {
    std::size_t max_devices_per_driver = 2000;
    /// Sustained state/event reports per second per driver; up to one second's worth in a burst.
    double max_reports_per_s = 20000;
    /// Refused registrations or reports (all kinds) after which the driver is quarantined.
    std::uint64_t quarantine_after = 1000;
};

class report_guard {
public:
    using time_point = std::chrono::steady_clock::time_point;

    explicit report_guard(report_limits limits = {}) : limits_(limits) {}

    /// May `driver`, which has `registered` devices now, register one more? Counts a refusal.
    bool admit_device(const std::string& driver, std::size_t registered);
    /// Token bucket: may `driver` report once more at `now`? Counts a refusal.
    bool admit_report(const std::string& driver, time_point now);
    /// Counts a report refused elsewhere (wrong type, reserved id, undeclared event).
    void count_refusal(const std::string& driver);
    /// True once `driver` has been refused quarantine_after times (stays true).
    [[nodiscard]] bool abusive(const std::string& driver) const;
    [[nodiscard]] std::uint64_t refused(const std::string& driver) const;
    [[nodiscard]] const report_limits& limits() const { return limits_; }

private:
    struct per_driver {
        double tokens = -1;  // < 0: bucket not started
        time_point last{};
        std::uint64_t refused = 0;
    };
    report_limits limits_;
    std::map<std::string, per_driver> drivers_;
};

}  // namespace hearth
