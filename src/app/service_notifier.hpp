// systemd integration (Type=notify): READY=1, STATUS= lines and WATCHDOG=1 pings sent from the
// event loop itself, so a loop that hangs stops feeding the watchdog and systemd restarts us.
// Without systemd (no NOTIFY_SOCKET) every call is a cheap no-op.
//
// Thread: loop thread.
#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <string>

namespace hearth {

class service_notifier {
public:
    explicit service_notifier(boost::asio::io_context& loop);

    /// READY=1 with a status line.
    void ready(const std::string& status);
    /// STATUS=<text>.
    void status(const std::string& text);
    /// STOPPING=1.
    void stopping();
    /// Starts WATCHDOG=1 pings at a third of WATCHDOG_USEC while `healthy()` returns true.
    /// Does nothing when systemd did not enable a watchdog for this process.
    void start_watchdog(std::function<bool()> healthy);
    /// The ping interval in use (zero when disabled).
    [[nodiscard]] std::chrono::microseconds interval() const { return interval_; }

private:
    void arm();

    boost::asio::steady_timer timer_;
    std::function<bool()> healthy_;
    std::chrono::microseconds interval_{0};
};

}  // namespace hearth
