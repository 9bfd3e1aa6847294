// Test helper: runs a test in a fixed time zone (TZ) and restores the previous one afterwards, so
// calendar arithmetic (tariff slots, local days and months) is deterministic on any machine.
#pragma once

#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>

namespace hearth::test {

class tz_guard {
public:
    explicit tz_guard(const char* zone) {
        if (const char* old = std::getenv("TZ")) old_ = old;
        ::setenv("TZ", zone, 1);
        ::tzset();
    }
    ~tz_guard() {
        if (old_) {
            ::setenv("TZ", old_->c_str(), 1);
        } else {
            ::unsetenv("TZ");
        }
        ::tzset();
    }
    tz_guard(const tz_guard&) = delete;
    tz_guard& operator=(const tz_guard&) = delete;

private:
    std::optional<std::string> old_;
};

}  // namespace hearth::test
