// systemd notification (see service_notifier.hpp).
#include "app/service_notifier.hpp"

#include "log/log.hpp"

#include <systemd/sd-daemon.h>

namespace hearth {

service_notifier::service_notifier(boost::asio::io_context& loop) : timer_(loop) {}

void service_notifier::ready(const std::string& status) { sd_notifyf(0, "READY=1\nSTATUS=%s", status.c_str()); }

void service_notifier::status(const std::string& text) { sd_notifyf(0, "STATUS=%s", text.c_str()); }

void service_notifier::stopping() { sd_notify(0, "STOPPING=1\nSTATUS=stopping"); }

void service_notifier::start_watchdog(std::function<bool()> healthy) {
    std::uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return;
    healthy_ = std::move(healthy);
    interval_ = std::chrono::microseconds(usec / 3);
    log::app().info("systemd watchdog enabled: pinging every {} ms", interval_.count() / 1000);
    sd_notify(0, "WATCHDOG=1");
    arm();
}

void service_notifier::arm() {
    timer_.expires_after(interval_);
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        if (!healthy_ || healthy_()) {
            sd_notify(0, "WATCHDOG=1");
        } else {
            log::app().error("health check failed: not feeding the systemd watchdog");
        }
        arm();
    });
}

}  // namespace hearth
