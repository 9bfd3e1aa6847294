// Watches every lock's state for the core's time-based lock rules: optional auto-relock after
// N seconds unlocked, and a 'door left unlocked' alarm (lock_alarm, alarm "left_unlocked").
// Settings come from the gateway's lock_policy; timers run on the loop.
#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20

#include "core/gateway.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <map>
#include <memory>
#include <string>

namespace hearth {

class lock_supervisor final : public gateway_observer {
public:
    /// `gw` must outlive this object. Register it with gw.add_observer().
    lock_supervisor(boost::asio::io_context& loop, gateway& gw) : loop_(loop), gw_(gw) {}

    void on_state_changed(const device_entry& device, const nlohmann::json& changed) override;
    void on_device_removed(const std::string& device_id) override;

private:
    struct timers {
        std::unique_ptr<boost::asio::steady_timer> relock;
        std::unique_ptr<boost::asio::steady_timer> left_open;
    };
    void arm(const std::string& id);
    void disarm(const std::string& id);

    boost::asio::io_context& loop_;
    gateway& gw_;
    std::map<std::string, timers> timers_;
};

}  // namespace hearth
