// Availability hysteresis of one device: the first success after being offline (or unknown)
// reports it online at once; only `failures_to_offline` failures in a row report it offline, so
// one lost poll does not flap the device in Home Assistant. Only changes are reported.
// Single-threaded (the driver's io thread).
#pragma once

#include <hearth/driver.hpp>

#include <functional>
#include <string>
#include <utility>

namespace hearth::kit {

class availability {
public:
    /// Called with the new availability on every change.
    using report_fn = std::function<void(bool online)>;

    /// Reports through `report`. `failures_to_offline` >= 1.
    explicit availability(report_fn report, int failures_to_offline = 3)
        : report_(std::move(report)), failures_to_offline_(failures_to_offline < 1 ? 1 : failures_to_offline) {}

    /// Reports `device_id`'s availability to the host.
    availability(hearth::host& host, std::string device_id, int failures_to_offline = 3)
        : availability([&host, id = std::move(device_id)](bool online) { host.report_availability(id, online); },
                       failures_to_offline) {}

    /// The device answered.
    void success() {
        failures_ = 0;
        set(true);
    }
    /// The device did not answer (or answered garbage).
    void failure() {
        if (++failures_ >= failures_to_offline_) set(false);
    }
    /// Reports offline now (e.g. the driver stops or the device said it is gone).
    void force_offline() {
        failures_ = failures_to_offline_;
        set(false);
    }

    /// Known online (false while unknown).
    [[nodiscard]] bool online() const noexcept { return state_ == known::online; }
    [[nodiscard]] int consecutive_failures() const noexcept { return failures_; }

private:
    enum class known { unknown, online, offline };
    void set(bool online) {
        const known next = online ? known::online : known::offline;
        if (state_ == next) return;
        state_ = next;
        report_(online);
    }

    report_fn report_;
    int failures_to_offline_;
    int failures_ = 0;
    known state_ = known::unknown;
};

}  // namespace hearth::kit
