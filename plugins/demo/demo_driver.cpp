// Role: the demo plugin itself — a toolkit driver that owns one simulation and pumps its timers
// from a single asio timer on the kit's io thread; exported with HEARTH_KIT_DRIVER.
#include "demo_schema.hpp"
#include "simulation.hpp"

#include <hearth/kit/driver.hpp>

#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <string>

namespace hearth::demo {

namespace {

class demo_driver final : public kit::driver {
public:
    /// Checked by the host before the constructor runs (ABI v1.2).
    static constexpr const char* config_schema = k_config_schema;

    /// Builds the simulation and says so (before any device is online: tests wait on that line).
    demo_driver(kit::context& ctx, const json& config) : driver(ctx), sim_(host(), config), timer_(io()) {
        host().info("demo instance " + instance_id() + " simulating " + std::to_string(sim_.device_count()) +
                    " devices every " + std::to_string(sim_.tick_ms()) + " ms");
    }

    void start() override {
        sim_.start();
        pump();
    }
    status handle_command(const command& cmd) override {
        const status result = sim_.handle_command(cmd);
        pump();  // the command may have armed an earlier timer (the lock's bolt)
        return result;
    }
    void refresh(const std::string& device_id) override { sim_.refresh(device_id); }
    void stop() override {
        sim_.stop();
        timer_.cancel();
    }

private:
    /// Runs what is due on the host clock, then sleeps until the next simulation timer.
    void pump() {
        sim_.timers().run_due();
        const auto due = sim_.timers().next_due();
        if (!due) return;
        const std::uint64_t now = host().now_ms();
        timer_.expires_after(std::chrono::milliseconds(*due > now ? *due - now : 0));
        timer_.async_wait([this](const boost::system::error_code& ec) {
            if (!ec) pump();
        });
    }

    simulation sim_;
    boost::asio::steady_timer timer_;
};

}  // namespace

}  // namespace hearth::demo

HEARTH_KIT_DRIVER(hearth::demo::demo_driver, "demo", "1.0.0",
                  "Virtual devices of every Hearth device type, simulated on the toolkit's io thread")
